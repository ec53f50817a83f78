"""Checking evidence files before they are stored.

A file is accepted only when its name ends in an allowed extension AND its content is what
that extension promises: a renamed executable or script is refused whatever it is called.
The checks read the file's structure (signatures, ZIP members, OLE streams); nothing in the
file is executed or extracted to disk.

| extension      | content check                                                       |
|----------------|---------------------------------------------------------------------|
| .pdf           | starts with ``%PDF-``                                               |
| .hwp           | OLE2 compound file whose ``FileHeader`` stream says "HWP Document File" |
| .hwpx          | ZIP with ``mimetype`` = ``application/hwp+zip`` and ``Contents/``   |
| .docx          | ZIP with ``[Content_Types].xml`` and ``word/document.xml``, no macros |
| .xlsx          | ZIP with ``[Content_Types].xml`` and ``xl/workbook.xml``, no macros |
| .png           | PNG signature                                                       |
| .jpg / .jpeg   | JPEG signature (``FF D8 FF``)                                       |
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import olefile
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_NAME_LENGTH = 120


class UploadRejected(Exception):
    """The file is not accepted; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class InspectedUpload:
    extension: str
    content_type: str
    original_name: str
    size: int
    sha256: str


def _head(stream: BinaryIO, length: int) -> bytes:
    stream.seek(0)
    data = stream.read(length)
    stream.seek(0)
    return data


def _is_pdf(stream: BinaryIO) -> bool:
    return _head(stream, 5) == b"%PDF-"


def _is_png(stream: BinaryIO) -> bool:
    return _head(stream, 8) == b"\x89PNG\r\n\x1a\n"


def _is_jpeg(stream: BinaryIO) -> bool:
    return _head(stream, 3) == b"\xff\xd8\xff"


def _is_hwp(stream: BinaryIO) -> bool:
    if _head(stream, 8) != olefile.MAGIC:
        return False
    try:
        with olefile.OleFileIO(stream) as ole:
            if not ole.exists("FileHeader"):
                return False
            return ole.openstream("FileHeader").read(17) == b"HWP Document File"
    except (OSError, ValueError):
        return False
    finally:
        stream.seek(0)


def _zip_members(stream: BinaryIO) -> set[str] | None:
    if _head(stream, 4) != b"PK\x03\x04":
        return None
    try:
        with zipfile.ZipFile(stream) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        stream.seek(0)


def _has_macros(members: set[str]) -> bool:
    return any(name.lower().endswith("vbaproject.bin") for name in members)


def _is_docx(stream: BinaryIO) -> bool:
    members = _zip_members(stream)
    return (
        members is not None
        and {"[Content_Types].xml", "word/document.xml"} <= members
        and not _has_macros(members)
    )


def _is_xlsx(stream: BinaryIO) -> bool:
    members = _zip_members(stream)
    return (
        members is not None
        and {"[Content_Types].xml", "xl/workbook.xml"} <= members
        and not _has_macros(members)
    )


def _is_hwpx(stream: BinaryIO) -> bool:
    members = _zip_members(stream)
    if members is None or "mimetype" not in members:
        return False
    if not any(name.startswith("Contents/") for name in members):
        return False
    try:
        with zipfile.ZipFile(stream) as archive:
            return archive.read("mimetype")[:64].strip() == b"application/hwp+zip"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return False
    finally:
        stream.seek(0)


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# extension → (content type we serve it as, content check)
ALLOWED_TYPES: dict[str, tuple[str, Callable[[BinaryIO], bool]]] = {
    "pdf": ("application/pdf", _is_pdf),
    "hwp": ("application/x-hwp", _is_hwp),
    "hwpx": ("application/hwp+zip", _is_hwpx),
    "docx": (_DOCX, _is_docx),
    "xlsx": (_XLSX, _is_xlsx),
    "png": ("image/png", _is_png),
    "jpg": ("image/jpeg", _is_jpeg),
    "jpeg": ("image/jpeg", _is_jpeg),
}

ACCEPT_ATTRIBUTE = ",".join(f".{extension}" for extension in ALLOWED_TYPES)


def safe_display_name(name: str, *, extension: str) -> str:
    """The uploaded name made harmless for display and for Content-Disposition.

    Keeps only the last path component, drops control and format characters (newlines,
    bidi overrides), collapses white space, and shortens long names keeping the extension.
    The file is never stored under this name.
    """
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in name)
    name = re.sub(r"\s+", " ", name).strip()
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem.lstrip(". ")[: MAX_NAME_LENGTH - len(extension) - 1].strip() or "evidence"
    return f"{stem}.{extension}"


def max_upload_bytes() -> int:
    return settings.EVIDENCE_MAX_UPLOAD_BYTES


def inspect_upload(upload) -> InspectedUpload:
    """Accept an uploaded file (Django ``UploadedFile``) or raise ``UploadRejected``."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise UploadRejected(
            _("PDF, 한글(HWP·HWPX), 워드(DOCX), 엑셀(XLSX), PNG, JPEG 파일만 올릴 수 있습니다.")
        )
    if upload.size == 0:
        raise UploadRejected(_("빈 파일은 올릴 수 없습니다."))
    if upload.size > max_upload_bytes():
        raise UploadRejected(
            _("파일이 너무 큽니다. %(limit)s 이하만 올릴 수 있습니다.")
            % {"limit": filesizeformat(max_upload_bytes())}
        )
    content_type, matches = ALLOWED_TYPES[extension]
    stream = upload.file
    if not matches(stream):
        raise UploadRejected(
            _("파일 내용이 확장자(.%(extension)s)와 맞지 않습니다. 원본 파일을 올려 주세요.")
            % {"extension": extension}
        )
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    stream.seek(0)
    return InspectedUpload(
        extension=extension,
        content_type=content_type,
        original_name=safe_display_name(name, extension=extension),
        size=upload.size,
        sha256=digest.hexdigest(),
    )
