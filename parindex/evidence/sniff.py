"""Which kind of document a file is, judged by its bytes and never by its name.

Pure Python on the standard library (magic numbers and ``zipfile``), no Django, so it can be
tested on its own. :func:`sniff` returns the :class:`FileType` of an accepted document or raises
:class:`NotAccepted` with a reason code the caller turns into a translated message.

Accepted: PDF; Office Open XML (.docx/.xlsx/.pptx, a ZIP whose ``[Content_Types].xml`` names the
main part of that application, macro-enabled variants refused); legacy Office (an OLE2 compound
file holding a Word, Excel or PowerPoint stream); OpenDocument text, spreadsheet and presentation
(a ZIP whose ``mimetype`` entry says so); PNG, JPEG, GIF, WebP and TIFF images.
"""

from __future__ import annotations

import enum
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO
from xml.etree import ElementTree

HEAD_BYTES = 2048
# [Content_Types].xml and mimetype are a few kB at most; never read more of a zip member.
MAX_MEMBER_BYTES = 256 * 1024
# Office files hold tens to a few thousand parts; 0xFFFF means a ZIP64 archive, never Office's.
MAX_ZIP_ENTRIES = 20_000


class Family(enum.Enum):
    PDF = "pdf"
    TEXT = "text"  # word processing
    SPREADSHEET = "spreadsheet"
    PRESENTATION = "presentation"
    IMAGE = "image"


EXTENSIONS: dict[Family, frozenset[str]] = {
    Family.PDF: frozenset({"pdf"}),
    Family.TEXT: frozenset({"docx", "doc", "odt"}),
    Family.SPREADSHEET: frozenset({"xlsx", "xls", "ods"}),
    Family.PRESENTATION: frozenset({"pptx", "ppt", "odp"}),
    Family.IMAGE: frozenset({"png", "jpg", "jpeg", "jpe", "gif", "webp", "tif", "tiff"}),
}
ALL_EXTENSIONS = frozenset().union(*EXTENSIONS.values())


@dataclass(frozen=True)
class FileType:
    """An accepted document type: its family, the content type to serve it with, a short label."""

    family: Family
    content_type: str
    label: str
    extension: str  # the usual extension, without dot

    def agrees_with(self, filename: str) -> bool:
        """True when the file name's extension belongs to this type's family."""
        return extension_of(filename) in EXTENSIONS[self.family]


class Reason(enum.Enum):
    EMPTY = "empty"
    EXECUTABLE = "executable"
    SCRIPT = "script"  # HTML, SVG, XML: a browser may run scripts in them
    ARCHIVE = "archive"  # a ZIP that is not an Office/OpenDocument file
    MACRO = "macro"  # a macro-enabled Office file
    UNKNOWN = "unknown"


