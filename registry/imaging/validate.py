"""Decode an uploaded photo with Pillow and reject anything that is not a sound, reasonably sized image."""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pillow_heif
from PIL import ExifTags, Image, UnidentifiedImageError

from registry.messages import N_, ReadableError

pillow_heif.register_heif_opener()  # HEIC: what iPhones save by default

# The formats accepted, and the extension their original is kept under. MPO is a JPEG that carries a second
# picture (a depth map, a preview) after the first: Pillow names many phone cameras' photos so. TIFF is what
# museum photographers keep their masters in; AVIF, what web pages (an online sale) increasingly serve. Only the
# first picture of a file is read.
ALLOWED_FORMATS: dict[str, str] = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp", "HEIF": "heic", "AVIF": "avif",
                                   "TIFF": "tif"}
_JPEG_FORMATS = ("JPEG", "MPO")
# Markup or archives inside an image file make it a polyglot: harmless as a picture, dangerous when sniffed.
# One pass for every tag, any case (six `in` over a lowered copy: ~22 ms for a 12-megapixel phone photo, now ~8)
# (an event handler such as onerror= needs one of these tags to run; searching for it as well cost ~30 ms a 3 MB file)
_HOSTILE_MARKUP = re.compile(rb"<(?:script|html|svg|\?php|iframe|!doctype|img|body|object|embed)", re.IGNORECASE)
_ARCHIVE_MARKERS = (b"PK\x03\x04", b"%PDF-", b"Rar!\x1a\x07")
_TRAILING_SLACK = 16  # some cameras pad a few zero bytes after the JPEG end marker
FILE_TOO_LARGE = N_("the file is too large (%(size)s MB); the limit is %(limit)s MB. Send a smaller or more compressed photo.")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
# A photo is described at 640 px on its longer side: a strip 500 times as long as it is wide kept no row and made a
# check fail (HTTP 500); no photograph of an object, a scroll or a sword laid out, is a tenth as thin.
MAX_ASPECT = 100
STRIP = N_("the image is a strip (%(width)sx%(height)s pixels) too thin to show an object; send a photo at most "
           "%(ratio)s times as long as it is wide.")


class PhotoRejected(ReadableError):
    """A photo that cannot be accepted; the message tells the person why and what to send instead.

    `filename` (when known) is shown before the reason: "front.jpg: the file is empty; ...".
    """

    def __init__(self, template: str, filename: str = "", **params: Any) -> None:
        super().__init__(template, **params)
        self.filename = filename

    def __str__(self) -> str:
        reason = super().__str__()
        return f"{self.filename}: {reason}" if self.filename else reason


@dataclass(frozen=True)
class DecodedPhoto:
    """A photo that passed validation: its bytes, their SHA-256, and the upright RGB image (None once a check has
    taken from it what it needs)."""

    data: bytes
    sha256: str
    image_format: str
    extension: str
    image: Image.Image | None

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
    decode_side: int | None = None,
    reduce_side: int | None = None,
) -> DecodedPhoto:
    """Decode `data` fully and return it upright in RGB, or raise PhotoRejected saying why.

    :param data: the uploaded file's bytes (the extension and declared content type are not trusted).
    :param filename: the name as uploaded, only used in messages.
    :param max_bytes: the largest file accepted.
    :param max_pixels: the largest width x height accepted (guards against decompression bombs).
    :param decode_side: decode a JPEG at the smallest of 1/1, 1/2, 1/4 or 1/8 scale whose sides stay at least
        this long (every byte is still decoded and checked); a 12-megapixel phone photo decodes ~2.5x faster.
    :param reduce_side: reduce the decoded picture by the whole factor that keeps its longer side at least this
        long (a box filter, as the matcher reduces a query), before it is turned upright and flattened to RGB: a
        40-megapixel PNG then costs one buffer of its own pixels for a moment, not four kept for the request.
    """
    label = filename if filename and _plain_name(filename) else ""
    _check_filename(filename)
    _check_size(data, label, max_bytes)
    image = _open(data, label)
    _check_dimensions(image, label, max_pixels)
    if decode_side and image.format in _JPEG_FORMATS:
        image.draft(image.mode, (decode_side, decode_side))
    _load_fully(image, label)
    _check_nothing_appended(data, image.format or "", label)
    _check_no_markup(_outside_picture_data(data, image.format or ""), label)
    image_format, orientation = image.format or "", _orientation(image)
    if reduce_side:
        image = _reduced(image, reduce_side)
    upright = _upright_rgb(image, orientation)
    return DecodedPhoto(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        image_format=image_format,
        extension=ALLOWED_FORMATS[image_format],
        image=upright,
    )


def _check_filename(filename: str) -> None:
    """A file name is only shown, never used as a path; one carrying a path or control characters is refused."""
    if not filename:
        return
    if not _plain_name(filename):
        raise PhotoRejected(N_("the file name must be a plain name, without folders, '..' or control characters; rename the file and send it again."))
    if len(filename) > 255:
        raise PhotoRejected(N_("the file name is longer than 255 characters; rename the file and send it again."))


