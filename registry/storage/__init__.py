"""Where photo files live: one small interface, a local folder and any S3-compatible store behind it. No Flask."""

from registry.storage.errors import MediaStoreError, MediaStoreFull, MediaStoreUnwritable, StoredFileMissing
from registry.storage.interface import FileStorage, open_storage
from registry.storage.local import LocalFolder

__all__ = ["FileStorage", "LocalFolder", "MediaStoreError", "MediaStoreFull", "MediaStoreUnwritable", "StoredFileMissing",
           "open_storage"]
