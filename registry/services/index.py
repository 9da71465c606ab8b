"""The photo index each process holds in memory, and the signatures and change events that keep it current.

Every write that changes what a check may find (a photo added or removed, a record's status changed)
appends an IndexEvent in the same transaction. Each process (each gunicorn worker) holds its own
LiveIndex and, before every check, replays the events it has not seen: one indexed query, so all
workers answer from the same data without talking to each other. Which events are "not seen" is decided
so that none committed can be skipped, whatever order concurrent transactions commit in (the event
cursors below); and every minute each worker compares a digest of its index with the database and
repairs, and logs as an error, any difference (start_reconciler). All these reads go through
registry.replica.reads(): a read replica when one is set and current, else the primary.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import Executor, Future
from typing import Callable, Iterable, NamedTuple

import numpy as np
from flask import Flask, current_app
from sqlalchemy import bindparam, case, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from registry import matching
from registry.extensions import db
from registry.imaging import DecodedPhoto
from registry.models import IndexEvent, ObjectRecord, Photo, StoredSignature
from registry.objectid.standard import LOSS_STATUSES
from registry.replica import begin_reads, read_from_replica, reads
from registry.replica import dispose as dispose_replica


def store_signature(photo: Photo, decoded: DecodedPhoto) -> StoredSignature:
    """Compute and attach a photo's matching signature (not committed); log the change for the index."""
    signature = _signature_of(decoded)
    stored = StoredSignature(
        photo=photo,
        algorithm_version=matching.ALGORITHM_VERSION,
        index_key=signature.index_key,
        features=signature.features,
        hashes=signature.hash_hex,
    )
    db.session.add(stored)
    db.session.flush()
    note_photo_changed(photo.id)
    return stored


# Signatures a bulk import computes in another thread for the photos of the rows ahead, by the photo's SHA-256
# (services.importer._SignaturesAhead): the same bytes give the same signature, whichever import asked.
_COMPUTED_AHEAD: dict[str, Future] = {}


def _signature_of(decoded: DecodedPhoto) -> matching.PhotoSignature:
    ahead = _COMPUTED_AHEAD.pop(decoded.sha256, None)
    if ahead is not None and not ahead.cancelled() and ahead.exception() is None:
        return ahead.result()
    return matching.compute_signature(decoded.image)


def compute_signature_ahead(sha256: str, compute: Callable[[], matching.PhotoSignature], pool: Executor) -> None:
    """Start computing a photo's signature in ``pool``, for :func:`store_signature` to take when it comes to it."""
    if sha256 not in _COMPUTED_AHEAD:
        _COMPUTED_AHEAD[sha256] = pool.submit(compute)


def forget_signatures_ahead(sha256s: Iterable[str]) -> None:
    """Drop these photos' signatures if they were computed ahead and not taken (their rows were rejected);
    another import's, in another thread of a web worker, are left to it."""
    for sha256 in sha256s:
        future = _COMPUTED_AHEAD.pop(sha256, None)
        if future is not None:
            future.cancel()


def note_photo_changed(photo_id: int) -> None:
    """Tell every process's index that this photo must be looked at again (not committed)."""
    db.session.add(IndexEvent(photo_id=photo_id))


def note_record_changed(record: ObjectRecord) -> None:
    """A record's status changed: its photos may enter or leave the stolen-objects index."""
    for photo in record.photos:
        if photo.id is not None:
            note_photo_changed(photo.id)


LOAD_CHUNK = 50_000  # rows read and added at a time when an index is loaded whole
RECONCILE_EVERY_SECONDS = 60.0  # how often a worker compares its index with the database (start_reconciler)

log = logging.getLogger(__name__)


class _SerialEventCursor:
    """Where writers are serialised (SQLite: one writer at a time, ids taken inside its lock), events commit in
    id order, so every event not yet seen has an id above the last one seen."""

    def __init__(self, session) -> None:
        self._last_id = session.scalar(select(func.coalesce(func.max(IndexEvent.id), 0)))

    def new_events(self, session) -> list[tuple[int, int]]:
        """(event id, photo id) of the events committed since the last call."""
        events = session.execute(
            select(IndexEvent.id, IndexEvent.photo_id).where(IndexEvent.id > self._last_id).order_by(IndexEvent.id)
        ).all()
        if events:
            self._last_id = events[-1][0]
        return [tuple(event) for event in events]


_OLDEST_RUNNING_TRANSACTION = text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")


