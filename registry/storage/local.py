"""Files in a local folder (the default): each written to a temporary file beside its place, synced, then renamed."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path
from typing import Iterator

from registry.storage.errors import MediaStoreError, MediaStoreFull, MediaStoreUnwritable, StoredFileMissing

# A write refused for want of room: the disk, the user's quota, or the largest file the process may write.
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def store_error(error: OSError) -> MediaStoreError:
    """The media store error that an OSError of the file system means."""
    reason = os.strerror(error.errno) if error.errno else str(error)
    if error.errno in NO_ROOM:
        return MediaStoreFull(f"the media store is full ({reason})")
    return MediaStoreUnwritable(f"the media store cannot be written ({reason})")


class LocalFolder:
    """Files under one root folder, at their key's relative path."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path_of(self, key: str) -> Path:
        """The file a key names (only keys the media store derived from hashes reach here)."""
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        atomic_write(self.path_of(key), data)

    def get(self, key: str) -> bytes:
        try:
            return self.path_of(key).read_bytes()
        except FileNotFoundError as exc:
            raise StoredFileMissing(key) from exc

    def exists(self, key: str) -> bool:
        return self.path_of(key).is_file()

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path_of(key).unlink()

    def keys(self, prefix: str = "") -> Iterator[str]:
        if not self.root.is_dir():
            return
        for folder, _, names in os.walk(self.root):
            for name in names:
                if name.startswith("."):  # temporary files and readiness probes
                    continue
                key = (Path(folder) / name).relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield key

    def check_writable(self) -> None:
        probe = self.root / f".ready-{os.getpid()}"
        atomic_write(probe, b"ready")
        try:
            probe.unlink()
        except OSError as exc:
            raise store_error(exc) from exc

    def describe(self) -> str:
        return f"folder {self.root}"


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, sync it, then rename it over `path`: readers see the whole file or
    none, even after a crash. The temporary file is removed on any failure (a full disk must not fill up with them)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError as exc:
        raise store_error(exc) from exc
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
            raise store_error(exc) from exc
        raise
