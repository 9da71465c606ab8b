"""Deleting a record, and purging the photos of deleted records once their retention period is over.

A deleted record is not erased: checks and certificates name it as evidence, and its history is append-only. It
becomes a tombstone: its history ends with who deleted it, when, why and its last content; it leaves every list,
search, feed, export and the photo index; and its object number stays taken, so that a check or certificate that
named "institution, number" never comes to mean another object. Its photos are taken off at once (out of the
index) and their files are kept for the retention period (REGISTRY_DELETED_PHOTO_RETENTION_DAYS), then purged by
`registry media purge-deleted`, except files that are evidence of a check or a certificate, or that another
record still shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import String, cast, select

from registry.extensions import db
from registry.imaging.store import MediaStore
from registry.messages import N_, ReadableError
from registry.models import Check, ObjectRecord, Photo, RecordChange, StoredSignature
from registry.models.certificates import CertificatePhoto
from registry.models.objects import utcnow
from registry.services.index import note_photo_changed
from registry.services.objects import _snapshot, expect_version, refusing_stale_writes

REASON_LENGTH = 2000


class DeletionRefused(ReadableError):
    """The record cannot be deleted as asked (no reason given, already deleted)."""


def delete_record(record: ObjectRecord, reason: str, actor: str, version: int | None = None) -> None:
    """Delete a record and commit: its tombstone in the history, its photos taken off (and out of every index).

    :param reason: why, in the deleting person's words (required: a deletion of evidence must say why).
    :param version: the version the person saw (a stale one is refused with RecordChanged, nothing deleted).
    :raises DeletionRefused: no reason, or the record is already deleted.
    """
    reason = (reason or "").strip()
    if record.deleted_at is not None:
        raise DeletionRefused(N_("this record was already deleted"))
    if not reason:
        raise DeletionRefused(N_("say why the record is deleted"))
    if len(reason) > REASON_LENGTH:
        raise DeletionRefused(N_("the reason is longer than %(limit)s characters"), limit=REASON_LENGTH)
    expect_version(record, version)
    with refusing_stale_writes(record, version):
        now = utcnow()
        last_content = {**_snapshot(record), "photos": [
            {"sha256": photo.sha256, "filename": photo.original_filename} for photo in record.current_photos]}
        for photo in record.current_photos:
            photo.removed_at, photo.removed_by = now, actor
            note_photo_changed(photo.id)
        record.deleted_at, record.deleted_by, record.deletion_reason = now, actor, reason
        record.updated_at, record.updated_by = now, actor
        record.changes.append(RecordChange(changed_by=actor, action="deleted", field="",
                                           old_value=json.dumps(last_content, sort_keys=True), new_value=reason))
        db.session.commit()


@dataclass
class PurgeReport:
    """What a purge did (or, dry, would do)."""

    photos: int = 0
    files_removed: int = 0
    files_kept_as_evidence: int = 0
    records: set[int] = field(default_factory=set)


def photos_due_for_purge(retention_days: int, now: datetime | None = None) -> list[Photo]:
    """Photos of records deleted more than ``retention_days`` ago whose files have not been purged yet."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    return list(db.session.scalars(
        select(Photo).join(ObjectRecord, ObjectRecord.id == Photo.record_id)
        .where(ObjectRecord.deleted_at.is_not(None), ObjectRecord.deleted_at <= cutoff, Photo.purged_at.is_(None))
        .order_by(Photo.id)))


def purge_deleted_photos(store: MediaStore, retention_days: int, actor: str, dry_run: bool = False,
                         now: datetime | None = None) -> PurgeReport:
    """Remove the files and signatures of photos of records deleted more than ``retention_days`` ago, and commit.

    A file is kept when it is evidence elsewhere: the same bytes submitted in a check or covered by a certificate,
    or shown by a record that is not deleted. Each purge is written to the record's history.
    """
    report = PurgeReport()
    for photo in photos_due_for_purge(retention_days, now):
        report.photos += 1
        report.records.add(photo.record_id)
        if _is_evidence_elsewhere(photo):
            report.files_kept_as_evidence += 1
        elif not dry_run:
            for key in store.keys_of(photo.sha256):
                if store.storage.exists(key):
                    store.storage.delete(key)
                    report.files_removed += 1
        if dry_run:
            continue
        photo.purged_at = utcnow()
        signature = db.session.scalar(select(StoredSignature).where(StoredSignature.photo_id == photo.id))
        if signature is not None:
            db.session.delete(signature)
        photo.record.changes.append(RecordChange(changed_by=actor, action="photo_purged", field="photos",
                                                 old_value=f"{photo.original_filename} ({photo.sha256[:12]})"))
        db.session.commit()  # photo by photo: an interrupted purge resumes where it stopped
    return report


def _is_evidence_elsewhere(photo: Photo) -> bool:
    shown_elsewhere = db.session.scalar(
        select(Photo.id).join(ObjectRecord, ObjectRecord.id == Photo.record_id)
        .where(Photo.sha256 == photo.sha256, Photo.id != photo.id, ObjectRecord.deleted_at.is_(None)).limit(1))
    in_certificate = db.session.scalar(select(CertificatePhoto.id).where(CertificatePhoto.sha256 == photo.sha256).limit(1))
    in_check = db.session.scalar(select(Check.id).where(cast(Check.query_photos, String).contains(photo.sha256)).limit(1))
    return any(found is not None for found in (shown_elsewhere, in_certificate, in_check))
