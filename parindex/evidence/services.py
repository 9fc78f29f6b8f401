"""Writes of the evidence store: upload a file, record a reference to a document.

Callers check access first (``parindex.evidence.access``); these functions check the input. Any
problem raises :class:`EvidenceRejected` with a translated message and changes nothing. Each
upload and reference writes an audit event in the same transaction.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.audit.services import audit_record
from parindex.core.errors import ParindexError
from parindex.shared.fields import model_field

from . import labels, sniff
from .models import Evidence, StoredFile

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from parindex.accounts.models import User
    from parindex.units.models import Unit

CHUNK = 64 * 1024


class EvidenceRejected(ParindexError):
    """An upload or reference parindex refuses; ``message`` tells the person what to do."""


def max_bytes() -> int:
    return int(settings.PARINDEX_EVIDENCE_MAX_BYTES)


def storage_name_for(sha256: str) -> str:
    """Where a blob lives: derived from its hash only, never from anything a user typed."""
    return f"evidence/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def accepted_extensions() -> list[str]:
    return sorted(sniff.ALL_EXTENSIONS)


def _refusal_message(reason: sniff.Reason) -> str:
    kinds = _("PDF, Word, Excel, PowerPoint, OpenDocument or an image (PNG, JPEG, GIF, WebP, TIFF)")
    messages = {
        sniff.Reason.EMPTY: _("The file is empty."),
        sniff.Reason.EXECUTABLE: _(
            "This file is a program, not a document, whatever its name says. Upload %(kinds)s."
        ),
        sniff.Reason.SCRIPT: _(
            "Web pages, SVG drawings and XML files are not accepted because they can carry "
            "scripts. Save the document as PDF and upload that."
        ),
        sniff.Reason.ARCHIVE: _(
            "This archive is not an Office or OpenDocument file. Upload the documents "
            "one by one as %(kinds)s."
        ),
        sniff.Reason.MACRO: _(
            "Office files with macros (.docm, .xlsm, .pptm) are not accepted. Save the document "
            "without macros (.docx, .xlsx, .pptx) or as PDF."
        ),
        sniff.Reason.UNKNOWN: _(
            "The content of this file is not a document type parindex accepts. Upload %(kinds)s."
        ),
    }
    return messages[reason] % {"kinds": kinds}


def _hash_and_size(file: UploadedFile[bytes], limit: int) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    for chunk in file.chunks(CHUNK):
        size += len(chunk)
        if size > limit:
            raise EvidenceRejected(too_large_message(limit))
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest(), size


def too_large_message(limit: int) -> str:
    return _("The file is larger than the limit of %(limit)s. Compress it or split it.") % {
        "limit": filesizeformat(limit)
    }


def _check_file(file: UploadedFile[bytes]) -> tuple[sniff.FileType, str, int]:
    """The detected type, hash and size of an acceptable upload, or :class:`EvidenceRejected`."""
    limit = max_bytes()
    if file.size is not None and file.size > limit:
        raise EvidenceRejected(too_large_message(limit))
    if not file.size:
        raise EvidenceRejected(_("The file is empty."))
    try:
        # An upload reads and seeks as a binary file through Django's FileProxyMixin, whose
        # stubs declare read() and seek() without their arguments.
        file_type = sniff.sniff(file)  # type: ignore[arg-type]
    except sniff.NotAccepted as refusal:
        raise EvidenceRejected(_refusal_message(refusal.reason)) from None
    name = file.name or ""
    if not file_type.agrees_with(name):
        extension = sniff.extension_of(name)
        raise EvidenceRejected(
            _(
                "The file's content is %(type)s but its name ends in “%(extension)s”. "
                "Rename it to end in .%(expected)s, or upload the right file."
            )
            % {
                "type": labels.type_label(file_type.content_type),
                "extension": f".{extension}" if extension else _("(no extension)"),
                "expected": file_type.extension,
            }
        )
    sha256, size = _hash_and_size(file, limit)
    if size == 0:
        raise EvidenceRejected(_("The file is empty."))
    return file_type, sha256, size


def _stored_file(
    *, file: UploadedFile[bytes], file_type: sniff.FileType, sha256: str, size: int
) -> StoredFile:
    """The one :class:`StoredFile` for these bytes, writing them to storage the first time.

    A blob left behind by a rolled-back upload is reused when its size matches (same hash, same
    bytes); the bytes of a file that is already stored are not written again.
    """
    existing = StoredFile.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    name = storage_name_for(sha256)
    if default_storage.exists(name) and default_storage.size(name) != size:
        default_storage.delete(name)  # a partial write; the hash names what belongs here
    if not default_storage.exists(name):
        file.seek(0)
        saved = default_storage.save(name, file)
        if saved != name:  # written concurrently under the same hash: keep one copy
            default_storage.delete(saved)
    try:
        with transaction.atomic():
            return StoredFile.objects.create(
                sha256=sha256, size=size, content_type=file_type.content_type, storage_name=name
            )
    except IntegrityError:
        return StoredFile.objects.get(sha256=sha256)


def evidence_upload(
    *, file: UploadedFile[bytes], unit: Unit, user: User, title: str = ""
) -> Evidence:
    """Store an uploaded document as evidence of ``unit``.

    The type is judged by content and must agree with the name's extension; the bytes are
    stored once per SHA-256 under a name derived from the hash. The original name is kept,
    sanitised, for display only.
    """
    file_type, sha256, size = _check_file(file)
    title = " ".join(title.split())
    title_limit = model_field(Evidence, "title").max_length
    if title_limit is not None and len(title) > title_limit:
        raise EvidenceRejected(_("The title is too long (at most 300 characters)."))
    with transaction.atomic():
        stored = _stored_file(file=file, file_type=file_type, sha256=sha256, size=size)
        evidence = Evidence.objects.create(
            unit=unit,
            kind=Evidence.Kind.FILE,
            stored_file=stored,
            original_name=sniff.display_name(
                file.name or "", fallback=f"document.{file_type.extension}"
            ),
            title=title,
            uploaded_by=user,
        )
        audit_record(
            actor=user,
            action="evidence.upload",
            target=evidence,
            unit_id=unit.pk,
            after={
                "title": evidence.title,
                "original_name": evidence.original_name,
                "sha256": stored.sha256,
                "size": stored.size,
                "content_type": stored.content_type,
            },
        )
        return evidence


def evidence_reference(
    *, unit: Unit, user: User, number: str, issued_on: datetime.date, issuer: str, title: str
) -> Evidence:
    """Record a reference to a document that must not be uploaded (number, date, issuer)."""
    number, issuer, title = (" ".join(v.split()) for v in (number, issuer, title))
    problems = []
    if not number:
        problems.append(_("Enter the document number."))
    if not isinstance(issued_on, datetime.date):
        problems.append(_("Enter the date the document was issued."))
    elif issued_on > timezone.localdate():
        problems.append(_("The issue date is in the future."))
    if not issuer:
        problems.append(_("Enter the issuer of the document."))
    if not title:
        problems.append(_("Enter the title of the document."))
    for value, field in ((number, "number"), (issuer, "issuer"), (title, "title")):
        limit = model_field(Evidence, field).max_length
        if limit is not None and len(value) > limit:
            problems.append(
                _("The %(field)s is too long (at most %(limit)d characters).")
                % {"field": model_field(Evidence, field).verbose_name, "limit": limit}
            )
    if problems:
        raise EvidenceRejected(" ".join(problems))
    with transaction.atomic():
        evidence = Evidence.objects.create(
            unit=unit,
            kind=Evidence.Kind.REFERENCE,
            number=number,
            issued_on=issued_on,
            issuer=issuer,
            title=title,
            uploaded_by=user,
        )
        audit_record(
            actor=user,
            action="evidence.reference",
            target=evidence,
            unit_id=unit.pk,
            after={"number": number, "issued_on": issued_on, "issuer": issuer, "title": title},
        )
        return evidence