class NotAccepted(Exception):
    """The file is not a document parindex accepts; ``reason`` says why."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail


PDF = FileType(Family.PDF, "application/pdf", "PDF", "pdf")
PNG = FileType(Family.IMAGE, "image/png", "PNG", "png")
JPEG = FileType(Family.IMAGE, "image/jpeg", "JPEG", "jpg")
GIF = FileType(Family.IMAGE, "image/gif", "GIF", "gif")
WEBP = FileType(Family.IMAGE, "image/webp", "WebP", "webp")
TIFF = FileType(Family.IMAGE, "image/tiff", "TIFF", "tif")
_OOXML = "application/vnd.openxmlformats-officedocument."
DOCX = FileType(Family.TEXT, _OOXML + "wordprocessingml.document", "Word (.docx)", "docx")
XLSX = FileType(Family.SPREADSHEET, _OOXML + "spreadsheetml.sheet", "Excel (.xlsx)", "xlsx")
PPTX = FileType(
    Family.PRESENTATION, _OOXML + "presentationml.presentation", "PowerPoint (.pptx)", "pptx"
)
DOC = FileType(Family.TEXT, "application/msword", "Word 97–2003 (.doc)", "doc")
XLS = FileType(Family.SPREADSHEET, "application/vnd.ms-excel", "Excel 97–2003 (.xls)", "xls")
PPT = FileType(
    Family.PRESENTATION, "application/vnd.ms-powerpoint", "PowerPoint 97–2003 (.ppt)", "ppt"
)
_ODF = "application/vnd.oasis.opendocument."
ODT = FileType(Family.TEXT, _ODF + "text", "OpenDocument text (.odt)", "odt")
ODS = FileType(Family.SPREADSHEET, _ODF + "spreadsheet", "OpenDocument spreadsheet (.ods)", "ods")
ODP = FileType(
    Family.PRESENTATION, _ODF + "presentation", "OpenDocument presentation (.odp)", "odp"
)

_LABELS = {
    t.content_type: t.label
    for t in (PDF, PNG, JPEG, GIF, WEBP, TIFF, DOCX, XLSX, PPTX, DOC, XLS, PPT, ODT, ODS, ODP)
}


def label_for(content_type: str) -> str:
    """A short human label of an accepted content type (the content type itself otherwise)."""
    return _LABELS.get(content_type, content_type)


_OOXML_MAIN = {
    _OOXML + "wordprocessingml.document.main+xml": DOCX,
    _OOXML + "spreadsheetml.sheet.main+xml": XLSX,
    _OOXML + "presentationml.presentation.main+xml": PPTX,
}
_OOXML_MACRO_MAIN = (
    "application/vnd.ms-word.document.macroenabled.main+xml",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml",
)
_ODF_TYPES = {t.content_type: t for t in (ODT, ODS, ODP)}
# Stream names (UTF-16LE in the compound file's directory) that make an OLE2 file a document.
_OLE_STREAMS = {"WordDocument": DOC, "Workbook": XLS, "Book": XLS, "PowerPoint Document": PPT}

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_SCRIPT_MARKERS = (b"<html", b"<!doctype html", b"<svg", b"<script", b"<?xml", b"<head", b"<body")


def extension_of(filename: str) -> str:
    """The lower-case extension without the dot, or "" when the name has none."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    if "." not in base.strip("."):
        return ""
    return base.rsplit(".", 1)[-1].strip().lower()


def sniff(stream: BinaryIO) -> FileType:
    """The type of the document in ``stream`` (a seekable binary file), judged by content.

    Reads the first bytes and, for ZIP and OLE2 files, their directory; leaves the stream at 0.
    """
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    try:
        return _sniff(stream, head)
    finally:
        stream.seek(0)


def _sniff(stream: BinaryIO, head: bytes) -> FileType:
    if not head:
        raise NotAccepted(Reason.EMPTY)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(ZIP_MAGIC):
        return _sniff_zip(stream)
    if head.startswith(OLE2_MAGIC):
        return _sniff_ole2(stream)
    if head.startswith((b"\x7fELF", b"MZ", b"\xca\xfe\xba\xbe", b"#!")) or head[:4] in (
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
    ):
        raise NotAccepted(Reason.EXECUTABLE)
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(marker in lowered for marker in _SCRIPT_MARKERS):
        raise NotAccepted(Reason.SCRIPT)
    raise NotAccepted(Reason.UNKNOWN)


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as member:
        return member.read(MAX_MEMBER_BYTES)


def _zip_entry_count(stream: BinaryIO) -> int | None:
    """The number of entries the end-of-central-directory record announces (None if absent).

    Read before ``zipfile`` builds one object per entry, so a small file announcing millions of
    entries is refused cheaply."""
    stream.seek(0, 2)
    size = stream.tell()
    tail_start = max(0, size - (65535 + 22))
    stream.seek(tail_start)
    tail = stream.read()
    at = tail.rfind(b"PK\x05\x06")
    if at == -1 or at + 22 > len(tail):
        return None
    return int.from_bytes(tail[at + 10 : at + 12], "little")


