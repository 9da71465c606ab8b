"""The interface every photo storage backend offers, and the one place a storage address is turned into a backend.

Keys are relative paths such as ``originals/ab/ab12...ef.jpg``; the media store (registry/imaging/store.py) derives
them from content hashes only, so nothing a user sends reaches a key.
"""

from __future__ import annotations

from typing import Iterator, Protocol, runtime_checkable


@runtime_checkable
class FileStorage(Protocol):
    """A flat store of immutable files by key. A write is whole or absent: readers never see half a file."""

    def put(self, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key`` (replacing what was there). :raises MediaStoreError: it could not."""

    def get(self, key: str) -> bytes:
        """The bytes kept under ``key``. :raises StoredFileMissing: none; :raises MediaStoreError: unreachable."""

    def exists(self, key: str) -> bool:
        """Whether a file is kept under ``key``."""

    def delete(self, key: str) -> None:
        """Remove the file under ``key`` (nothing happens when there is none)."""

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every key that starts with ``prefix``, in no promised order."""

    def check_writable(self) -> None:
        """Write and remove a small probe, as a photo would be written. :raises MediaStoreError: as put would."""

    def describe(self) -> str:
        """Where the files are, for an operator (never a secret)."""


def open_storage(address: str, *, endpoint_url: str | None = None, region: str | None = None) -> FileStorage:
    """The backend for ``address``: ``s3://bucket/prefix`` for an S3-compatible store (AWS S3, MinIO, Ceph RGW),
    anything else a local folder (``file://`` optional).

    :param endpoint_url: the S3 endpoint when it is not AWS (MinIO, Ceph); credentials come from boto3's usual
        chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role).
    """
    if address.startswith("s3://"):
        from registry.storage.s3 import S3Bucket

        bucket, _, prefix = address.removeprefix("s3://").partition("/")
        if not bucket:
            raise ValueError(f"no bucket in {address!r}: write s3://bucket/prefix")
        return S3Bucket(bucket, prefix, endpoint_url=endpoint_url, region=region)
    from registry.storage.local import LocalFolder

    return LocalFolder(address.removeprefix("file://"))
