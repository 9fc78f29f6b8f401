"""A unit's evidence library (*tài liệu kiểm chứng*) through the API: list it, upload to it.

Reads and uploads reach the library through ``evidence.access`` as the library page does (the
unit's people and province-wide readers read; the unit's people and the PAR administrator
add); an upload goes through ``evidence.services.evidence_upload``: the size limit, the type
judged by content, one stored copy per SHA-256, an audit event naming the token.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from parindex.accounts.apitokens import channel
from parindex.audit.services import recorded_through
from parindex.evidence import access, services
from parindex.evidence.models import Evidence

from .auth import TokenAuth, acting, require_write
from .common import CODE, Reply, answers
from .schemas import EvidenceOut
from .uploads import multipart, receive

router = Router(auth=TokenAuth(), tags=["evidence"])


def evidence_out(evidence: Evidence) -> dict[str, object]:
    stored = evidence.stored_file
    return {
        "id": evidence.pk,
        "unit": evidence.unit.code,
        "kind": evidence.kind,
        "title": evidence.title,
        "original_name": evidence.original_name,
        "content_type": stored.content_type if stored else None,
        "size": stored.size if stored else None,
        "sha256": stored.sha256 if stored else None,
        "number": evidence.number,
        "issued_on": evidence.issued_on,
        "issuer": evidence.issuer,
        "uploaded_at": evidence.uploaded_at,
    }


@router.get("/units/{unit_code}/evidence", response=answers({200: list[EvidenceOut]}, 403, 404))
def library(request: HttpRequest, unit_code: str = CODE) -> list[dict[str, object]]:
    """The unit's documents, newest first."""
    unit = access.get_unit_library_for_user(request, unit_code)
    rows = Evidence.objects.filter(unit=unit).select_related("unit", "stored_file")
    return [evidence_out(e) for e in rows.order_by("-uploaded_at", "-id")]


@router.post(
    "/units/{unit_code}/evidence",
    response=answers({201: EvidenceOut}, 403, 404, 413),
    openapi_extra=multipart(
        "PDF, Office, OpenDocument or an image; judged by its content",
        title="The document's title (optional)",
    ),
)
def upload(request: HttpRequest, unit_code: str = CODE) -> Reply:
    """Upload a document to the unit's library; link it to leaves with
    ``POST /cycles/{cycle_id}/units/{unit_code}/leaves/{leaf_code}/evidence``."""
    token = require_write(request)
    unit = access.get_unit_library_for_user(request, unit_code)
    if not access.can_add_evidence(request.user, unit):
        raise PermissionDenied
    received = receive(request, services.max_bytes())
    if received.too_large:
        return Status(413, {"detail": services.too_large_message(services.max_bytes())})
    if received.file is None:
        return Status(422, {"detail": _("Send the document as the form field “file”.")})
    try:
        with transaction.atomic(), recorded_through(channel(token)):
            evidence = services.evidence_upload(
                file=received.file,
                unit=unit,
                user=acting(request),
                title=received.fields.get("title", "")[:1000],
            )
    except services.EvidenceRejected as refusal:
        return Status(422, {"detail": refusal.message})
    return Status(201, evidence_out(evidence))
