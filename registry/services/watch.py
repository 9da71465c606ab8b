"""The standing watch: a record reported lost is looked for in the photos of recent checks, and each check's author
is told (dashboard, e-mail); law enforcement sees its agency's hits; users told of changes to objects they watch.

The search runs after the change is committed, never inside it: the change writes a WatchSweep row, and the host
that made it sweeps in a background thread (WATCH_SWEEP), while `registry watch sweep` (cron, any host) takes any
sweep left behind. It compares the lost record's photos with signatures stored when each check was made."""

from __future__ import annotations

import io
import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from PIL import Image
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from registry import matching
from registry.extensions import db
from registry.i18n import in_language
from registry.models import Check, CheckPhotoSignature, Notification, ObjectRecord, RecordWatch, User, WatchHit, WatchSweep
from registry.models.matching import LOOKUP_CHANNEL
from registry.models.objects import utcnow
from registry.objectid.standard import LOSS_STATUSES
from registry.policy import Principal
from registry.services.certificates import has_certificates, matching_certificates, raise_alert
from registry.services.events import record_photos_added, record_status_changed
from registry.services.exchange import public_url
from registry.services.mail import queue_mail
from registry.templating import status_label
from registry.services.photos import media_store

HITS_SHOWN = 200
IN_CHUNK = 500  # photos per IN (...) query
SWEEP_ATTEMPTS = 5  # a sweep that failed this often is set aside (its error kept on the row)
_SWEEP_REQUESTED = "registry_watch_sweep"
log = logging.getLogger(__name__)


class WatchRefused(ValueError):
    """A watch a user may not set (an object they did not check)."""


@record_status_changed.connect
def _on_status_changed(record: ObjectRecord, old_status: str | None = None, new_status: str | None = None, **_: Any) -> None:
    if new_status in LOSS_STATUSES and old_status not in LOSS_STATUSES:
        request_sweep(record)
    _tell_watchers(record, old_status, new_status)


@record_photos_added.connect
def _on_photos_added(record: ObjectRecord, **_: Any) -> None:
    if record.status in LOSS_STATUSES:  # a lost object's new photo may show what earlier checks saw
        request_sweep(record)


def request_sweep(record: ObjectRecord) -> None:
    """Ask for `record` (lost) to be looked for in earlier checks and certificates, once the current transaction
    commits: the request is a row of that transaction, so a crash after the commit loses nothing (cron sweeps it)."""
    db.session.flush()  # a record created lost has its id
    app, records = db.session().info.setdefault(_SWEEP_REQUESTED, (current_app._get_current_object(), set()))
    if record.id not in records:  # once per transaction (a record created lost with its photos)
        records.add(record.id)
        db.session.add(WatchSweep(record_id=record.id, status=record.status))


@event.listens_for(Session, "after_commit")
def _sweep_after_commit(session: Session) -> None:
    app, _records = session.info.pop(_SWEEP_REQUESTED, (None, None))
    if app is None:
        return
    mode = app.config.get("WATCH_SWEEP", "thread")
    if mode == "inline":
        _sweep_in_own_context(app)
    elif mode == "thread":
        threading.Thread(target=_sweep_in_own_context, args=(app,), name="watch-sweep", daemon=True).start()


@event.listens_for(Session, "after_rollback")
def _forget_sweep(session: Session) -> None:
    session.info.pop(_SWEEP_REQUESTED, None)


def _sweep_in_own_context(app: Any) -> None:
    # its own app context, hence its own database session: the committing one may not be used from its own event
    with app.app_context():
        try:
            sweep_pending()
        except Exception:  # noqa: BLE001 (a sweep left pending is taken by the next one or by cron)
            log.exception("standing watch sweep failed")


def sweep_pending(limit: int | None = None) -> list[WatchSweep]:
    """Sweep the pending requests (oldest first), each claimed so that no other host or thread sweeps it too
    (commits as it goes: call it with nothing pending in the session).

    :param limit: sweep at most this many (None: until none is pending).
    :return: the sweeps done (with their `hits`, or `error`).
    """
    done: list[WatchSweep] = []
    while limit is None or len(done) < limit:
        sweep = _claim_next()
        if sweep is None:
            break
        done.append(_run(sweep))
    return done


