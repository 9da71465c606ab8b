"""Making offline banks from the registry's published lost records (the file format: registry/offline_bank/)."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

from flask import current_app
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from registry import matching
from registry.extensions import db
from registry.models import ObjectRecord, Photo, RecordChange, StoredSignature
from registry.objectid.standard import LOSS_STATUSES
from registry.offline_bank import thinning
from registry.offline_bank.bank import BankContent, BankPhoto, write_bank
from registry.offline_bank.signing import generate_key, load_private_key
from registry.services.exchange import public_url
from registry.services.photos import media_store

THUMBNAIL_SIDE = 40  # px, WebP: ~220 bytes, enough to tell a vase from a statuette at a glance
THUMBNAIL_QUALITY = 30
THUMBNAIL_THREADS = 4
CHUNK = 1_000  # records (and their photos) read at a time


def signing_key_path() -> Path:
    """Where the registry's signing key is kept (REGISTRY_SIGNING_KEY_FILE)."""
    return Path(current_app.config["SIGNING_KEY_FILE"])


def signing_key():
    """The registry's private signing key (raises SigningKeyError saying how to make one)."""
    return load_private_key(signing_key_path())


def make_signing_key():
    """Generate the registry's signing key (refused when one exists)."""
    return generate_key(signing_key_path())


def bank_version() -> int:
    """The registry's current bank version: the newest entry of the records' history (every change is there)."""
    return int(db.session.scalar(select(func.max(RecordChange.id))) or 0)


def export_bank(since: int | None = None, max_bytes: int | None = None, now: datetime | None = None) -> tuple[bytes, BankContent]:
    """A signed bank of the published lost records (or, with `since`, a delta of what changed after that version).

    Records and photos' features are read from the database in chunks, twice: first what the bank keeps besides
    keypoints (and how many each photo has), then the features again, each thinned as it is read. So memory holds
    the bank being made, never every photo's full features (~30 KB each: 3 GB at 100 000 records).

    :param max_bytes: the bank's largest size; photos' features are thinned to fit it (default OFFLINE_BANK_MAX_MB).
    :return: the file's bytes and what it holds.
    """
    now = now or datetime.now(timezone.utc)
    version = bank_version()
    content = BankContent(
        registry=current_app.config["PUBLISHER"], version=version, since=since, created_at=now,
        expires_at=now + timedelta(days=int(current_app.config["OFFLINE_BANK_VALID_DAYS"])),
        algorithm_version=matching.ALGORITHM_VERSION,
    )
    for chunk in _record_chunks(since):
        lost = [r for r in chunk if r.status in LOSS_STATUSES and r.deleted_at is None]  # a deleted record leaves too
        content.records += [_bank_record(r) for r in lost]
        content.thumbnails.update(_thumbnails(lost))
        content.removed += [r.id for r in chunk if r not in lost]  # the session's map of rows is weak: they go too
    keypoints = _add_photos_without_keypoints(content)
    key = signing_key()
    limit = max_bytes if max_bytes is not None else int(current_app.config["OFFLINE_BANK_MAX_MB"]) * 1_000_000
    _fit(content, keypoints, key, limit)
    return write_bank(content, key), content


def _record_chunks(since: int | None) -> Iterator[list[ObjectRecord]]:
    statement = (select(ObjectRecord).options(selectinload(ObjectRecord.institution), selectinload(ObjectRecord.photos))
                 .where(ObjectRecord.source_id.is_(None)))  # another registry's records are in its own bank
    if since is None:
        statement = statement.where(ObjectRecord.status.in_(LOSS_STATUSES))
    else:
        changed = select(RecordChange.record_id).where(RecordChange.id > since)
        statement = statement.where(ObjectRecord.id.in_(changed))
    last = 0
    while True:  # keyset pages: no cursor held open across the thumbnails' work, on SQLite or PostgreSQL
        chunk = list(db.session.scalars(statement.where(ObjectRecord.id > last).order_by(ObjectRecord.id).limit(CHUNK)))
        if not chunk:
            return
        last = chunk[-1].id
        yield chunk


