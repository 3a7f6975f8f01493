"""Uploaded documents (session materials): checked by content and size.

Accepted: PDF, Office Open XML (docx, xlsx, pptx), OpenDocument (odt, ods, odp) and
legacy OLE2 office files (doc, xls, ppt). Macro-enabled formats and files whose
content does not match their name are refused.
"""
from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

from civic.core.errors import DomainError
from civic.core.files import written
from civic.core.images import upload_dir

MAX_BYTES = 20 * 1024 * 1024
OOXML = {"docx": ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
         "xlsx": ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
         "pptx": ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation")}
ODF = {"odt": "application/vnd.oasis.opendocument.text",
       "ods": "application/vnd.oasis.opendocument.spreadsheet",
       "odp": "application/vnd.oasis.opendocument.presentation"}
OLE2 = {"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint"}
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass
class StoredDocument:
    name: str
    mime: str
    size: int
    sha256: str
    extension: str


def sniff(data: bytes, filename: str) -> tuple[str, str]:
    """(extension, mime) when the content matches an accepted format named by the file."""
    ext = Path(filename or "").suffix.lower().lstrip(".")
    if data.startswith(b"%PDF-"):
        if ext != "pdf":
            raise DomainError(_l("The file's content does not match its name."))
        return "pdf", "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
                if any(n.lower().endswith("vbaproject.bin") for n in names):
                    raise DomainError(_l("Files with macros are not accepted."))
                if "mimetype" in names:
                    declared = archive.read("mimetype").decode("ascii", "replace").strip()
                    if ext in ODF and ODF[ext] == declared:
                        return ext, declared
                elif ext in OOXML and "[Content_Types].xml" in names and \
                        any(n.startswith(OOXML[ext][0]) for n in names):
                    types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
                    if "macroEnabled" in types:
                        raise DomainError(_l("Files with macros are not accepted."))
                    return ext, OOXML[ext][1]
        except zipfile.BadZipFile:
            pass
        raise DomainError(_l("The file's content does not match its name."))
    if data.startswith(OLE2_MAGIC):
        if ext in OLE2:
            if b"V\x00B\x00A\x00" in data or b"_VBA_PROJECT" in data:
                raise DomainError(_l("Files with macros are not accepted."))
            return ext, OLE2[ext]
        raise DomainError(_l("The file's content does not match its name."))
    raise DomainError(_l("Only PDF and office documents (DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS, PPT) are accepted."))


def store_document(data: bytes, filename: str) -> StoredDocument:
    if not data:
        raise DomainError(_l("The file is empty."))
    if len(data) > MAX_BYTES:
        raise DomainError(_l("The file is larger than 20 MB."))
    ext, mime = sniff(data, filename)
    name = f"{secrets.token_hex(16)}.{ext}"
    path = upload_dir() / name
    path.write_bytes(data)
    written(path)
    return StoredDocument(name, mime, len(data), hashlib.sha256(data).hexdigest(), ext)
