"""Uploaded photos: checked by content, size-limited, re-encoded, stored under random names.

Re-encoding drops EXIF (including GPS positions) and anything hidden after the
image data; a thumbnail is made for lists.
Files follow the database transaction (:mod:`civic.core.files`).
"""
from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from civic.core.errors import DomainError
from civic.core.files import delete_on_commit, written

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
THUMB_SIDE = 480


@dataclass
class StoredImage:
    name: str
    thumb: str
    width: int
    height: int
    size: int


def upload_dir() -> Path:
    folder = Path(current_app.config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_image(data: bytes) -> StoredImage:
    if len(data) > MAX_BYTES:
        raise DomainError(_l("The photo is larger than 10 MB."))
    if not data:
        raise DomainError(_l("The file is empty."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in ACCEPTED_FORMATS:
                raise DomainError(_l("Only JPEG, PNG and WebP photos are accepted."))
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError(_l("The photo has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
            image = image.convert("RGBA" if has_alpha else "RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            thumb = image.copy()
            thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise DomainError(_l("This file is not a photo we can read (JPEG, PNG or WebP)."))
    ext = "png" if has_alpha else "jpg"
    token = secrets.token_hex(16)
    folder = upload_dir()
    name, thumb_name = f"{token}.{ext}", f"{token}.thumb.{ext}"
    for img, filename in ((image, name), (thumb, thumb_name)):
        out = io.BytesIO()
        if ext == "jpg":
            img.save(out, "JPEG", quality=85, optimize=True)
        else:
            img.save(out, "PNG", optimize=True)
        (folder / filename).write_bytes(out.getvalue())
        written(folder / filename)
    return StoredImage(name, thumb_name, image.width, image.height, (folder / name).stat().st_size)


def delete_image(*names: str) -> None:
    """Remove stored photos once the current transaction commits."""
    folder = upload_dir()
    delete_on_commit([folder / name for name in names if (folder / name).parent == folder])