def _plain_name(filename: str) -> bool:
    return not ("/" in filename or "\\" in filename or ".." in filename or any(ord(c) < 32 or ord(c) == 127 for c in filename))


def _check_nothing_appended(data: bytes, image_format: str, label: str) -> None:
    """Refuse bytes after the end of the picture (a polyglot: a picture with another file glued on)."""
    end = _image_end(data, image_format)
    if end is not None and len(data) - end > _TRAILING_SLACK:
        raise PhotoRejected(N_("the file has %(count)s bytes of other data after the picture (a polyglot file); send a plain photo."), label, count=len(data) - end)
    if end is not None and data[end:].strip(b"\x00"):
        raise PhotoRejected(N_("the file has other data after the picture (a polyglot file); send a plain photo."), label)


def _image_end(data: bytes, image_format: str) -> int | None:
    """Where the picture's bytes end, for the formats whose end can be found (not TIFF: its parts may lie
    anywhere in the file)."""
    if image_format == "JPEG" and (end := _jpeg_scans(data)[1]) is not None:
        return end  # walked: data glued on after it cannot hide behind an end marker of its own
    if image_format in _JPEG_FORMATS:  # MPO: several pictures one after another, the last one's end marker
        position = data.rfind(b"\xff\xd9")
        return position + 2 if position >= 0 else None
    if image_format == "PNG":
        position = data.rfind(b"IEND")
        return position + 8 if position >= 0 else None
    if image_format == "WEBP" and data[:4] == b"RIFF":
        return 8 + int.from_bytes(data[4:8], "little")
    if image_format in ("HEIF", "AVIF"):
        return _boxes_end(data)
    return None


def _boxes_end(data: bytes) -> int | None:
    """The end of the last whole top-level box of an ISO media file (HEIC, AVIF): each box starts with its size."""
    position = 0
    while position + 8 <= len(data):
        size = int.from_bytes(data[position:position + 4], "big")
        if size == 1 and position + 16 <= len(data):  # a 64-bit size follows the box's type
            size = int.from_bytes(data[position + 8:position + 16], "big")
        elif size == 0:  # the last box runs to the end of the file
            return len(data)
        if size < 8 or position + size > len(data):
            break
        position += size
    return position


def _outside_picture_data(data: bytes, image_format: str) -> bytes:
    """The file without its compressed picture data (JPEG scans, PNG IDAT chunks): those bytes are as good as
    random, and "<svg" or "PK\\x03\\x04" turn up there by chance (about 1 photo in 100 at 4 MB was refused).
    Markup there is harmless: the registry serves only its own re-encoded copies. Metadata, comments and
    anything glued on are all kept, and searched."""
    if image_format == "JPEG":
        spans = _jpeg_scans(data)[0]
    elif image_format == "PNG":
        spans = _png_picture_data(data)
    else:
        return data
    kept, position = [], 0
    for start, end in spans:
        kept.append(data[position:start])
        position = end
    kept.append(data[position:])
    return b"\x00".join(kept)


def _jpeg_scans(data: bytes) -> tuple[list[tuple[int, int]], int | None]:
    """(the spans of a JPEG's entropy-coded scan data, where its end-of-image marker ends), found by walking its
    segments; no spans and no end when the file does not read as a JPEG that way."""
    scans: list[tuple[int, int]] = []
    position = 2  # after the start-of-image marker
    while position + 1 < len(data):
        if data[position] != 0xFF:
            return [], None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
        elif marker == 0xD9:
            return scans, position + 2
        elif 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            position += 2
        else:
            position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
            if marker == 0xDA:  # start of scan: compressed data up to the next marker that is not stuffing or a restart
                start = position
                while True:
                    position = data.find(b"\xff", position)
                    if position < 0 or position + 1 >= len(data):
                        return [], None
                    if data[position + 1] == 0x00 or 0xD0 <= data[position + 1] <= 0xD7:
                        position += 2
                        continue
                    break
                scans.append((start, position))
    return [], None


def _png_picture_data(data: bytes) -> list[tuple[int, int]]:
    """The spans of a PNG's IDAT chunks' data (its compressed picture), found by walking its chunks."""
    spans, position = [], 8
    while position + 12 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        if kind == b"IDAT":
            spans.append((position + 8, position + 8 + length))
        position += 12 + length
        if kind == b"IEND":
            break
    return spans


def _check_no_markup(data: bytes, label: str) -> None:
    """Refuse images carrying HTML, script, SVG or an archive inside (in metadata or anywhere else)."""
    if _HOSTILE_MARKUP.search(data) or any(marker in data for marker in _ARCHIVE_MARKERS):
        raise PhotoRejected(N_("the file carries HTML, script or another file inside the image (a polyglot file); send a plain photo."), label)


