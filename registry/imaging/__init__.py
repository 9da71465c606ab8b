"""Photo decoding, validation and storage, free of any web framework."""

from registry.imaging.store import MediaStore, MediaStoreError, MediaStoreFull, MediaStoreUnwritable
from registry.imaging.validate import DecodedPhoto, PhotoRejected, decode_photo

__all__ = ["DecodedPhoto", "MediaStore", "MediaStoreError", "MediaStoreFull", "MediaStoreUnwritable", "PhotoRejected", "decode_photo"]
