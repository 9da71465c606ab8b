"""Files in an S3-compatible object store (AWS S3, MinIO, Ceph RGW) through boto3.

A PUT is atomic in S3: an object is whole or absent, as the local folder's rename makes its files.
"""

from __future__ import annotations

import os
from typing import Iterator

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from registry.storage.errors import MediaStoreFull, MediaStoreUnwritable, StoredFileMissing

_MISSING = {"404", "NoSuchKey", "NotFound"}
_NO_ROOM = {"QuotaExceeded", "XMinioStorageFull", "EntityTooLarge"}


class S3Bucket:
    """Files as objects of one bucket, under a key prefix."""

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None, region: str | None = None,
                 client=None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url
        # Bounded waits: an unreachable store must become a 503 within seconds, not hold a worker.
        config = BotoConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"},
                            s3={"addressing_style": "path"} if endpoint_url else None)
        self.client = client or boto3.session.Session().client("s3", endpoint_url=endpoint_url, region_name=region,
                                                               config=config)

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put(self, key: str, data: bytes) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)
        except (BotoCoreError, ClientError) as exc:
            raise _store_error(exc, "written") from exc

    def get(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except ClientError as exc:
            if _code(exc) in _MISSING:
                raise StoredFileMissing(key) from exc
            raise _store_error(exc, "read") from exc
        except BotoCoreError as exc:
            raise _store_error(exc, "read") from exc

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return False
            raise _store_error(exc, "read") from exc
        except BotoCoreError as exc:
            raise _store_error(exc, "read") from exc

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except (BotoCoreError, ClientError) as exc:
            raise _store_error(exc, "written") from exc

    def keys(self, prefix: str = "") -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
                for item in page.get("Contents", []):
                    yield item["Key"][len(self.prefix):]
        except (BotoCoreError, ClientError) as exc:
            raise _store_error(exc, "read") from exc

    def check_writable(self) -> None:
        probe = f".ready-{os.getpid()}"
        self.put(probe, b"ready")
        self.delete(probe)

    def describe(self) -> str:
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"s3://{self.bucket}/{self.prefix}{where}"


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _store_error(error: Exception, verb: str):
    """Name the cause (an S3 error code or the kind of network failure), never the endpoint's credentials."""
    cause = _code(error) if isinstance(error, ClientError) else type(error).__name__
    if cause in _NO_ROOM:
        return MediaStoreFull(f"the media store is full ({cause})")
    return MediaStoreUnwritable(f"the media store cannot be {verb} ({cause})")