class _TransactionHorizonCursor:
    """PostgreSQL: event ids are taken in one order and committed in another, so "id above the last seen" loses
    an event whose transaction commits after a later one's (issue 22). Each event records its transaction's id
    instead. Every transaction with an id below the snapshot's xmin has ended, committed or not: once their
    events have been read, none of theirs can still appear. So each call reads the events of transactions from
    that horizon on, skips those already applied, and moves the horizon up to the xmin taken before the read.
    An event appears here as soon as it is committed, whatever older transaction is still running; a long one
    only makes the re-read window (and the set of applied ids kept) larger until it ends."""

    def __init__(self, session) -> None:
        self._horizon = session.scalar(_OLDEST_RUNNING_TRANSACTION)
        self._applied: set[int] = set()  # ids of events applied whose transactions lie at or above the horizon

    def new_events(self, session) -> list[tuple[int, int]]:
        """(event id, photo id) of the events committed since the last call, each exactly once."""
        horizon = session.scalar(_OLDEST_RUNNING_TRANSACTION)  # before the read: see the class's docstring
        rows = session.execute(
            select(IndexEvent.id, IndexEvent.photo_id, IndexEvent.txid)
            .where(IndexEvent.txid >= self._horizon)
            .order_by(IndexEvent.id)
        ).all()
        fresh = [(event_id, photo_id) for event_id, photo_id, _ in rows if event_id not in self._applied]
        self._applied = {event_id for event_id, _, txid in rows if txid >= horizon}
        self._horizon = horizon
        return fresh


def _event_cursor(session):
    if session.get_bind().dialect.name == "postgresql":
        return _TransactionHorizonCursor(session)
    return _SerialEventCursor(session)


class IndexDigest(NamedTuple):
    """What an index holds, in a form cheap to compare with the database: photo count and sum of photo ids,
    for every live photo and for the photos of lost objects."""

    photos: int
    photo_id_sum: int
    lost_photos: int
    lost_photo_id_sum: int

    def text(self) -> str:
        return f"{self.photos}:{self.photo_id_sum}:{self.lost_photos}:{self.lost_photo_id_sum}"


