"""What can go wrong when a file is kept or read, whatever keeps it."""

from __future__ import annotations


class MediaStoreError(Exception):
    """The media store could not keep a file. Not a ValueError: a bulk import must stop here, not reject row
    after row for a reason no row can mend. The message names the cause, never the server's paths or credentials."""


class MediaStoreUnwritable(MediaStoreError):
    """The media store cannot be written (read-only, missing, not a folder, no permission, I/O error, an object
    store that refuses or cannot be reached)."""


class MediaStoreFull(MediaStoreError):
    """The media store has no room left (disk full, quota reached, file size limit)."""


class StoredFileMissing(KeyError):
    """No file is kept under this key."""
