"""Small but real files of every evidence type, built in memory for the upload tests."""

import io
import struct
import zipfile

import openpyxl

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(*, with_macros: bool = False) -> bytes:
    members = {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": b"<w:document/>",
    }
    if with_macros:
        members["word/vbaProject.bin"] = b"\x00macro"
    return _zip(members)


def xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "실적"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def hwpx() -> bytes:
    return _zip(
        {
            "mimetype": b"application/hwp+zip",
            "Contents/content.hpf": b"<opf:package/>",
            "Contents/section0.xml": b"<hs:sec/>",
        }
    )


def _directory_entry(name: str, kind: int, *, child=NOSTREAM, start=ENDOFCHAIN, size=0) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", NOSTREAM, NOSTREAM, child)
        + b"\x00" * 16  # CLSID
        + b"\x00" * 4  # state bits
        + b"\x00" * 16  # creation and modification times
        + struct.pack("<IQ", start, size)
    )


def hwp(header: bytes = b"HWP Document File") -> bytes:
    """An OLE2 compound file (version 3, 512-byte sectors) with one ``FileHeader`` stream,
    as HWP 5 documents have; the stream is 4 KiB so it lives in regular sectors."""
    stream = header.ljust(4096, b"\x00")
    fat = [FATSECT, ENDOFCHAIN, *range(3, 10), ENDOFCHAIN]
    fat += [FREESECT] * (128 - len(fat))
    header_block = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
        + struct.pack("<109I", 0, *([FREESECT] * 108))
    )
    directory = (
        _directory_entry("Root Entry", 5, child=1)
        + _directory_entry("FileHeader", 2, start=2, size=len(stream))
        + _directory_entry("", 0) * 2
    )
    return header_block + struct.pack("<128I", *fat) + directory + stream


def windows_executable() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"This program cannot be run"