class LiveIndex:
    """Two in-memory indexes kept in step with the database: every live photo, and the photos of lost objects."""

    def __init__(self) -> None:
        self.everything = matching.HashIndex()
        self.reported = matching.HashIndex()
        self.loaded = False
        self._unsearched = np.zeros(0, np.int64)  # sorted ids of live photos without a signature of the current algorithm
        self.last_reconciled = 0.0  # time.monotonic() of the last comparison with the database
        self.drift_repaired = 0  # photos found wrong by a comparison and put right, since the process started
        self.reads_from = "primary"  # the database of the last sync: "replica" or "primary"
        self._events = None
        self._lock = threading.Lock()

    @property
    def photos_not_searched(self) -> int:
        """Live photos without a signature of the current algorithm: no check finds them until `registry reindex`."""
        return len(self._unsearched)

    def sync(self) -> None:
        """Bring the index up to date with the database (a full load the first time)."""
        session = reads()
        with self._lock:
            if self.loaded:
                self._replay_events(session)
            else:
                self._load_all(session)
            self.reads_from = "replica" if read_from_replica(session) else "primary"

    def reconcile(self) -> int:
        """Compare the index with the database as a whole and put right, and log as an error, any photo it holds
        wrongly (events alone should never leave one); returns how many. The database is read outside the lock
        that checks take (at a million photos the digest takes ~0.7 s on SQLite, bench/index_load.py): only
        the comparison itself holds it."""
        session = begin_reads()  # the whole-index reads: on the replica when it is current
        self.sync()
        self.last_reconciled = time.monotonic()
        expected = database_digest(session)
        with self._lock:
            self._replay_events(session)
            if self.digest() == expected:
                return 0
        rows = session.execute(_live_photo_statuses()).all()  # it differed: which photos?
        # The few suspects are judged on the primary: a check may meanwhile have brought this index past a lagging
        # replica, and a repair read from the replica would then put an older state back.
        primary = db.session()
        with self._lock:
            self._replay_events(primary)  # what was committed since the read is not drift
            suspects = self._differing(rows)
            now = [row for ids in _slices(suspects) for row in primary.execute(_live_photo_statuses(ids)).all()]
            wrong = self._differing(now, suspects) if suspects else set()
            self._refresh(wrong, primary)
        if wrong:
            self.drift_repaired += len(wrong)
            log.error("photo index drifted from the database: %d photo(s) put right (ids %s)",
                      len(wrong), sorted(wrong)[:20])
        return len(wrong)

    def digest(self) -> IndexDigest:
        """What this index holds (see :class:`IndexDigest`)."""
        everything, reported = self.everything.photo_ids(), self.reported.photo_ids()
        return IndexDigest(len(everything), int(everything.sum()), len(reported), int(reported.sum()))

    def search(self, query: matching.QuerySignature, k: int, all_statuses: bool) -> list[matching.Candidate]:
        """Candidate photos for a query, from the whole registry or only from lost objects."""
        return (self.everything if all_statuses else self.reported).search(query, k)

    def size(self, all_statuses: bool) -> int:
        """How many photos a check searches."""
        return len(self.everything if all_statuses else self.reported)

    def _load_all(self, session: Session) -> bool:
        """Every live photo, read from the driver in chunks and added in bulk (bench/index_load.py)."""
        matching.warm_up()  # compile the matching kernel now, not in the first check
        events = _event_cursor(session)  # before the rows: changes made during the load are replayed after it
        everything, reported = matching.HashIndex(), matching.HashIndex()
        for chunk in _chunks_of_rows(_live_rows(), session):
            _add_rows(everything, reported, chunk)
        unsearched = np.array(photos_needing_signatures(session=session), np.int64)
        # kept only once whole: a load that fails half way leaves this index unloaded, to be loaded again
        self.everything, self.reported, self._events, self.loaded = everything, reported, events, True
        self._unsearched = unsearched
        return True

    def _replay_events(self, session: Session) -> bool:
        events = self._events.new_events(session)
        if not events:
            return False
        self._refresh({photo_id for _, photo_id in events}, session)
        return True

    def _refresh(self, photo_ids: set[int], session: Session) -> None:
        """Read these photos again from the database: gone ones leave, live ones are put back as they are now."""
        if not photo_ids:
            return
        for photo_id in photo_ids:
            self.everything.remove(photo_id)
            self.reported.remove(photo_id)
        for ids in _slices(photo_ids):
            for photo_id, record_id, key, status in session.execute(_live_rows(ids)):
                self._put(photo_id, record_id, key, status)
        # Only these photos are read again for the count too: counting every photo after each write cost every
        # worker's next check ~0.9 s at 300 000 photos on PostgreSQL, and grows with the registry.
        changed = np.fromiter(photo_ids, np.int64, len(photo_ids))
        unsearched_now = np.array(photos_needing_signatures(photo_ids, session), np.int64)
        self._unsearched = np.union1d(np.setdiff1d(self._unsearched, changed, assume_unique=True), unsearched_now)

    def _differing(self, rows: list, among: set[int] | None = None) -> set[int]:
        """Photos (of ``among``, or all) that this index holds otherwise than ``rows`` of (photo id, status) say."""
        live = {photo_id for photo_id, _ in rows}
        lost = {photo_id for photo_id, status in rows if status in LOSS_STATUSES}
        everything = set(self.everything.photo_ids().tolist())
        reported = set(self.reported.photo_ids().tolist())
        if among is not None:
            everything, reported = everything & among, reported & among
        return (live ^ everything) | (lost ^ reported)

    def _put(self, photo_id: int, record_id: int, key: bytes, status: str) -> None:
        self.everything.add(photo_id, record_id, key)
        if status in LOSS_STATUSES:
            self.reported.add(photo_id, record_id, key)


class Reconciler(threading.Thread):
    """A daemon thread that compares this process's index with the database every ``every`` seconds, away
    from the checks (wsgi.py starts one in each worker)."""

    def __init__(self, app: Flask, every: float) -> None:
        super().__init__(name="registry-index-reconciler", daemon=True)
        self.app, self.every, self._stopped = app, every, threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self.every):
            with self.app.app_context():
                try:
                    live_index().reconcile()
                except SQLAlchemyError as exc:  # the database is away: the next round tries again
                    self.app.logger.warning("photo index not compared with the database (%s)", type(exc).__name__)
                finally:
                    db.session.remove()

    def stop(self) -> None:
        self._stopped.set()
        self.join()


def start_reconciler(app: Flask, every: float | None = None) -> Reconciler:
    """Start a :class:`Reconciler` (every REGISTRY_INDEX_RECONCILE_SECONDS, default RECONCILE_EVERY_SECONDS)."""
    reconciler = Reconciler(app, float(every or app.config.get("INDEX_RECONCILE_SECONDS") or RECONCILE_EVERY_SECONDS))
    reconciler.start()
    return reconciler


_RECONCILER_OF_PROCESS: dict[int, Reconciler] = {}


