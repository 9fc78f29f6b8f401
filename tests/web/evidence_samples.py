"""Small documents built byte by byte for the evidence tests: one valid file of every accepted
type and the disguised ones parindex must refuse. Plain Python, no Django."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."


def pdf(text: str = "Báo cáo") -> bytes:
    body = text.encode("utf-8")
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"% " + body + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def gif() -> bytes:
    return (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
        b"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )


def webp() -> bytes:
    payload = b"WEBPVP8L" + struct.pack("<I", 10) + b"\x2f\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    return b"RIFF" + struct.pack("<I", len(payload)) + payload


def tiff() -> bytes:
    return b"II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00"


def _zip(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and n == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def _content_types(part: str, content_type: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type}"/>'
        "</Types>"
    ).encode()


def _ooxml(part: str, main_type: str) -> bytes:
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/officeDocument" Target="{part}"/></Relationships>'
    ).encode()
    return _zip(
        [
            ("[Content_Types].xml", _content_types(part, main_type)),
            ("_rels/.rels", rels),
            (part, b'<?xml version="1.0"?><document/>'),
        ]
    )


def docx() -> bytes:
    return _ooxml("word/document.xml", OOXML + "wordprocessingml.document.main+xml")


def xlsx() -> bytes:
    return _ooxml("xl/workbook.xml", OOXML + "spreadsheetml.sheet.main+xml")


def pptx() -> bytes:
    return _ooxml("ppt/presentation.xml", OOXML + "presentationml.presentation.main+xml")


def docm() -> bytes:
    return _ooxml("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml")


def _odf(kind: str) -> bytes:
    return _zip(
        [
            ("mimetype", (ODF + kind).encode()),
            ("content.xml", b'<?xml version="1.0"?><office:document-content/>'),
            ("META-INF/manifest.xml", b'<?xml version="1.0"?><manifest:manifest/>'),
        ],
        stored_first=True,
    )


def odt() -> bytes:
    return _odf("text")


def ods() -> bytes:
    return _odf("spreadsheet")


def odp() -> bytes:
    return _odf("presentation")


def _ole2(stream_name: str) -> bytes:
    """A compound file: the 512-byte header, then one directory sector holding the root entry
    and one stream entry named ``stream_name``."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHH", header, 0x18, 0x3E, 3, 0xFFFE)  # minor, major version, byte order
    struct.pack_into("<H", header, 0x1E, 9)  # 512-byte sectors
    struct.pack_into("<I", header, 0x30, 0)  # first directory sector

    def entry(name: str, kind: int) -> bytes:
        raw = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HB", raw, 64, len(encoded), kind)
        return bytes(raw)

    directory = entry("Root Entry", 5) + entry(stream_name, 2) + bytes(256)
    return bytes(header) + directory + bytes(512)


def doc() -> bytes:
    return _ole2("WordDocument")


def xls() -> bytes:
    return _ole2("Workbook")


def ppt() -> bytes:
    return _ole2("PowerPoint Document")


def msi() -> bytes:
    """A compound file that is not a document (an installer keeps other streams)."""
    return _ole2("\u4840\u3f3f\u4577")


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(64) + b"PE\x00\x00"


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + bytes(56)


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def svg() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(1)</script></svg>"
    )


def plain_zip() -> bytes:
    return _zip([("notes.txt", b"not an office file")])


# name -> (builder, file name to upload it as, expected content type)
ACCEPTED = {
    "pdf": (pdf, "bao-cao.pdf", "application/pdf"),
    "png": (png, "anh.png", "image/png"),
    "jpeg": (jpeg, "anh.jpg", "image/jpeg"),
    "gif": (gif, "anh.gif", "image/gif"),
    "webp": (webp, "anh.webp", "image/webp"),
    "tiff": (tiff, "scan.tiff", "image/tiff"),
    "docx": (docx, "van-ban.docx", OOXML + "wordprocessingml.document"),
    "xlsx": (xlsx, "bang.xlsx", OOXML + "spreadsheetml.sheet"),
    "pptx": (pptx, "trinh-chieu.pptx", OOXML + "presentationml.presentation"),
    "doc": (doc, "van-ban.doc", "application/msword"),
    "xls": (xls, "bang.xls", "application/vnd.ms-excel"),
    "ppt": (ppt, "trinh-chieu.ppt", "application/vnd.ms-powerpoint"),
    "odt": (odt, "van-ban.odt", ODF + "text"),
    "ods": (ods, "bang.ods", ODF + "spreadsheet"),
    "odp": (odp, "trinh-chieu.odp", ODF + "presentation"),
}

# name -> (builder, file name, reason code of parindex.evidence.sniff.Reason)
REFUSED = {
    "exe named .pdf": (exe, "bao-cao.pdf", "executable"),
    "elf named .pdf": (elf, "bao-cao.pdf", "executable"),
    "html": (html, "trang.html", "script"),
    "html named .pdf": (html, "bao-cao.pdf", "script"),
    "svg": (svg, "hinh.svg", "script"),
    "plain zip": (plain_zip, "tai-lieu.zip", "archive"),
    "plain zip named .docx": (plain_zip, "van-ban.docx", "archive"),
    "macro-enabled docm": (docm, "van-ban.docx", "macro"),
    "installer (OLE2, no document stream)": (msi, "van-ban.doc", "unknown"),
    "plain text": (lambda: "Chỉ là văn bản".encode(), "ghi-chu.pdf", "unknown"),
}
