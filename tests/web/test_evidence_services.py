"""The evidence services: ``evidence_upload`` accepts every allowed type by content, refuses
disguised, empty and oversized files without changing anything, stores bytes once by SHA-256
under a name derived from the hash only; ``evidence_reference`` records documents that are not
uploaded."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from parindex.accounts.models import User
from parindex.evidence.models import Evidence, StoredFile
from parindex.evidence.services import (
    EvidenceRejected,
    evidence_reference,
    evidence_upload,
    storage_name_for,
)

from . import evidence_samples as samples
from .evidence_fixtures import stored_paths, upload
from .factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():  # type: ignore[no-untyped-def]
    """Messages are asserted in English here; one test checks the Vietnamese ones."""
    with translation.override("en"):
        yield


def nothing_stored(media_root: Path) -> bool:
    return (
        not Evidence.objects.exists()
        and not StoredFile.objects.exists()
        and not stored_paths(media_root)
    )


@pytest.mark.parametrize("kind", sorted(samples.ACCEPTED))
def test_every_allowed_type_is_accepted(world: World, editor_a: User, media: Path, kind) -> None:
    build, name, content_type = samples.ACCEPTED[kind]
    data = build()
    evidence = evidence_upload(file=upload(data, name), unit=world.unit_a, user=editor_a)
    sha = hashlib.sha256(data).hexdigest()
    stored = evidence.stored_file
    assert (evidence.kind, evidence.original_name, evidence.unit) == ("file", name, world.unit_a)
    assert (stored.sha256, stored.size, stored.content_type) == (sha, len(data), content_type)
    assert stored.storage_name == f"evidence/{sha[:2]}/{sha[2:4]}/{sha}"
    assert (media / stored.storage_name).read_bytes() == data
    assert evidence.uploaded_by == editor_a


@pytest.mark.parametrize("case", sorted(samples.REFUSED))
def test_disguised_and_unknown_files_are_refused(world, editor_a, media, case) -> None:
    build, name, _reason = samples.REFUSED[case]
    with pytest.raises(EvidenceRejected) as refused:
        evidence_upload(file=upload(build(), name), unit=world.unit_a, user=editor_a)
    assert refused.value.message
    assert nothing_stored(media)


def test_executable_named_pdf_gets_a_clear_message(world, editor_a, media) -> None:
    with pytest.raises(EvidenceRejected) as refused:
        evidence_upload(file=upload(samples.exe(), "bao-cao.pdf"), unit=world.unit_a, user=editor_a)
    assert "program" in refused.value.message
    assert nothing_stored(media)


def test_messages_are_translated(world, editor_a, media) -> None:
    with translation.override("vi"), pytest.raises(EvidenceRejected) as refused:
        evidence_upload(file=upload(samples.exe(), "bao-cao.pdf"), unit=world.unit_a, user=editor_a)
    assert "chương trình" in refused.value.message


@pytest.mark.parametrize(
    ("builder", "name", "words"),
    [
        (samples.png, "bao-cao.pdf", ["PNG", ".pdf", ".png"]),
        (samples.pdf, "van-ban.docx", ["PDF", ".docx", ".pdf"]),
        (samples.docx, "bang.xlsx", ["Word (.docx)", ".xlsx", ".docx"]),
        (samples.pdf, "bao-cao", ["PDF", ".pdf"]),
    ],
)
def test_type_and_extension_must_agree(world, editor_a, media, builder, name, words) -> None:
    with pytest.raises(EvidenceRejected) as refused:
        evidence_upload(file=upload(builder(), name), unit=world.unit_a, user=editor_a)
    for word in words:
        assert word in refused.value.message
    assert nothing_stored(media)


def test_empty_file_is_refused(world, editor_a, media) -> None:
    with pytest.raises(EvidenceRejected, match="empty"):
        evidence_upload(file=upload(b"", "trong.pdf"), unit=world.unit_a, user=editor_a)
    assert nothing_stored(media)


def test_oversized_file_is_refused(world, editor_a, media, settings) -> None:
    settings.PARINDEX_EVIDENCE_MAX_BYTES = 1000
    data = samples.pdf("x" * 2000)
    with pytest.raises(EvidenceRejected, match="larger than the limit of 1000"):
        evidence_upload(file=upload(data, "lon.pdf"), unit=world.unit_a, user=editor_a)
    assert nothing_stored(media)
    at_limit = samples.pdf("x" * (1000 - len(samples.pdf(""))))
    assert len(at_limit) == 1000
    evidence_upload(file=upload(at_limit, "vua.pdf"), unit=world.unit_a, user=editor_a)


def test_default_limit_is_20_mib(settings) -> None:
    assert settings.PARINDEX_EVIDENCE_MAX_BYTES == 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("bao\x00cao.pdf", "baocao.pdf"),
        ("x" * 1000 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_path_tricks_in_names_are_harmless(world, editor_a, media, tmp_path, name, shown) -> None:
    data = samples.pdf(name)
    evidence = evidence_upload(file=upload(data, name), unit=world.unit_a, user=editor_a)
    sha = hashlib.sha256(data).hexdigest()
    assert evidence.original_name == shown
    assert stored_paths(media) == [storage_name_for(sha)]
    assert [p.name for p in tmp_path.iterdir()] == ["media"]  # nothing written beside it


def test_same_bytes_twice_are_stored_once(world, editor_a, editor_b, media) -> None:
    data = samples.pdf("Quyết định 12")
    first = evidence_upload(file=upload(data, "qd-12.pdf"), unit=world.unit_a, user=editor_a)
    again = evidence_upload(file=upload(data, "ban sao.pdf"), unit=world.unit_a, user=editor_a)
    other = evidence_upload(file=upload(data, "qd.pdf"), unit=world.unit_b, user=editor_b)
    assert StoredFile.objects.count() == 1
    assert Evidence.objects.count() == 3
    assert first.stored_file_id == again.stored_file_id == other.stored_file_id
    assert [e.original_name for e in (first, again, other)] == [
        "qd-12.pdf",
        "ban sao.pdf",
        "qd.pdf",
    ]
    assert len(stored_paths(media)) == 1


def test_blob_left_by_a_rolled_back_upload_is_reused(world, editor_a, media) -> None:
    data = samples.png()
    name = storage_name_for(hashlib.sha256(data).hexdigest())
    default_storage.save(name, upload(data, "x.png"))
    evidence = evidence_upload(file=upload(data, "anh.png"), unit=world.unit_a, user=editor_a)
    assert evidence.stored_file.storage_name == name
    assert stored_paths(media) == [name]


def test_partial_blob_is_replaced(world, editor_a, media) -> None:
    data = samples.png()
    name = storage_name_for(hashlib.sha256(data).hexdigest())
    default_storage.save(name, upload(data[:10], "x.png"))
    evidence_upload(file=upload(data, "anh.png"), unit=world.unit_a, user=editor_a)
    assert (media / name).read_bytes() == data
    assert stored_paths(media) == [name]


def test_title_is_kept_and_tidied(world, editor_a) -> None:
    evidence = evidence_upload(
        file=upload(samples.pdf(), "a.pdf"),
        unit=world.unit_a,
        user=editor_a,
        title="  Báo cáo   quý I  ",
    )
    assert evidence.title == "Báo cáo quý I"
    assert str(evidence) == "Báo cáo quý I"


def test_reference(world, editor_a, media) -> None:
    evidence = evidence_reference(
        unit=world.unit_a,
        user=editor_a,
        number=" 15/QĐ-UBND ",
        issued_on=datetime.date(2024, 3, 1),
        issuer="UBND tỉnh",
        title="Quyết định ban hành kế hoạch (mật)",
    )
    assert evidence.kind == Evidence.Kind.REFERENCE
    assert (evidence.number, evidence.issuer) == ("15/QĐ-UBND", "UBND tỉnh")
    assert evidence.stored_file is None
    assert stored_paths(media) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("number", "  ", "document number"),
        ("issuer", "", "issuer"),
        ("title", "", "title"),
        ("issued_on", datetime.date(2999, 1, 1), "future"),
        ("number", "9" * 101, "too long"),
    ],
)
def test_reference_refusals_change_nothing(world, editor_a, field, value, message) -> None:
    values = {
        "number": "15/QĐ-UBND",
        "issued_on": datetime.date(2024, 3, 1),
        "issuer": "UBND tỉnh",
        "title": "Quyết định",
    }
    values[field] = value
    with pytest.raises(EvidenceRejected, match=message):
        evidence_reference(unit=world.unit_a, user=editor_a, **values)
    assert not Evidence.objects.exists()


def test_database_refuses_a_file_evidence_without_a_file(world, editor_a) -> None:
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Evidence.objects.create(
            unit=world.unit_a, kind=Evidence.Kind.FILE, original_name="a.pdf", uploaded_by=editor_a
        )


def test_upload_and_reference_are_audited(world, editor_a) -> None:
    from parindex.audit.models import AuditEvent

    data = samples.pdf("audit")
    evidence = evidence_upload(file=upload(data, "a.pdf"), unit=world.unit_a, user=editor_a)
    reference = evidence_reference(
        unit=world.unit_a,
        user=editor_a,
        number="1/KH",
        issued_on=datetime.date(2024, 1, 2),
        issuer="UBND",
        title="Kế hoạch",
    )
    upload_event, reference_event = AuditEvent.objects.filter(
        action__startswith="evidence."
    ).order_by("sequence")
    assert (upload_event.action, upload_event.target_id) == ("evidence.upload", str(evidence.pk))
    assert upload_event.actor == editor_a and upload_event.unit_id == world.unit_a.pk
    assert upload_event.after["sha256"] == hashlib.sha256(data).hexdigest()
    assert (reference_event.action, reference_event.target_id) == (
        "evidence.reference",
        str(reference.pk),
    )
    assert reference_event.after["issued_on"] == "2024-01-02"


def test_refusal_writes_no_audit_event(world, editor_a) -> None:
    from parindex.audit.models import AuditEvent

    with pytest.raises(EvidenceRejected):
        evidence_upload(file=upload(samples.exe(), "a.pdf"), unit=world.unit_a, user=editor_a)
    assert not AuditEvent.objects.filter(action__startswith="evidence.").exists()
