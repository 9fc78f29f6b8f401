"""Pages of the evidence store: a unit's library (list and upload), one piece of evidence, its
download. Every view reaches evidence through ``access``; downloads go through this module only."""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parindex.accounts.roles import sees_all_results
from parindex.shared.http import AuthedRequest
from parindex.shared.login import LoginRequired
from parindex.units.models import Unit

from . import access, selectors, services, sniff
from .forms import EvidenceFileForm, EvidenceReferenceForm
from .models import Evidence
from .uploads import SizeLimitUploadHandler, upload_view

TABS = ("file", "reference")


@require_GET
def library_index(request: HttpRequest) -> HttpResponse:
    """The evidence libraries the person may open; straight to it when there is only one."""
    if not request.user.is_authenticated:
        raise LoginRequired
    units = list(selectors.libraries_for_user(request.user))
    if len(units) == 1 and not sees_all_results(request.user):
        return redirect("evidence:library", unit_code=units[0].code)
    return render(request, "evidence/index.html", {"units": units})


def _library_context(
    request: AuthedRequest,
    unit: Unit,
    *,
    tab: str = "file",
    file_form: EvidenceFileForm | None = None,
    reference_form: EvidenceReferenceForm | None = None,
    added: Evidence | None = None,
) -> dict[str, Any]:
    return {
        "unit": unit,
        "items": selectors.unit_evidence(unit),
        "can_add": access.can_add_evidence(request.user, unit),
        "tab": tab if tab in TABS else "file",
        "file_form": file_form or EvidenceFileForm(),
        "reference_form": reference_form or EvidenceReferenceForm(),
        "added": added,
        "max_bytes": services.max_bytes(),
        "extensions": ", ".join(f".{e}" for e in services.accepted_extensions()),
    }


def _render_library(request: AuthedRequest, context: dict[str, Any]) -> HttpResponse:
    """The whole page, or with htmx the fragment its target asks for (forms or library)."""
    if request.htmx:
        if request.htmx.target == "evidence-forms":
            return render(request, "evidence/_forms.html", context)
        return render(request, "evidence/_library.html", context)
    return render(request, "evidence/library.html", context)


@require_GET
def library(request: AuthedRequest, unit_code: str) -> HttpResponse:
    unit = access.get_unit_library_for_user(request, unit_code)
    return _render_library(request, _library_context(request, unit, tab=request.GET.get("tab", "")))


def _unit_for_adding(request: AuthedRequest, unit_code: str) -> Unit:
    unit = access.get_unit_library_for_user(request, unit_code)
    if not access.can_add_evidence(request.user, unit):
        raise PermissionDenied
    return unit


def _added(request: AuthedRequest, unit: Unit, evidence: Evidence) -> HttpResponse:
    if request.htmx:
        return _render_library(request, _library_context(request, unit, added=evidence))
    messages.success(request, _("Evidence added: %(title)s") % {"title": evidence})
    return redirect("evidence:library", unit_code=unit.code)


@upload_view(services.max_bytes)
@require_POST
def upload(request: AuthedRequest, unit_code: str, limiter: SizeLimitUploadHandler) -> HttpResponse:
    unit = _unit_for_adding(request, unit_code)
    form = EvidenceFileForm(request.POST, request.FILES)
    if limiter.skipped:
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", services.too_large_message(services.max_bytes()))
    elif form.is_valid():
        try:
            evidence = services.evidence_upload(
                file=form.cleaned_data["file"],
                unit=unit,
                user=request.user,
                title=form.cleaned_data["title"],
            )
        except services.EvidenceRejected as refusal:
            form.add_error("file", refusal.message)
        else:
            return _added(request, unit, evidence)
    return _render_library(request, _library_context(request, unit, tab="file", file_form=form))


@require_POST
def reference(request: AuthedRequest, unit_code: str) -> HttpResponse:
    unit = _unit_for_adding(request, unit_code)
    form = EvidenceReferenceForm(request.POST)
    if form.is_valid():
        try:
            evidence = services.evidence_reference(
                unit=unit,
                user=request.user,
                **form.cleaned_data,
            )
        except services.EvidenceRejected as refusal:
            form.add_error(None, refusal.message)
        else:
            return _added(request, unit, evidence)
    context = _library_context(request, unit, tab="reference", reference_form=form)
    return _render_library(request, context)


@require_GET
def detail(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = access.get_evidence_for_user(request, evidence_id)
    return render(request, "evidence/detail.html", {"evidence": evidence})


def ascii_fallback(name: str) -> str:
    """The file name in plain ASCII for old clients: Vietnamese letters lose their marks."""
    name = name.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if c.isascii() and c.isprintable() and c not in '"\\')
    return plain.strip() or "document"


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the exact UTF-8 name (RFC 6266/5987)."""
    return (
        f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )


@require_GET
def download(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = access.get_evidence_for_user(request, evidence_id)
    stored = evidence.stored_file
    if stored is None:  # a reference: there is nothing to download
        raise Http404
    try:
        handle = default_storage.open(stored.storage_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition(
        sniff.display_name(evidence.original_name, fallback=f"document-{evidence.pk}")
    )
    response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    # Never rendered by the browser as a page of this site, even if opened inline.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, max_age=0)
    return response