def _claimable(now: datetime):  # noqa: ANN202
    stale = now - timedelta(minutes=int(current_app.config.get("WATCH_SWEEP_STALE_MINUTES", 15)))
    return (WatchSweep.finished_at.is_(None), or_(WatchSweep.started_at.is_(None), WatchSweep.started_at < stale))


def _claim_next() -> WatchSweep | None:
    now = utcnow()
    pending = db.session.scalars(select(WatchSweep.id).where(*_claimable(now)).order_by(WatchSweep.id).limit(20)).all()
    for sweep_id in pending:  # each claim is committed at once: another host's claim of the same row then fails
        claimed = db.session.execute(update(WatchSweep).where(WatchSweep.id == sweep_id, *_claimable(now))
                                     .values(started_at=now, attempts=WatchSweep.attempts + 1)
                                     .execution_options(synchronize_session=False)).rowcount
        db.session.commit()
        if claimed == 1:
            return db.session.get(WatchSweep, sweep_id)
    return None


def _run(sweep: WatchSweep) -> WatchSweep:
    sweep_id = sweep.id
    try:
        record = db.session.get(ObjectRecord, sweep.record_id)
        still_lost = record is not None and record.deleted_at is None and record.status in LOSS_STATUSES
        sweep.hits = len(sweep_record(record)) if still_lost else 0
        sweep.finished_at, sweep.error = utcnow(), ""
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 (kept on the row; tried again once the claim is stale)
        db.session.rollback()
        log.exception("standing watch sweep %s failed", sweep_id)
        sweep = db.session.get(WatchSweep, sweep_id)
        sweep.error = str(exc)[:2000]
        if sweep.attempts >= SWEEP_ATTEMPTS:
            sweep.finished_at = utcnow()
        db.session.commit()
    return sweep


def sweep_record(record: ObjectRecord) -> list[WatchHit]:
    """Look for `record` (lost) in the photos of the checks of the last WATCH_DAYS days and in every certificate;
    record each matching check once and tell its author: one notice per check, a certificate's when it has one
    (not committed: the caller commits, then the e-mails leave)."""
    since = utcnow() - timedelta(days=int(current_app.config["WATCH_DAYS"]))
    checks_by_photo = _recent_check_photos(since, record.id)
    if not checks_by_photo and not has_certificates():
        return []  # nothing to compare with: the record's photos are not even described
    queries = [query for photo in record.current_photos if (query := _query_of(photo.sha256)) is not None]
    alerted_checks = {alert.certificate.check_id for certificate_id, score in matching_certificates(queries).items()
                      if (alert := raise_alert(certificate_id, record, score)) is not None}
    return [_hit(db.session.get(Check, check_id), record, score, notify=check_id not in alerted_checks)
            for check_id, score in _matching_checks(queries, checks_by_photo).items()]


def _matching_checks(queries: list[matching.QuerySignature], checks_by_photo: dict[str, list[int]]) -> dict[int, float]:
    """{check id: best score} of the checks (`checks_by_photo`: their photos) whose photos match the queries."""
    if not checks_by_photo or not queries:
        return {}
    index, sha256_of = _signature_index(list(checks_by_photo))
    if not len(index):
        return {}
    scores: dict[int, float] = {}
    for query in queries:
        candidates = index.search(query, matching.candidates_to_verify(query))
        for match in matching.rank(query, candidates, _signature_features, top=20):
            if match.verdict == "match":
                for check_id in checks_by_photo[sha256_of[match.record_id]]:
                    scores[check_id] = max(scores.get(check_id, 0.0), float(match.score))
    return scores


def _recent_check_photos(since: datetime, record_id: int) -> dict[str, list[int]]:
    """The photos of the checks since `since` (not already hit by this record), with the checks that sent them."""
    already = select(WatchHit.check_id).where(WatchHit.record_id == record_id)
    rows = db.session.execute(select(Check.id, Check.query_photos).where(
        Check.created_at >= since, Check.channel != LOOKUP_CHANNEL, Check.id.not_in(already)))
    photos: dict[str, list[int]] = {}
    for check_id, query_photos in rows:
        for photo in query_photos or []:
            if photo.get("sha256"):
                photos.setdefault(photo["sha256"], []).append(check_id)
    return photos


