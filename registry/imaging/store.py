"""The media store: photo files kept once per content hash, with a metadata-free display copy and a thumbnail,
in whatever storage backend the registry is configured with (registry/storage/)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Mapping

from PIL import Image

from registry.imaging.validate import DecodedPhoto
from registry.storage import FileStorage, LocalFolder, StoredFileMissing
from registry.storage.errors import MediaStoreError, MediaStoreFull, MediaStoreUnwritable
from registry.storage.local import NO_ROOM, atomic_write as _atomic_write, store_error as _store_error  # noqa: F401

DISPLAY_MAX_SIDE = 2048
THUMBNAIL_MAX_SIDE = 360
KINDS = ("display", "thumb")
ALL_KINDS = ("originals", *KINDS)

__all__ = ["ALL_KINDS", "KINDS", "MediaStore", "MediaStoreError", "MediaStoreFull", "MediaStoreUnwritable", "NO_ROOM",
           "StoredFileMissing"]


class MediaStore:
    """Files by key: originals/ (kept as evidence, never served), display/ and thumb/ (served).

    Keys are derived only from the SHA-256 of the uploaded bytes, so a file name sent by a user
    never reaches the storage and the same bytes are stored once.
    """

    def __init__(self, storage: FileStorage | str | os.PathLike[str]) -> None:
        self.storage: FileStorage = storage if isinstance(storage, FileStorage) else LocalFolder(storage)

    def save(self, photo: DecodedPhoto, copies: Mapping[str, bytes] | None = None) -> None:
        """Store the original bytes, a display JPEG and a thumbnail, unless already stored.

        :param copies: the display and thumbnail JPEGs made beforehand (:func:`served_copies`), when the photo's
            decoded picture has already been let go of.
        :raises MediaStoreFull: no room left; :raises MediaStoreUnwritable: the store cannot be written.
            Either way no partial or temporary file is left (files completed before stay: they are whole).
        """
        original = self.original_key(photo.sha256, photo.extension)
        if not self.storage.exists(original):
            self.storage.put(original, photo.data)
        for kind, side in (("display", DISPLAY_MAX_SIDE), ("thumb", THUMBNAIL_MAX_SIDE)):
            key = self.key(kind, photo.sha256)
            if not self.storage.exists(key):
                self.storage.put(key, copies[kind] if copies else _jpeg_without_metadata(photo.image, side))

    @staticmethod
    def original_key(sha256: str, extension: str) -> str:
        """The key of the uploaded bytes."""
        if not _is_sha256(sha256) or not extension.isalnum():
            raise ValueError(f"no such original: {sha256}.{extension}")
        return f"originals/{sha256[:2]}/{sha256}.{extension}"

    @staticmethod
    def key(kind: str, sha256: str) -> str:
        """The key of the served copy of `kind` (display or thumb)."""
        if kind not in KINDS or not _is_sha256(sha256):
            raise ValueError(f"no such media: {kind}/{sha256}")
        return f"{kind}/{sha256[:2]}/{sha256}.jpg"

    def read(self, kind: str, sha256: str) -> bytes | None:
        """The served copy's bytes, or None when none is kept."""
        try:
            return self.storage.get(self.key(kind, sha256))
        except StoredFileMissing:
            return None

    def read_original(self, sha256: str, extension: str) -> bytes | None:
        """The uploaded bytes, or None when none are kept."""
        try:
            return self.storage.get(self.original_key(sha256, extension))
        except StoredFileMissing:
            return None

    def keys_of(self, sha256: str) -> list[str]:
        """Every key a photo with this content hash may be kept under (its original in any format, its copies)."""
        from registry.imaging.validate import ALLOWED_FORMATS

        return [self.original_key(sha256, ext) for ext in sorted(set(ALLOWED_FORMATS.values()))] + [
            self.key(kind, sha256) for kind in KINDS]

    def original_path(self, sha256: str, extension: str) -> Path:
        """Where the uploaded bytes are kept, for a local folder only."""
        return self._local().path_of(self.original_key(sha256, extension))

    def path(self, kind: str, sha256: str) -> Path:
        """Where the served copy of `kind` is kept, for a local folder only."""
        return self._local().path_of(self.key(kind, sha256))

    def open_display(self, sha256: str) -> Image.Image:
        """Open the upright display copy of a stored photo."""
        data = self.read("display", sha256)
        if data is None:
            raise StoredFileMissing(self.key("display", sha256))
        return Image.open(io.BytesIO(data))

    def check_writable(self) -> None:
        """Write and remove a small probe, as a photo would be written (readiness checks).

        :raises MediaStoreError: as :meth:`save` would.
        """
        self.storage.check_writable()

    def _local(self) -> LocalFolder:
        if not isinstance(self.storage, LocalFolder):
            raise TypeError("this media store is not a local folder")
        return self.storage


def _is_sha256(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def served_copies(image: Image.Image) -> dict[str, bytes]:
    """The display JPEG and the thumbnail of a decoded photo, as the store keeps them."""
    return {"display": _jpeg_without_metadata(image, DISPLAY_MAX_SIDE), "thumb": _jpeg_without_metadata(image, THUMBNAIL_MAX_SIDE)}


def _jpeg_without_metadata(image: Image.Image, max_side: int) -> bytes:
    """Encode a resized copy as JPEG with no EXIF (so no GPS position) and no other metadata."""
    copy = image.copy()
    copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, format="JPEG", quality=88, optimize=True)
    return buffer.getvalue()
