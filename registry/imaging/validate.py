"""Decode an uploaded photo with Pillow and reject anything that is not a sound, reasonably sized image."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS: dict[str, str] = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "TIFF": "tif", "BMP": "bmp", "GIF": "gif"}
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
    _check_size(data, label, max_bytes)
    image = _open(data, label)
    _check_dimensions(image, label, max_pixels)
    _load_fully(image, label)
    upright = _upright_rgb(image)
    return DecodedPhoto(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        image_format=image.format or "",
        extension=ALLOWED_FORMATS[image.format or ""],
        image=upright,
    )


def _check_size(data: bytes, label: str, max_bytes: int) -> None:
    if not data:
        raise PhotoRejected(f"{label}the file is empty; choose a photo file (JPEG, PNG, WebP or TIFF).")
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
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRejected(f"{label}this is not an image file that can be read (JPEG, PNG, WebP or TIFF expected).") from exc
    except Exception as exc:  # Pillow's plugins raise assorted errors on hostile headers
        raise PhotoRejected(f"{label}the image header is damaged and cannot be read.") from exc
    if image.format not in ALLOWED_FORMATS:
        raise PhotoRejected(f"{label}{image.format} images are not accepted; send JPEG, PNG, WebP or TIFF.")
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
