"""What the appraisal's pages share: the language, the HTTP status of a refused write, the
form's problems in one line, a safe ``next`` target, the token of a confirmation page, and the
link to a unit's page."""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

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
    """``next`` if it is a path of this site, else ``fallback``. Only a path: ``redirect`` reads
    a bare word as the name of a view, and one that names none (``next=1e5``) is a server
    error."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def confirmation_token(*shown: object) -> str:
    """The token a confirmation page's form posts back: a digest of what the page showed (the
    units, leaves and counts the person confirmed). Irreversible and bulk actions act only on
    a POST carrying it; one without it (a stray click, an old form) or with a token computed
    from other counts (something changed since) is sent back to the confirmation page."""
    return hashlib.sha256("|".join(str(part) for part in shown).encode()).hexdigest()[:20]


def unconfirmed(request: HttpRequest, token: str) -> bool:
    """True, with a message saying nothing was done, when the POST does not carry ``token``."""
    if request.POST.get("confirm") == token:
        return False
    messages.warning(
        request,
        _("Nothing was done: check what this page says will happen, then confirm."),
    )
    return True


def unit_url(assessment: Assessment, anchor: str = "") -> str:
    url = services.unit_page_url(assessment)
    return f"{url}#{anchor}" if anchor else url