def _signature_index(sha256s: list[str]) -> tuple[matching.HashIndex, dict[int, str]]:
    """The index of these check photos' stored signatures (keys only: features are read for candidates), and the
    photo of each signature id. A photo kept before signatures were stored at check time gets one now."""
    index, sha256_of = matching.HashIndex(), {}
    for start in range(0, len(sha256s), IN_CHUNK):
        chunk = sha256s[start:start + IN_CHUNK]
        rows = db.session.execute(select(CheckPhotoSignature.id, CheckPhotoSignature.sha256, CheckPhotoSignature.index_key)
                                  .where(CheckPhotoSignature.sha256.in_(chunk),
                                         CheckPhotoSignature.algorithm_version == matching.ALGORITHM_VERSION)).all()
        found = {sha256 for _, sha256, _ in rows}
        rows += [(s.id, s.sha256, s.index_key) for sha256 in chunk if sha256 not in found
                 if (s := _signature_from_kept_photo(sha256)) is not None]
        for signature_id, sha256, index_key in rows:
            index.add(signature_id, signature_id, index_key)
            sha256_of[signature_id] = sha256
    return index, sha256_of


def _signature_features(ids: list[int]) -> dict[int, bytes]:
    rows = db.session.execute(select(CheckPhotoSignature.id, CheckPhotoSignature.features).where(CheckPhotoSignature.id.in_(ids)))
    return {signature_id: features for signature_id, features in rows}


def _signature_from_kept_photo(sha256: str) -> CheckPhotoSignature | None:
    image = _display_image(sha256)  # None: not kept (a CLI check of before signatures were stored)
    if image is None:
        return None
    signature = matching.compute_signature(image)
    old = db.session.scalar(select(CheckPhotoSignature).where(CheckPhotoSignature.sha256 == sha256))
    if old is not None:  # of an older algorithm: replaced
        db.session.delete(old)
        db.session.flush()
    stored = CheckPhotoSignature(sha256=sha256, algorithm_version=matching.ALGORITHM_VERSION,
                                 index_key=signature.index_key, features=signature.features)
    db.session.add(stored)
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


def _hit(check: Check, record: ObjectRecord, score: float, notify: bool = True) -> WatchHit:
    hit = WatchHit(check_id=check.id, record_id=record.id, user_id=check.user_id, agency=check.agency or "",
                   status=record.status, score=float(score))
    db.session.add(hit)
    user = db.session.get(User, check.user_id) if check.user_id else None
    if user is not None and notify:
        with in_language(user.language):
            subject = gettext("Check #%(check)s: the object may be reported %(status)s", check=check.id,
                              status=_status_text(record.status))
            body = gettext("A record reported %(status)s (%(institution)s, %(number)s) matches the photos of your check "
                           "#%(check)s of %(date)s. If the object is still within reach, do not release, buy or move it; "
                           "contact the registering institution or the police.", status=_status_text(record.status),
                           institution=record.institution.name, number=record.object_number, check=check.id,
                           date=f"{check.created_at:%Y-%m-%d}")
        db.session.add(Notification(user_id=user.id, subject=subject, body=body, link=f"/objects/{record.id}",
                                    details={"check_id": check.id, "record_id": record.id, "score": round(float(score), 4)}))
        queue_mail(user.email, subject, body + "\n\n" + public_url(f"/objects/{record.id}"))
    return hit


def _status_text(status: str | None) -> str:
    """A status as it reads inside a sentence of the current language ("stolen", "volé")."""
    return status_label(status).lower() if status else "-"


def _tell_watchers(record: ObjectRecord, old_status: str | None, new_status: str | None) -> None:
    for watch in db.session.scalars(select(RecordWatch).where(RecordWatch.record_id == record.id)):
        user = db.session.get(User, watch.user_id)
        if user is None or not user.active:
            continue
        with in_language(user.language):
            subject = gettext("Watched object: %(number)s is now %(status)s", number=record.object_number,
                              status=_status_text(new_status))
            body = gettext("The record %(institution)s, %(number)s that you watch since your check #%(check)s changed "
                           "from %(old)s to %(new)s.", institution=record.institution.name, number=record.object_number,
                           check=watch.check_id, old=_status_text(old_status), new=_status_text(new_status))
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