def reconcile_in_every_worker(app: Flask) -> None:
    """Have each process that serves ``app`` start its own :class:`Reconciler` with its first request: threads do
    not survive a fork, so one started as the app is loaded would run only in gunicorn's master with --preload."""

    @app.before_request
    def ensure_reconciler() -> None:
        if os.getpid() not in _RECONCILER_OF_PROCESS:
            _RECONCILER_OF_PROCESS[os.getpid()] = start_reconciler(app)


def database_digest(session: Session | None = None) -> IndexDigest:
    """What a current index must hold, computed by the database (see :class:`IndexDigest`)."""
    live = _live_photo_statuses().subquery()
    lost = live.c.status.in_(sorted(LOSS_STATUSES))
    row = (session or reads()).execute(
        select(
            func.count(live.c.id),
            func.coalesce(func.sum(live.c.id), 0),
            func.coalesce(func.sum(case((lost, 1), else_=0)), 0),
            func.coalesce(func.sum(case((lost, live.c.id), else_=0)), 0),
        )
    ).one()
    return IndexDigest(*(int(value) for value in row))


def index_readiness() -> dict:
    """For /readyz: whether this process's index is loaded and holds exactly what the database says."""
    index = live_index()
    session = begin_reads()
    index.sync()
    held = index.digest()
    expected = database_digest(session)
    if held != expected:  # a write may have been committed between the two reads
        index.sync()
        held, expected = index.digest(), database_digest(session)
    return {
        "loaded": index.loaded,
        "in_sync": held == expected,
        "photos": held.photos,
        "lost_photos": held.lost_photos,
        "digest": held.text(),
        "database_digest": expected.text(),
        "photos_not_searched": index.photos_not_searched,
        "drift_repaired": index.drift_repaired,
        "reads_from": index.reads_from,
        "pid": os.getpid(),
    }


def _chunks_of_rows(statement, session: Session) -> Iterable[list]:
    """The statement's rows, LOAD_CHUNK at a time, straight from the database driver's cursor: SQLAlchemy's row
    handling took 3.6 s (Core) to 4.8 s (ORM) a million photos, the driver's ~1 s. Only for statements whose
    parameters are our own constants (they are written into the SQL)."""
    connection = session.connection()
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    # PostgreSQL: a server-side cursor (rows come LOAD_CHUNK at a time, not all at once), bytea in binary
    options = {"name": "registry_index_load", "binary": True} if connection.dialect.name == "postgresql" else {}
    cursor = connection.connection.dbapi_connection.cursor(**options)
    try:
        cursor.execute(sql)
        while chunk := cursor.fetchmany(LOAD_CHUNK):
            yield chunk
    finally:
        cursor.close()


def _add_rows(everything: matching.HashIndex, reported: matching.HashIndex, rows: list) -> None:
    """Add (photo id, record id, key, status) rows to both indexes in bulk; lost objects' to ``reported`` too."""
    photo_ids = np.fromiter((row[0] for row in rows), np.int64, len(rows))
    record_ids = np.fromiter((row[1] for row in rows), np.int64, len(rows))
    keys = np.frombuffer(b"".join(bytes(row[2]) for row in rows), "<u8").reshape(len(rows), -1).astype(np.uint64)
    lost = np.fromiter((row[3] in LOSS_STATUSES for row in rows), bool, len(rows))
    everything.add_many(photo_ids, record_ids, keys)
    reported.add_many(photo_ids[lost], record_ids[lost], keys[lost])


def _live_photo_statuses(photo_ids: Iterable[int] | None = None):
    """(photo id, record status) of the photos a complete index holds (of ``photo_ids``, or all)."""
    return _live(photo_ids, Photo.id, ObjectRecord.status)


def _live_rows(photo_ids: Iterable[int] | None = None):
    """Photos not removed, with a signature of the current algorithm: (photo id, record id, key, status)."""
    return _live(photo_ids, Photo.id, Photo.record_id, StoredSignature.index_key, ObjectRecord.status)


def _live(photo_ids: Iterable[int] | None, *columns):
    statement = (
        select(*columns)
        .join(StoredSignature, StoredSignature.photo_id == Photo.id)
        .join(ObjectRecord, ObjectRecord.id == Photo.record_id)
        .where(Photo.removed_at.is_(None), StoredSignature.algorithm_version == matching.ALGORITHM_VERSION)
    )
    if photo_ids is not None:
        statement = statement.where(Photo.id.in_(list(photo_ids)))
    return statement


def live_index() -> LiveIndex:
    """This process's index for the current app, created on first use."""
    return current_app.extensions.setdefault("registry_live_index", LiveIndex())


