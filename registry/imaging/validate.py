"""Decode an uploaded photo with Pillow and reject anything that is not a sound, reasonably sized image."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# Formats whose end can be found, so nothing can hide after the picture (see _check_nothing_appended).
ALLOWED_FORMATS: dict[str, str] = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Markup or archives inside an image file make it a polyglot: harmless as a picture, dangerous when sniffed.
_HOSTILE_MARKERS = (b"<script", b"<html", b"<svg", b"<?php", b"<iframe", b"<!doctype")
_ARCHIVE_MARKERS = (b"PK\x03\x04", b"%PDF-", b"Rar!\x1a\x07")
_TRAILING_SLACK = 16  # some cameras pad a few zero bytes after the JPEG end marker
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000


class PhotoRejected(ValueError):
    """A photo that cannot be accepted; the message tells the person why and what to send instead."""


@dataclass(frozen=True)
class DecodedPhoto:
    """A photo that passed validation: its bytes, their SHA-256, and the upright RGB image."""

    data: bytes
    sha256: str
    image_format: str
    extension: str
    image: Image.Image

    @property
    def width(self) -> int:
        """Width of the upright image in pixels."""
        return self.image.width

    @property
    def height(self) -> int:
        """Height of the upright image in pixels."""
        return self.image.height


def decode_photo(
    data: bytes,
    filename: str = "",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> DecodedPhoto:
    """Decode `data` fully and return it upright in RGB, or raise PhotoRejected saying why.

    :param data: the uploaded file's bytes (the extension and declared content type are not trusted).
    :param filename: the name as uploaded, only used in messages.
    :param max_bytes: the largest file accepted.
    :param max_pixels: the largest width x height accepted (guards against decompression bombs).
    """
    label = f"{filename}: " if filename else ""
    _check_filename(filename)
    _check_size(data, label, max_bytes)
    image = _open(data, label)
    _check_dimensions(image, label, max_pixels)
    _load_fully(image, label)
    _check_nothing_appended(data, image.format or "", label)
    _check_no_markup(data, label)
    upright = _upright_rgb(image)
    return DecodedPhoto(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        image_format=image.format or "",
        extension=ALLOWED_FORMATS[image.format or ""],
        image=upright,
    )


def _check_filename(filename: str) -> None:
    """A file name is only shown, never used as a path; one carrying a path or control characters is refused."""
    if not filename:
        return
    if "/" in filename or "\\" in filename or ".." in filename or any(ord(c) < 32 or ord(c) == 127 for c in filename):
        raise PhotoRejected("the file name must be a plain name, without folders, '..' or control characters; rename the file and send it again.")
    if len(filename) > 255:
        raise PhotoRejected("the file name is longer than 255 characters; rename the file and send it again.")


def _check_nothing_appended(data: bytes, image_format: str, label: str) -> None:
    """Refuse bytes after the end of the picture (a polyglot: a picture with another file glued on)."""
    end = _image_end(data, image_format)
    if end is not None and len(data) - end > _TRAILING_SLACK:
        raise PhotoRejected(f"{label}the file has {len(data) - end} bytes of other data after the picture (a polyglot file); send a plain photo.")
    if end is not None and data[end:].strip(b"\x00"):
        raise PhotoRejected(f"{label}the file has other data after the picture (a polyglot file); send a plain photo.")


def _image_end(data: bytes, image_format: str) -> int | None:
    if image_format == "JPEG":
        position = data.rfind(b"\xff\xd9")
        return position + 2 if position >= 0 else None
    if image_format == "PNG":
        position = data.rfind(b"IEND")
        return position + 8 if position >= 0 else None
    if image_format == "WEBP" and data[:4] == b"RIFF":
        return 8 + int.from_bytes(data[4:8], "little")
    return None


def _check_no_markup(data: bytes, label: str) -> None:
    """Refuse images carrying HTML, script, SVG or an archive inside (in metadata or anywhere else)."""
    lowered = data.lower()
    if any(marker in lowered for marker in _HOSTILE_MARKERS) or any(marker in data for marker in _ARCHIVE_MARKERS):
        raise PhotoRejected(f"{label}the file carries HTML, script or another file inside the image (a polyglot file); send a plain photo.")


def _check_size(data: bytes, label: str, max_bytes: int) -> None:
    if not data:
        raise PhotoRejected(f"{label}the file is empty; choose a photo file (JPEG, PNG or WebP).")
    if len(data) > max_bytes:
        raise PhotoRejected(
            f"{label}the file is too large ({len(data) / 1_048_576:.1f} MB); "
            f"the limit is {max_bytes / 1_048_576:.0f} MB. Send a smaller or more compressed photo."
        )


def _open(data: bytes, label: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRejected(f"{label}the image declares far too many pixels (a decompression bomb); send a normal photo.") from exc
    except UnidentifiedImageError as exc:
        raise PhotoRejected(f"{label}this is not an image file that can be read (JPEG, PNG or WebP expected).") from exc
    except Exception as exc:  # Pillow's plugins raise assorted errors on hostile headers
        raise PhotoRejected(f"{label}the image is truncated or damaged (its header cannot be read); send the complete file.") from exc
    if image.format not in ALLOWED_FORMATS:
        raise PhotoRejected(f"{label}{image.format} images are not accepted; send JPEG, PNG or WebP.")
    return image


def _check_dimensions(image: Image.Image, label: str, max_pixels: int) -> None:
    width, height = image.size
    if width < 16 or height < 16:
        raise PhotoRejected(f"{label}the image is too small ({width}x{height} pixels) to identify an object.")
    if width * height > max_pixels:
        raise PhotoRejected(
            f"{label}the image is {width}x{height} pixels, more than the {max_pixels / 1e6:.0f} megapixels accepted "
            "(possibly a decompression bomb). Send a smaller photo."
        )


def _load_fully(image: Image.Image, label: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRejected(f"{label}the image expands to too many pixels (a decompression bomb).") from exc
    except Exception as exc:
        raise PhotoRejected(f"{label}the image is truncated or damaged and cannot be decoded; send the complete file.") from exc


def _upright_rgb(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation and flatten to RGB (transparent areas become white)."""
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode in ("RGBA", "LA", "P", "PA"):
        rgba = upright.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return upright.convert("RGB")
