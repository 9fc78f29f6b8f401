"""What the appraisal's pages share: the language, the HTTP status of a refused write, the
form's problems in one line, a safe ``next`` target, and the link to a unit's page."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from parindex.appraisals import services
from parindex.assessments.models import Assessment


def refusal_status(exc: services.AppraisalError) -> int:
    if isinstance(exc, services.AppraisalConflict):
        return 409
    if isinstance(exc, services.ConflictOfInterest | services.NotYourArea | services.StageClosed):
        return 403
    return 422


def form_problems(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def unit_url(assessment: Assessment, anchor: str = "") -> str:
    url = services.unit_page_url(assessment)
    return f"{url}#{anchor}" if anchor else url
