"""The photo index each process holds in memory, and the signatures and change events that keep it current.

Every write that changes what a check may find (a photo added or removed, a record's status changed)
appends an IndexEvent in the same transaction. Each process (each gunicorn worker) holds its own
LiveIndex and, before every check, replays the events it has not seen: one indexed query, so all
workers answer from the same data without talking to each other. Which events are "not seen" is decided
so that none committed can be skipped, whatever order concurrent transactions commit in (the event
cursors below); and every minute each worker compares a digest of one range of photo ids of its index with
the database, the next range each time (services/index_compare.py), and repairs, and logs as an error, any
difference (start_reconciler). All these reads go through registry.replica.reads(): a read replica when one
is set and current, else the primary.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import Executor, Future
from typing import Callable, Iterable

import numpy as np
from flask import Flask, current_app
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from registry import matching
from registry.extensions import db
from registry.imaging import DecodedPhoto
from registry.models import IndexEvent, ObjectRecord, Photo, StoredSignature
from registry.objectid.standard import LOSS_STATUSES
from registry.replica import begin_reads, read_from_replica, reads
from registry.replica import dispose as dispose_replica
from registry.services.index_compare import (
    RECONCILE_ROWS, WHOLE, Comparisons, IdRange, IndexDigest, digest_of_ids, live, live_photo_statuses, range_from)
from registry.services.index_compare import database_digest as _database_digest


def store_signature(photo: Photo, decoded: DecodedPhoto) -> StoredSignature:
    """Compute and attach a photo's matching signature (not committed); log the change for the index."""
    signature = _signature_of(decoded)
    stored = StoredSignature(
        photo=photo,
        algorithm_version=matching.ALGORITHM_VERSION,
        index_key=signature.index_key,
        features=signature.features,
        second_features=signature.second_features or None,
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
RECONCILE_EVERY_SECONDS = 60.0  # how often a worker compares a range of its index with the database (start_reconciler)

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

    def pending(self, session) -> list[tuple[int, int]]:
        """(event id, photo id) of the events new_events would return now, leaving them to it."""
        return [tuple(event) for event in session.execute(
            select(IndexEvent.id, IndexEvent.photo_id).where(IndexEvent.id > self._last_id))]


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

    def pending(self, session) -> list[tuple[int, int]]:
        """(event id, photo id) of the events new_events would return now, leaving them to it."""
        rows = session.execute(
            select(IndexEvent.id, IndexEvent.photo_id).where(IndexEvent.txid >= self._horizon)).all()
        return [(event_id, photo_id) for event_id, photo_id in rows if event_id not in self._applied]


def _event_cursor(session):
    if session.get_bind().dialect.name == "postgresql":
        return _TransactionHorizonCursor(session)
    return _SerialEventCursor(session)


class LiveIndex:
    """Two in-memory indexes kept in step with the database: every live photo, and the photos of lost objects."""

    def __init__(self) -> None:
        self.everything = matching.HashIndex()
        self.reported = matching.HashIndex()
        self.loaded = False
        self._unsearched = np.zeros(0, np.int64)  # sorted ids of live photos without a signature of the current algorithm
        self.last_reconciled = 0.0  # time.monotonic() of the last comparison with the database
        self.comparisons = Comparisons()
        self.reads_from = "primary"  # the database of the last sync: "replica" or "primary"
        self._events = None
        self._lock = threading.Lock()

    @property
    def photos_not_searched(self) -> int:
        """Live photos without a signature of the current algorithm: no check finds them until `registry reindex`."""
        return len(self._unsearched)

    @property
    def drift_repaired(self) -> int:
        """Photos found wrong by a comparison and put right, since the process started."""
        return self.comparisons.drift_repaired

    def sync(self, wait_for_load: bool = True) -> bool:
        """Bring the index up to date with the database (a full load the first time). With ``wait_for_load``
        False, an index being loaded by another thread is left to it (False is returned) instead of waited for."""
        session = reads()
        if not self._lock.acquire(blocking=wait_for_load or self.loaded):
            return False
        try:
            if self.loaded:
                self._replay_events(session)
            else:
                self._load_all(session)
            self.reads_from = "replica" if read_from_replica(session) else "primary"
            return True
        finally:
            self._lock.release()

    def reconcile(self, whole: bool = False, rows: int | None = None) -> int:
        """Compare the next range of photo ids (``rows`` photo rows at most, default REGISTRY_INDEX_RECONCILE_ROWS;
        the whole registry with ``whole``) of the index with the database, and put right, and log as an error,
        any photo it holds wrongly (events alone should never leave one); returns how many. The database is read
        outside the lock that checks take: only the comparison itself holds it."""
        session = begin_reads()  # the comparison's reads: on the replica when it is current
        self.sync()
        self.last_reconciled = time.monotonic()
        ids = WHOLE if whole else range_from(session, self.comparisons.next_lo, rows or _rows_per_round())
        started = time.time()
        self.comparisons.begin(ids, started)
        expected = _database_digest(session, ids)
        with self._lock:
            self._replay_events(session)
            agreed = self.digest(ids) == expected
        wrong = set() if agreed else self._repair(ids, session)
        self.comparisons.ended(ids, started, agreed, len(wrong))
        return len(wrong)

    def _repair(self, ids: IdRange, session: Session) -> set[int]:
        """Find and put right the photos of ``ids`` this index holds otherwise than the database."""
        self.comparisons.drift_found(ids)  # until this returns: a failure half way leaves it unrepaired
        rows = session.execute(live_photo_statuses(between=ids)).all()  # it differed: which photos?
        # The few suspects are judged on the primary: a check may meanwhile have brought this index past a lagging
        # replica, and a repair read from the replica would then put an older state back.
        primary = db.session()
        with self._lock:
            self._replay_events(primary)  # what was committed since the read is not drift
            suspects = self._differing(rows, ids)
            now = [row for chunk in _slices(suspects) for row in primary.execute(_live_photo_statuses(chunk)).all()]
            wrong = self._differing(now, ids, suspects) if suspects else set()
            self._refresh(wrong, primary)
        if wrong:
            log.error("photo index drifted from the database: %d photo(s) put right (ids %s, compared %s)",
                      len(wrong), sorted(wrong)[:20], ids.as_list())
        return wrong

    def held_digest(self) -> IndexDigest:
        """What this index holds now (see :class:`IndexDigest`), read while no replay changes it; nothing while it
        is not loaded (a load under way holds the lock for seconds: it is not waited for)."""
        if not self.loaded:
            return IndexDigest(0, 0, 0, 0)
        with self._lock:
            return self.digest()

    def events_pending(self) -> int | None:
        """Photos whose change is committed and not yet replayed into this index (None: not loaded yet)."""
        if not self.loaded:
            return None
        session = reads()
        with self._lock:
            return len({photo_id for _, photo_id in self._events.pending(session)})

    def digest(self, ids: IdRange = WHOLE) -> IndexDigest:
        """What this index holds of the photo ids ``ids`` (see :class:`IndexDigest`): of all of them from running
        sums, of a range from the id-to-row arrays (the cost follows the width of the range)."""
        if ids == WHOLE:
            return IndexDigest(len(self.everything), self.everything.photo_id_sum,
                               len(self.reported), self.reported.photo_id_sum)
        return digest_of_ids(self.everything.photo_ids_between(*ids), self.reported.photo_ids_between(*ids))

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
        self.comparisons.loaded()
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

    def _differing(self, rows: list, ids: IdRange, among: set[int] | None = None) -> set[int]:
        """Photos of ``ids`` (and of ``among``) that this index holds otherwise than ``rows`` of (photo id, status)
        say."""
        live = {photo_id for photo_id, _ in rows}
        lost = {photo_id for photo_id, status in rows if status in LOSS_STATUSES}
        everything = set(self.everything.photo_ids_between(*ids).tolist())
        reported = set(self.reported.photo_ids_between(*ids).tolist())
        if among is not None:
            everything, reported = everything & among, reported & among
        return (live ^ everything) | (lost ^ reported)

    def _put(self, photo_id: int, record_id: int, key: bytes, status: str) -> None:
        self.everything.add(photo_id, record_id, key)
        if status in LOSS_STATUSES:
            self.reported.add(photo_id, record_id, key)


class Reconciler(threading.Thread):
    """A daemon thread that compares a range of this process's index with the database every ``every`` seconds
    (LiveIndex.reconcile), away from the checks (wsgi.py starts one in each worker)."""

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


def database_digest(session: Session | None = None, between: IdRange = WHOLE) -> IndexDigest:
    """What a current index must hold of the photo ids ``between`` (default: every live photo, which at 10 M
    photos takes seconds: for operators, tests and benches, not for probes), computed by the database."""
    return _database_digest(session or reads(), between)


def index_readiness() -> dict:
    """For /readyz, without reading every photo: whether this process's index is loaded, has replayed the events
    committed so far (one indexed query), and was left with no drift unrepaired by its comparisons with the
    database (whose last outcome is given, with how long ago every photo was last compared)."""
    index = live_index()
    synced = index.sync(wait_for_load=False)  # a load under way elsewhere (~3 s a million photos) is not waited for
    held = index.held_digest()
    comparisons = index.comparisons.report()
    return {
        "loaded": index.loaded,
        "in_sync": bool(synced and index.loaded and not comparisons["drift_unrepaired"]),
        "photos": held.photos,
        "lost_photos": held.lost_photos,
        "digest": held.text(),
        "photos_not_searched": index.photos_not_searched,
        **comparisons,
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
    return live_photo_statuses(photo_ids)


def _live_rows(photo_ids: Iterable[int] | None = None):
    """Photos not removed, with a signature of the current algorithm: (photo id, record id, key, status)."""
    return live(photo_ids, Photo.id, Photo.record_id, StoredSignature.index_key, ObjectRecord.status)


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


_SECOND_FEATURES_OF = select(_SIGNATURES.c.photo_id, _SIGNATURES.c.second_features).where(
    _SIGNATURES.c.photo_id.in_(bindparam("ids", expanding=True)),
    _SIGNATURES.c.algorithm_version == bindparam("version"),
)


def load_second_features(photo_ids: list[int]) -> dict[int, bytes]:
    """The AKAZE features of the given photos (a check's second look: a few records' photos), read from the
    database; a photo without them is left out."""
    rows = reads().connection().execute(_SECOND_FEATURES_OF, {"ids": list(photo_ids),
                                                              "version": matching.ALGORITHM_VERSION})
    return {photo_id: bytes(second) for photo_id, second in rows if second}


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


def _rows_per_round() -> int:
    return int(current_app.config.get("INDEX_RECONCILE_ROWS") or RECONCILE_ROWS)
