"""The standing watch: a record reported lost is looked for in the photos of recent checks, and each check's author
is told (dashboard, e-mail); law enforcement sees its agency's hits; users told of changes to objects they watch."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import current_app
from PIL import Image
from sqlalchemy import or_, select

from registry import matching
from registry.extensions import db
from registry.models import Check, CheckPhotoSignature, Notification, ObjectRecord, RecordWatch, User, WatchHit
from registry.objectid.standard import LOSS_STATUSES
from registry.policy import Principal
from registry.services.events import record_status_changed
from registry.services.exchange import public_url
from registry.services.mail import queue_mail
from registry.services.photos import media_store

HITS_SHOWN = 200


class WatchRefused(ValueError):
    """A watch a user may not set (an object they did not check)."""


@record_status_changed.connect
def _on_status_changed(record: ObjectRecord, old_status: str | None = None, new_status: str | None = None, **_: Any) -> None:
    if new_status in LOSS_STATUSES and old_status not in LOSS_STATUSES:
        find_checks_matching(record)
    _tell_watchers(record, old_status, new_status)


def find_checks_matching(record: ObjectRecord) -> list[WatchHit]:
    """The checks of the last WATCH_DAYS days whose photos match `record` (now lost), each recorded once, its author
    notified (not committed: the mails leave when the status change is)."""
    db.session.flush()  # a record created lost has its id and photos
    since = datetime.now(timezone.utc) - timedelta(days=int(current_app.config["WATCH_DAYS"]))
    checks_by_photo = _recent_check_photos(since, record.id)
    if not checks_by_photo:
        return []
    signatures = _signatures(list(checks_by_photo))
    index = matching.HashIndex()
    for signature in signatures.values():
        index.add(signature.id, signature.id, signature.index_key)
    features = {s.id: s.features for s in signatures.values()}
    by_id = {s.id: sha256 for sha256, s in signatures.items()}
    hits: list[WatchHit] = []
    for photo in record.current_photos:
        query = _query_of(photo.sha256)
        if query is None or not len(index):
            continue
        candidates = index.search(query, matching.candidates_to_verify(query))
        for match in matching.rank(query, candidates, lambda ids: {i: features[i] for i in ids if i in features}, top=20):
            if match.verdict == "match":
                hits += [hit for check in checks_by_photo[by_id[match.record_id]] if (hit := _hit(check, record, match.score))]
    return hits


def _recent_check_photos(since: datetime, record_id: int) -> dict[str, list[Check]]:
    """The kept photos of the checks since `since` (not already hit by this record), with the checks that sent them."""
    already = select(WatchHit.check_id).where(WatchHit.record_id == record_id)
    checks = db.session.scalars(select(Check).where(Check.created_at >= since, Check.id.not_in(already)))
    photos: dict[str, list[Check]] = {}
    for check in checks:
        for photo in check.query_photos or []:
            if photo.get("kept") and photo.get("sha256"):
                photos.setdefault(photo["sha256"], []).append(check)
    return photos


def _signatures(sha256s: list[str]) -> dict[str, CheckPhotoSignature]:
    """The signatures of these check photos, computed (from the kept display copy) and stored the first time."""
    stored = {s.sha256: s for s in db.session.scalars(select(CheckPhotoSignature).where(
        CheckPhotoSignature.sha256.in_(sha256s), CheckPhotoSignature.algorithm_version == matching.ALGORITHM_VERSION))}
    for sha256 in sha256s:
        if sha256 in stored:
            continue
        image = _display_image(sha256)
        if image is None:
            continue
        signature = matching.compute_signature(image)
        old = db.session.scalar(select(CheckPhotoSignature).where(CheckPhotoSignature.sha256 == sha256))
        if old is not None:  # of an older algorithm: replaced
            db.session.delete(old)
            db.session.flush()
        stored[sha256] = CheckPhotoSignature(sha256=sha256, algorithm_version=matching.ALGORITHM_VERSION,
                                             index_key=signature.index_key, features=signature.features)
        db.session.add(stored[sha256])
    db.session.flush()
    return stored


def _display_image(sha256: str) -> Image.Image | None:
    data = media_store().read("display", sha256)
    if data is None:
        return None
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")


def _query_of(sha256: str) -> matching.QuerySignature | None:
    image = _display_image(sha256)
    return None if image is None else matching.compute_query(image)


def _hit(check: Check, record: ObjectRecord, score: float) -> WatchHit | None:
    if any(isinstance(o, WatchHit) and o.check_id == check.id and o.record_id == record.id for o in db.session.new):
        return None  # two of the check's photos matched
    hit = WatchHit(check_id=check.id, record_id=record.id, user_id=check.user_id, agency=check.agency or "",
                   status=record.status, score=float(score))
    db.session.add(hit)
    user = db.session.get(User, check.user_id) if check.user_id else None
    if user is not None:
        subject = f"Check #{check.id}: the object may be reported {record.status}"
        body = (f"A record reported {record.status} ({record.institution.name}, {record.object_number}) matches the photos "
                f"of your check #{check.id} of {check.created_at:%Y-%m-%d}. If the object is still within reach, do not "
                "release, buy or move it; contact the registering institution or the police.")
        db.session.add(Notification(user_id=user.id, subject=subject, body=body, link=f"/objects/{record.id}",
                                    details={"check_id": check.id, "record_id": record.id, "score": round(float(score), 4)}))
        queue_mail(user.email, subject, body + "\n\n" + public_url(f"/objects/{record.id}"))
    return hit


def _tell_watchers(record: ObjectRecord, old_status: str | None, new_status: str | None) -> None:
    for watch in db.session.scalars(select(RecordWatch).where(RecordWatch.record_id == record.id)):
        user = db.session.get(User, watch.user_id)
        if user is None or not user.active:
            continue
        subject = f"Watched object: {record.object_number} is now {new_status}"
        body = (f"The record {record.institution.name}, {record.object_number} that you watch since your check "
                f"#{watch.check_id} changed from {old_status} to {new_status}.")
        db.session.add(Notification(user_id=user.id, subject=subject, body=body, link=f"/objects/{record.id}",
                                    details={"record_id": record.id, "status": new_status, "watch": watch.id}))
        queue_mail(user.email, subject, body)


def watch_record(user_id: int, record_id: int) -> RecordWatch:
    """Watch an object the user checked (a candidate of one of their checks).

    :raises WatchRefused: when no check of the user's found that record.
    """
    existing = db.session.scalar(select(RecordWatch).where(RecordWatch.user_id == user_id, RecordWatch.record_id == record_id))
    if existing is not None:
        return existing
    check = next((c for c in db.session.scalars(select(Check).where(Check.user_id == user_id).order_by(Check.id.desc()))
                  if any(cand.get("record_id") == record_id for r in c.results or [] for cand in r.get("candidates", []))), None)
    if check is None:
        raise WatchRefused("you can watch only an object that one of your checks found")
    watch = RecordWatch(user_id=user_id, record_id=record_id, check_id=check.id)
    db.session.add(watch)
    db.session.commit()
    return watch


def stop_watching(user_id: int, record_id: int) -> None:
    """Stop watching an object (nothing happens when it was not watched)."""
    watch = db.session.scalar(select(RecordWatch).where(RecordWatch.user_id == user_id, RecordWatch.record_id == record_id))
    if watch is not None:
        db.session.delete(watch)
        db.session.commit()


def hits_visible_to(principal: Principal) -> list[WatchHit]:
    """Watch hits a user may see: their own checks'; law enforcement, its agency's too; admins all."""
    statement = select(WatchHit).order_by(WatchHit.id.desc()).limit(HITS_SHOWN)
    if principal.role == "admin":
        return list(db.session.scalars(statement))
    mine = WatchHit.user_id == principal.user_id
    if principal.role == "law_enforcement" and principal.agency:
        return list(db.session.scalars(statement.where(or_(mine, WatchHit.agency == principal.agency))))
    return list(db.session.scalars(statement.where(mine)))


def watches_of(user_id: int) -> list[RecordWatch]:
    """The objects a user watches."""
    return list(db.session.scalars(select(RecordWatch).where(RecordWatch.user_id == user_id).order_by(RecordWatch.id.desc())))
