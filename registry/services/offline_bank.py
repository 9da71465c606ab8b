"""Making offline banks from the registry's published lost records (the file format: registry/offline_bank/)."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

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

    :param max_bytes: the bank's largest size; photos' features are thinned to fit it (default OFFLINE_BANK_MAX_MB).
    :return: the file's bytes and what it holds.
    """
    now = now or datetime.now(timezone.utc)
    version = bank_version()
    records = _lost_records(since)
    content = BankContent(
        registry=current_app.config["PUBLISHER"], version=version, since=since, created_at=now,
        expires_at=now + timedelta(days=int(current_app.config["OFFLINE_BANK_VALID_DAYS"])),
        algorithm_version=matching.ALGORITHM_VERSION,
        records=[_bank_record(r) for r in records["lost"]],
        photos=_bank_photos([r.id for r in records["lost"]]),
        thumbnails=_thumbnails(records["lost"]),
        removed=[r.id for r in records["other"]],
    )
    key = signing_key()
    limit = max_bytes if max_bytes is not None else int(current_app.config["OFFLINE_BANK_MAX_MB"]) * 1_000_000
    _fit(content, key, limit)
    return write_bank(content, key), content


def _lost_records(since: int | None) -> dict[str, list[ObjectRecord]]:
    statement = (select(ObjectRecord).options(selectinload(ObjectRecord.institution), selectinload(ObjectRecord.photos))
                 .where(ObjectRecord.source_id.is_(None)))  # another registry's records are in its own bank
    if since is None:
        statement = statement.where(ObjectRecord.status.in_(LOSS_STATUSES))
    else:
        changed = select(RecordChange.record_id).where(RecordChange.id > since)
        statement = statement.where(ObjectRecord.id.in_(changed))
    rows = list(db.session.scalars(statement.order_by(ObjectRecord.id)))
    # a deleted record leaves the bank as one no longer lost does (services/deletion.py)
    lost = [r for r in rows if r.status in LOSS_STATUSES and r.deleted_at is None]
    return {"lost": lost, "other": [r for r in rows if r not in lost]}


def _bank_record(record: ObjectRecord) -> dict[str, Any]:
    contact = current_app.config.get("CONTACT") or ""
    return {
        "id": record.id, "object_number": record.object_number, "institution": record.institution.name,
        "title": record.title, "object_type": record.object_type, "status": record.status,
        "contact": "; ".join(filter(None, (record.institution.name, contact, current_app.config["PUBLISHER"]))),
        "url": public_url(f"/objects/{record.id}"), "photos": [p.id for p in record.current_photos],
    }


def _bank_photos(record_ids: list[int]) -> list[BankPhoto]:
    if not record_ids:
        return []
    statement = (
        select(Photo.id, Photo.record_id, StoredSignature.index_key, StoredSignature.features)
        .join(StoredSignature, StoredSignature.photo_id == Photo.id)
        .where(Photo.record_id.in_(record_ids), Photo.removed_at.is_(None),
               StoredSignature.algorithm_version == matching.ALGORITHM_VERSION)
        .order_by(Photo.record_id, Photo.id)
    )
    return [BankPhoto(pid, rid, bytes(key), bytes(features)) for pid, rid, key, features in db.session.execute(statement)]  # type: ignore[arg-type]


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


def _fit(content: BankContent, key, limit: int) -> None:
    """Keep of every photo's features its colours and size, and the same number of keypoints for all: every one, or
    the most that keep the bank within `limit` (known without writing it whole: the rest is written once, alone)."""
    if not content.photos:
        return
    full = [p.features for p in content.photos]  # engine blobs as stored, until here
    for photo in content.photos:
        photo.features = thinning.for_bank(photo.features, 0)  # type: ignore[arg-type]
    without_keypoints = len(write_bank(content, key))
    most = max(thinning.keypoints_in(blob) for blob in full)  # type: ignore[arg-type]
    room = limit - without_keypoints - 64  # the header then names how many were kept
    fits_whole = sum(thinning.keypoints_in(blob) for blob in full) * thinning.BYTES_PER_KEYPOINT <= room  # type: ignore[arg-type]
    keep = None if fits_whole else max(0, min(most, room // (len(content.photos) * thinning.BYTES_PER_KEYPOINT)))
    for photo, blob in zip(content.photos, full):
        photo.features = thinning.for_bank(blob, keep)  # type: ignore[arg-type]
    content.keypoints_per_photo = keep
