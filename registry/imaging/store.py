"""The media store: photo files kept once per content hash, with a metadata-free display copy and a thumbnail."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import tempfile
from pathlib import Path

from PIL import Image

from registry.imaging.validate import DecodedPhoto

DISPLAY_MAX_SIDE = 2048
THUMBNAIL_MAX_SIDE = 360
KINDS = ("display", "thumb")
# A write refused for want of room: the disk, the user's quota, or the largest file the process may write.
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class MediaStoreError(Exception):
    """The media store could not keep a file. Not a ValueError: a bulk import must stop here, not reject row
    after row for a reason no row can mend. The message names the cause, never the server's paths."""


class MediaStoreUnwritable(MediaStoreError):
    """The media folder cannot be written (read-only, missing, not a folder, no permission, I/O error)."""


class MediaStoreFull(MediaStoreError):
    """The media folder has no room left (disk full, quota reached, file size limit)."""


def _store_error(error: OSError) -> MediaStoreError:
    reason = os.strerror(error.errno) if error.errno else str(error)
    if error.errno in NO_ROOM:
        return MediaStoreFull(f"the media store is full ({reason})")
    return MediaStoreUnwritable(f"the media store cannot be written ({reason})")


class MediaStore:
    """Files under one root: originals/ (kept as evidence, never served), display/ and thumb/ (served).

    Paths are derived only from the SHA-256 of the uploaded bytes, so a file name sent by a user
    never reaches the file system and the same bytes are stored once.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def save(self, photo: DecodedPhoto) -> None:
        """Store the original bytes, a display JPEG and a thumbnail, unless already stored.

        :raises MediaStoreFull: no room left; :raises MediaStoreUnwritable: the folder cannot be written.
            Either way no partial or temporary file is left (files completed before stay: they are whole).
        """
        original = self.original_path(photo.sha256, photo.extension)
        if not original.exists():
            _atomic_write(original, photo.data)
        for kind, side in (("display", DISPLAY_MAX_SIDE), ("thumb", THUMBNAIL_MAX_SIDE)):
            path = self.path(kind, photo.sha256)
            if not path.exists():
                _atomic_write(path, _jpeg_without_metadata(photo.image, side))

    def original_path(self, sha256: str, extension: str) -> Path:
        """Where the uploaded bytes are kept."""
        return self.root / "originals" / sha256[:2] / f"{sha256}.{extension}"

    def path(self, kind: str, sha256: str) -> Path:
        """Where the served copy of `kind` (display or thumb) is kept."""
        if kind not in KINDS or not _is_sha256(sha256):
            raise ValueError(f"no such media: {kind}/{sha256}")
        return self.root / kind / sha256[:2] / f"{sha256}.jpg"

    def open_display(self, sha256: str) -> Image.Image:
        """Open the upright display copy of a stored photo."""
        return Image.open(self.path("display", sha256))

    def check_writable(self) -> None:
        """Write, sync and remove a small file at the root, as a photo would be written (readiness checks).

        :raises MediaStoreError: as :meth:`save` would.
        """
        probe = self.root / f".ready-{os.getpid()}"
        _atomic_write(probe, b"ready")
        try:
            probe.unlink()
        except OSError as exc:
            raise _store_error(exc) from exc


def _is_sha256(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _jpeg_without_metadata(image: Image.Image, max_side: int) -> bytes:
    """Encode a resized copy as JPEG with no EXIF (so no GPS position) and no other metadata."""
    copy = image.copy()
    copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, format="JPEG", quality=88, optimize=True)
    return buffer.getvalue()


def _atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, sync it, then rename it over `path`: readers see the whole file or
    none, even after a crash. The temporary file is removed on any failure (a full disk must not fill up with them)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError as exc:
        raise _store_error(exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise _store_error(exc) from exc
        raise