def forget_live_index(app: Flask) -> None:
    """Drop this process's index (after a restore replaced the database under it): the next check loads it whole."""
    app.extensions.pop("registry_live_index", None)


def preload_index(app: Flask) -> bool:
    """Load the photo index as a worker starts (wsgi.py), not in its first check: with a million photos
    that check would wait seconds. False, with a warning, when the database cannot be read yet (no schema):
    the first check loads it then. Closes its connections, so none is shared with a forked process."""
    with app.app_context():
        try:
            live_index().sync()
            return True
        except SQLAlchemyError as exc:
            app.logger.warning("photo index not preloaded (%s); the first check will load it", type(exc).__name__)
            return False
        finally:
            db.session.remove()
            db.engine.dispose()
            dispose_replica(app)


_SIGNATURES = StoredSignature.__table__
# Core on the session's connection: the ORM's statement handling cost ~0.25 ms a read, and an unregistered
# object's check reads ~100 candidates' features (bench/service.py).
_FEATURES_OF = select(_SIGNATURES.c.photo_id, _SIGNATURES.c.features).where(
    _SIGNATURES.c.photo_id.in_(bindparam("ids", expanding=True)),
    _SIGNATURES.c.algorithm_version == bindparam("version"),
)
# PostgreSQL sends bytea as hex text unless results are asked for in binary: 100 photos' features
# (~30 kB each) took 8.6 ms to read as text, 2.1 ms in binary.
_FEATURES_OF_IN_BINARY = (
    f"SELECT photo_id, features FROM {_SIGNATURES.name} WHERE photo_id = ANY(%s) AND algorithm_version = %s"
)


def load_features(photo_ids: list[int]) -> dict[int, bytes]:
    """Re-ranking features of the given photos, read from the database (only for the top candidates)."""
    connection = reads().connection()
    if connection.dialect.name == "postgresql":
        with connection.connection.dbapi_connection.cursor(binary=True) as cursor:
            cursor.execute(_FEATURES_OF_IN_BINARY, (list(photo_ids), matching.ALGORITHM_VERSION))
            return {photo_id: bytes(features) for photo_id, features in cursor}
    rows = connection.execute(_FEATURES_OF, {"ids": list(photo_ids), "version": matching.ALGORITHM_VERSION})
    return {photo_id: features for photo_id, features in rows}


def photos_needing_signatures(among: Iterable[int] | None = None, session: Session | None = None) -> list[int]:
    """Ids of live photos (of ``among``, or all) with no signature of the current algorithm version, in order
    (read through ``session``, default the primary's)."""
    statement = select(Photo.id).where(*_needs_signature()).order_by(Photo.id)
    session = session or db.session
    if among is None:
        return list(session.scalars(statement))
    return sorted(photo_id for ids in _slices(among) for photo_id in session.scalars(statement.where(Photo.id.in_(ids))))


IDS_PER_STATEMENT = 10_000  # photo ids named in one statement: each is a bound parameter, and psycopg takes 65 535


def _slices(photo_ids: Iterable[int]) -> Iterable[list[int]]:
    """The ids in lists of IDS_PER_STATEMENT (a bulk import's or a status change's photos may be many more)."""
    ids = sorted(photo_ids)
    return (ids[i:i + IDS_PER_STATEMENT] for i in range(0, len(ids), IDS_PER_STATEMENT))


def _needs_signature() -> tuple:
    # NOT EXISTS, not NOT IN: PostgreSQL runs NOT IN (subquery) as a hashed subplan only while the ids fit in
    # work_mem (4 MB by default); past ~100 000 photos it compared each photo with every signature, and the first
    # check after any write, on every worker of every host, took minutes (60 s and counting at 300 000 photos).
    # NOT EXISTS is an anti-join, linear whatever the size (at 10 M photos: seconds; NOT IN had not finished a
    # worker's start after 5 minutes, bench/README.md run 20).
    current = select(StoredSignature.id).where(StoredSignature.photo_id == Photo.id,
                                               StoredSignature.algorithm_version == matching.ALGORITHM_VERSION)
    return Photo.removed_at.is_(None), ~current.exists()


def reindex_photo(photo_id: int, decode: Callable[[Photo], DecodedPhoto]) -> None:
    """Recompute one photo's signature with the current algorithm (not committed)."""
    photo = db.session.get(Photo, photo_id)
    old = db.session.scalar(select(StoredSignature).where(StoredSignature.photo_id == photo_id))
    if old is not None:
        db.session.delete(old)
        db.session.flush()
    store_signature(photo, decode(photo))