def _bank_record(record: ObjectRecord) -> dict[str, Any]:
    contact = current_app.config.get("CONTACT") or ""
    return {
        "id": record.id, "object_number": record.object_number, "institution": record.institution.name,
        "title": record.title, "object_type": record.object_type, "status": record.status,
        "contact": "; ".join(filter(None, (record.institution.name, contact, current_app.config["PUBLISHER"]))),
        "url": public_url(f"/objects/{record.id}"), "photos": [p.id for p in record.current_photos],
    }


def _photo_features(record_ids: list[int]) -> Iterator[tuple[int, int, bytes, bytes]]:
    """(photo id, record id, index key, engine features) of these records' current photos, read in chunks."""
    for start in range(0, len(record_ids), CHUNK):
        statement = (
            select(Photo.id, Photo.record_id, StoredSignature.index_key, StoredSignature.features)
            .join(StoredSignature, StoredSignature.photo_id == Photo.id)
            .where(Photo.record_id.in_(record_ids[start:start + CHUNK]), Photo.removed_at.is_(None),
                   StoredSignature.algorithm_version == matching.ALGORITHM_VERSION)
            .order_by(Photo.record_id, Photo.id)
        )
        for photo_id, record_id, key, features in db.session.execute(statement):
            yield photo_id, record_id, bytes(key), bytes(features)


def _add_photos_without_keypoints(content: BankContent) -> list[int]:
    """Put each photo in the bank with its colours and size but no keypoint yet; return how many each photo has."""
    counts = []
    for photo_id, record_id, key, features in _photo_features([r["id"] for r in content.records]):
        content.photos.append(BankPhoto(photo_id, record_id, key, thinning.for_bank(features, 0)))
        counts.append(thinning.keypoints_in(features))
    return counts


def _thumbnails(records: list[ObjectRecord]) -> dict[int, bytes]:
    """Each record's thumbnail; made in a few threads, as Pillow decodes and encodes outside the GIL."""
    sha256s = [record.current_photos[0].sha256 if record.current_photos else None for record in records]
    store = media_store()
    with ThreadPoolExecutor(max_workers=THUMBNAIL_THREADS) as pool:
        made = list(pool.map(lambda sha256: _thumbnail(store, sha256), sha256s))
    return {record.id: thumbnail for record, thumbnail in zip(records, made) if thumbnail}


def _thumbnail(store, sha256: str | None) -> bytes | None:
    data = store.read("thumb", sha256) if sha256 else None
    if data is None:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (THUMBNAIL_SIDE * 2, THUMBNAIL_SIDE * 2))  # a JPEG decoded at 1/2 to 1/8 scale
            small = image.convert("RGB")
    except (OSError, ValueError):
        return None
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    buffer = io.BytesIO()
    small.save(buffer, "WEBP", quality=THUMBNAIL_QUALITY)
    return buffer.getvalue()


def _fit(content: BankContent, keypoints: list[int], key, limit: int) -> None:
    """Keep of every photo's features its colours and size, and the same number of keypoints for all: every one, or
    the most that keep the bank within `limit` (known without writing it whole: the rest is written once, alone).

    :param keypoints: how many keypoints each of `content.photos` has (in the same order).
    """
    if not content.photos:
        return
    without_keypoints = len(write_bank(content, key))
    room = limit - without_keypoints - 64  # the header then names how many were kept
    fits_whole = sum(keypoints) * thinning.BYTES_PER_KEYPOINT <= room
    keep = None if fits_whole else max(0, min(max(keypoints), room // (len(content.photos) * thinning.BYTES_PER_KEYPOINT)))
    if keep != 0:
        photos = iter(content.photos)
        for photo_id, _record_id, _key, features in _photo_features([r["id"] for r in content.records]):
            photo = next(photos)
            assert photo.photo_id == photo_id, "the photos were read in another order"  # noqa: S101
            photo.features = thinning.for_bank(features, keep)
    content.keypoints_per_photo = keep