def _check_size(data: bytes, label: str, max_bytes: int) -> None:
    if not data:
        raise PhotoRejected(N_("the file is empty; choose a photo file (JPEG, PNG, WebP, HEIC or TIFF)."), label)
    if len(data) > max_bytes:
        raise PhotoRejected(FILE_TOO_LARGE, label, size=f"{len(data) / 1_048_576:.1f}", limit=f"{max_bytes / 1_048_576:.0f}")


def _open(data: bytes, label: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRejected(N_("the image declares far too many pixels (a decompression bomb); send a normal photo."), label) from exc
    except UnidentifiedImageError as exc:
        raise PhotoRejected(N_("this is not an image file that can be read (JPEG, PNG, WebP, HEIC or TIFF expected)."), label) from exc
    except Exception as exc:  # Pillow's plugins raise assorted errors on hostile headers
        raise PhotoRejected(N_("the image is truncated or damaged (its header cannot be read); send the complete file."), label) from exc
    if image.format not in ALLOWED_FORMATS:
        raise PhotoRejected(N_("%(format)s images are not accepted; send JPEG, PNG, WebP, HEIC or TIFF."), label, format=image.format)
    return image


def _check_dimensions(image: Image.Image, label: str, max_pixels: int) -> None:
    width, height = image.size
    if width < 16 or height < 16:
        raise PhotoRejected(N_("the image is too small (%(width)sx%(height)s pixels) to identify an object."), label, width=width, height=height)
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise PhotoRejected(STRIP, label, width=width, height=height, ratio=MAX_ASPECT)
    if width * height > max_pixels:
        raise PhotoRejected(
            N_("the image is %(width)sx%(height)s pixels, more than the %(limit)s megapixels accepted (possibly a decompression bomb). Send a smaller photo."),
            label, width=width, height=height, limit=f"{max_pixels / 1e6:.0f}",
        )


def _load_fully(image: Image.Image, label: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRejected(N_("the image expands to too many pixels (a decompression bomb)."), label) from exc
    except Exception as exc:
        raise PhotoRejected(N_("the image is truncated or damaged and cannot be decoded; send the complete file."), label) from exc


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation of the picture (1: upright as stored); read before it is reduced, which drops it."""
    try:
        return int(image.getexif().get(ExifTags.Base.Orientation, 1) or 1)
    except (TypeError, ValueError):
        return 1


_TURNS = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
          5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
          8: Image.Transpose.ROTATE_90}  # as ImageOps.exif_transpose turns them


def _reduced(image: Image.Image, side: int) -> Image.Image:
    """`image` reduced by the whole factor that keeps its longer side at least `side` (itself when under 2)."""
    factor = max(image.size) // side
    if factor < 2:
        return image
    if image.mode in ("P", "PA", "1"):  # a palette's indices cannot be averaged
        image = image.convert("RGBA" if image.mode == "PA" or "transparency" in image.info else "RGB")
    elif image.mode.startswith("I;16"):  # Pillow cannot reduce these: to 8 bits first, one byte a pixel
        image = _eight_bit(image)
    return image.reduce(factor)


def _upright_rgb(image: Image.Image, orientation: int | None = None) -> Image.Image:
    """Apply the EXIF orientation and flatten to RGB (transparent areas become white)."""
    turn = _TURNS.get(_orientation(image) if orientation is None else orientation)
    # not ImageOps.exif_transpose: it copies even an upright picture, a second buffer of a 40-megapixel one
    upright = _eight_bit(image.transpose(turn) if turn is not None else image)
    if upright.mode in ("RGBA", "LA", "P", "PA"):
        rgba = upright.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return upright.convert("RGB")


def _eight_bit(image: Image.Image) -> Image.Image:
    """A 16-bit or 32-bit grey image (a scanner's or a museum photographer's TIFF) scaled to 8 bits: Pillow's
    conversion to RGB clips every value above 255 to white."""
    if image.mode not in ("I", "F") and not image.mode.startswith("I;16"):
        return image
    if image.mode.startswith("I;16"):
        # through a table of the 65 536 values: the same tones as the sum below, without a 4-byte copy per pixel
        values = np.asarray(image)
        top = 65535.0 if int(values.max(initial=0)) > 255 else 255.0
        table = np.clip(np.rint(np.arange(65536, dtype=np.float32) * np.float32(255.0 / top)), 0, 255).astype(np.uint8)
        return Image.fromarray(table[values], "L")
    values = np.asarray(image, dtype=np.float32)
    brightest = float(values.max(initial=0))
    if image.mode == "F" and brightest <= 1.0:
        top = 1.0  # floating-point tones from 0 to 1
    else:
        top = 65535.0 if brightest > 255 else 255.0
    return Image.fromarray(np.clip(np.rint(values * np.float32(255.0 / top)), 0, 255).astype(np.uint8), "L")
