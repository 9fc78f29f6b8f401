"""The content sniffer of the evidence store (``parindex.evidence.sniff``): a pure module, tested
without a database. Types come from the bytes; the name only has to agree with them."""

from __future__ import annotations

import io

import pytest

from parindex.evidence import sniff

from . import evidence_samples as samples


@pytest.mark.parametrize("kind", sorted(samples.ACCEPTED))
def test_every_accepted_type_is_detected_from_content(kind: str) -> None:
    build, name, content_type = samples.ACCEPTED[kind]
    detected = sniff.sniff(io.BytesIO(build()))
    assert detected.content_type == content_type
    assert detected.agrees_with(name)


@pytest.mark.parametrize("case", sorted(samples.REFUSED))
def test_refused_content(case: str) -> None:
    build, _name, reason = samples.REFUSED[case]
    with pytest.raises(sniff.NotAccepted) as refused:
        sniff.sniff(io.BytesIO(build()))
    assert refused.value.reason.value == reason


def test_empty_file_is_refused() -> None:
    with pytest.raises(sniff.NotAccepted) as refused:
        sniff.sniff(io.BytesIO(b""))
    assert refused.value.reason is sniff.Reason.EMPTY


def test_truncated_zip_is_refused_not_crashing() -> None:
    data = samples.docx()[:40]
    with pytest.raises(sniff.NotAccepted) as refused:
        sniff.sniff(io.BytesIO(data))
    assert refused.value.reason is sniff.Reason.ARCHIVE


def test_ooxml_with_a_dtd_is_refused() -> None:
    """No entity expansion is attempted on [Content_Types].xml (billion laughs)."""
    data = samples._zip(
        [
            (
                "[Content_Types].xml",
                b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><Types>&a;</Types>',
            )
        ],
        stored_first=True,
    )
    with pytest.raises(sniff.NotAccepted) as refused:
        sniff.sniff(io.BytesIO(data))
    assert refused.value.reason is sniff.Reason.ARCHIVE


def test_ooxml_naming_a_main_part_that_is_missing_is_refused() -> None:
    content_types = samples._content_types(
        "word/document.xml", samples.OOXML + "wordprocessingml.document.main+xml"
    )
    with pytest.raises(sniff.NotAccepted):
        sniff.sniff(
            io.BytesIO(samples._zip([("[Content_Types].xml", content_types)], stored_first=True))
        )


def test_stream_is_left_at_the_start() -> None:
    stream = io.BytesIO(samples.docx())
    stream.seek(7)
    sniff.sniff(stream)
    assert stream.tell() == 0


@pytest.mark.parametrize(
    ("builder", "name", "agrees"),
    [
        (samples.png, "anh.PNG", True),
        (samples.png, "anh.jpg", True),  # same family: an image
        (samples.png, "bao-cao.pdf", False),
        (samples.pdf, "bao-cao.docx", False),
        (samples.docx, "bang.xlsx", False),
        (samples.docx, "van-ban.doc", True),
        (samples.doc, "van-ban.docx", True),
        (samples.xls, "van-ban.doc", False),
        (samples.odt, "van-ban.odt", True),
        (samples.ods, "van-ban.odt", False),
        (samples.pdf, "bao-cao", False),
        (samples.pdf, ".pdf", False),
        (samples.pdf, "bao-cao.pdf.exe", False),
    ],
)
def test_extension_must_agree_with_the_detected_family(builder, name: str, agrees: bool) -> None:
    assert sniff.sniff(io.BytesIO(builder())).agrees_with(name) is agrees


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("a.PDF", "pdf"),
        ("a.tar.gz", "gz"),
        ("noext", ""),
        (".bashrc", ""),
        ("../../etc/passwd.pdf", "pdf"),
        ("C:\\Users\\x\\báo cáo.DOCX", "docx"),
    ],
)
def test_extension_of(name: str, extension: str) -> None:
    assert sniff.extension_of(name) == extension


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Windows\\system32\\báo cáo.pdf", "báo cáo.pdf"),
        ("a\x00b.pdf", "ab.pdf"),
        ("..", "document"),
        ("", "document"),
        ("  .hidden.pdf ", "hidden.pdf"),
        ('tờ "trình" <1>|?.pdf', "tờ _trình_ _1___.pdf"),
        ("line\nbreak\r.pdf", "linebreak.pdf"),
        ("Quyết\u200b định.pdf", "Quyết định.pdf"),
        ("Quyết\u00a0định\u2028.pdf", "Quyết định.pdf"),
    ],
)
def test_display_name_keeps_no_path_and_no_control_characters(name: str, shown: str) -> None:
    assert sniff.display_name(name) == shown


def test_display_name_of_a_very_long_name_keeps_its_extension() -> None:
    shown = sniff.display_name("Báo cáo " * 200 + ".pdf")
    assert len(shown) <= sniff.MAX_NAME_LENGTH
    assert shown.endswith(".pdf")


def test_display_name_is_normalised_to_nfc() -> None:
    decomposed = "Quye\u0302\u0301t đi\u0323nh.pdf"
    assert sniff.display_name(decomposed) == "Quyết định.pdf"


def test_labels() -> None:
    assert sniff.label_for("application/pdf") == "PDF"
    assert sniff.label_for("application/x-unknown") == "application/x-unknown"


def test_zip_announcing_too_many_entries_is_refused_before_reading_them() -> None:
    data = bytearray(samples.docx())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (0xFFFF).to_bytes(2, "little") * 2
    with pytest.raises(sniff.NotAccepted) as refused:
        sniff.sniff(io.BytesIO(bytes(data)))
    assert refused.value.reason is sniff.Reason.ARCHIVE