def _sniff_zip(stream: BinaryIO) -> FileType:
    count = _zip_entry_count(stream)
    if count is None or count > MAX_ZIP_ENTRIES:
        raise NotAccepted(Reason.ARCHIVE, f"{count} entries" if count else "no directory")
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = _read_member(archive, "mimetype").decode("ascii", "replace").strip()
                if mimetype in _ODF_TYPES:
                    return _ODF_TYPES[mimetype]
                raise NotAccepted(Reason.ARCHIVE, mimetype[:80])
            if "[Content_Types].xml" in names:
                return _ooxml_type(_read_member(archive, "[Content_Types].xml"), names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise NotAccepted(Reason.ARCHIVE, str(exc)[:80]) from None
    raise NotAccepted(Reason.ARCHIVE)


def _ooxml_type(content_types: bytes, names: set[str]) -> FileType:
    if b"<!DOCTYPE" in content_types or b"<!ENTITY" in content_types:
        raise NotAccepted(Reason.ARCHIVE, "DTD in [Content_Types].xml")
    try:
        root = ElementTree.fromstring(content_types)
    except ElementTree.ParseError:
        raise NotAccepted(Reason.ARCHIVE, "unreadable [Content_Types].xml") from None
    for element in root:
        if not element.tag.endswith("}Override") and element.tag != "Override":
            continue
        content_type = element.get("ContentType", "").strip().lower()
        part = element.get("PartName", "").lstrip("/")
        if content_type in _OOXML_MACRO_MAIN:
            raise NotAccepted(Reason.MACRO)
        if content_type in _OOXML_MAIN and part in names:
            return _OOXML_MAIN[content_type]
    raise NotAccepted(Reason.ARCHIVE, "no Office main part")


def _sniff_ole2(stream: BinaryIO) -> FileType:
    """A compound file is a document when its directory holds a Word, Excel or PowerPoint stream.

    Directory entries are 128 bytes, aligned on 128 within sectors that start after the 512-byte
    header: a UTF-16LE name (64 bytes), its length in bytes including the terminator, then the
    entry type (2 = stream). Looking for those exact entries avoids parsing the FAT chains and
    still refuses other compound files (installers, Outlook messages).
    """
    stream.seek(0)
    data = stream.read()
    for name, file_type in _OLE_STREAMS.items():
        encoded = name.encode("utf-16-le")
        length = (len(encoded) + 2).to_bytes(2, "little")
        start = 512
        while (found := data.find(encoded + b"\x00\x00", start)) != -1:
            start = found + 1
            if found % 128 != 0:
                continue
            if data[found + 64 : found + 66] == length and data[found + 66] == 2:
                return file_type
    raise NotAccepted(Reason.UNKNOWN, "compound file without a Word, Excel or PowerPoint stream")


_WINDOWS_RESERVED = str.maketrans({c: "_" for c in '<>:"|?*'})
MAX_NAME_LENGTH = 200


def display_name(filename: str, *, fallback: str = "document") -> str:
    """A file name fit for display and download headers, never for a path.

    Keeps the last path component only, drops control and format characters (NUL included),
    replaces characters Windows refuses, strips leading dots and shortens long names while
    keeping the extension.
    """
    name = unicodedata.normalize("NFC", filename or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(c) == "Zs" else c
        for c in name
        if unicodedata.category(c)[0] not in ("C", "Z") or unicodedata.category(c) == "Zs"
    )
    name = " ".join(name.translate(_WINDOWS_RESERVED).split()).lstrip(". ").rstrip(". ")
    if not name:
        return fallback
    if len(name) > MAX_NAME_LENGTH:
        ext = extension_of(name)
        suffix = f".{ext}" if ext and len(ext) <= 10 else ""
        name = name[: MAX_NAME_LENGTH - len(suffix)].rstrip(". ") + suffix
    return name
