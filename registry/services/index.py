"""The photo index each process holds in memory, and the signatures and change events that keep it current.

Every write that changes what a check may find (a photo added or removed, a record's status changed)
appends an IndexEvent in the same transaction. Each process (each gunicorn worker) holds its own
LiveIndex and, before every check, replays the events it has not seen: one indexed query, so all
workers answer from the same data without talking to each other.
"""

from __future__ import annotations

import threading
from concurrent.futures import Executor, Future
from typing import Callable, Iterable

import numpy as np
from flask import Flask, current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import SQLAlchemyError

from registry import matching
from registry.extensions import db
from registry.imaging import DecodedPhoto
from registry.models import IndexEvent, ObjectRecord, Photo, StoredSignature
from registry.objectid.standard import LOSS_STATUSES


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


class LiveIndex:
    """Two in-memory indexes kept in step with the database: every live photo, and the photos of lost objects."""

    def __init__(self) -> None:
        self.everything = matching.HashIndex()
        self.reported = matching.HashIndex()
        self.last_event_id = -1
        self.photos_not_searched = 0  # live photos without a signature of the current algorithm
        self._lock = threading.Lock()

    def sync(self) -> None:
        """Bring the index up to date with the database (a full load the first time)."""
        with self._lock:
            changed = self._load_all() if self.last_event_id < 0 else self._replay_events()
            if changed:  # counted again only when photos or signatures changed: not on every check
                self.photos_not_searched = count_photos_needing_signatures()

    def search(self, query: matching.QuerySignature, k: int, all_statuses: bool) -> list[matching.Candidate]:
        """Candidate photos for a query, from the whole registry or only from lost objects."""
        return (self.everything if all_statuses else self.reported).search(query, k)

    def size(self, all_statuses: bool) -> int:
        """How many photos a check searches."""
        return len(self.everything if all_statuses else self.reported)

    def _load_all(self) -> bool:
        """Every live photo, read from the driver in chunks and added in bulk (bench/index_load.py)."""
        matching.warm_up()  # compile the matching kernel now, not in the first check
        last_event_id = db.session.scalar(select(func.coalesce(func.max(IndexEvent.id), 0)))
        everything, reported = matching.HashIndex(), matching.HashIndex()
        for chunk in _chunks_of_rows(_live_rows()):
            _add_rows(everything, reported, chunk)
        # kept only once whole: a load that fails half way leaves this index unloaded, to be loaded again
        self.everything, self.reported, self.last_event_id = everything, reported, last_event_id
        return True

    def _replay_events(self) -> bool:
        events = db.session.execute(
            select(IndexEvent.id, IndexEvent.photo_id).where(IndexEvent.id > self.last_event_id).order_by(IndexEvent.id)
        ).all()
        if not events:
            return False
        photo_ids = {photo_id for _, photo_id in events}
        for photo_id in photo_ids:
            self.everything.remove(photo_id)
            self.reported.remove(photo_id)
        for photo_id, record_id, key, status in db.session.execute(_live_rows(photo_ids)):
            self._put(photo_id, record_id, key, status)
        self.last_event_id = events[-1][0]
        return True

    def _put(self, photo_id: int, record_id: int, key: bytes, status: str) -> None:
        self.everything.add(photo_id, record_id, key)
        if status in LOSS_STATUSES:
            self.reported.add(photo_id, record_id, key)


def _chunks_of_rows(statement) -> Iterable[list]:
    """The statement's rows, LOAD_CHUNK at a time, straight from the database driver's cursor: SQLAlchemy's row
    handling took 3.6 s (Core) to 4.8 s (ORM) a million photos, the driver's ~1 s. Only for statements whose
    parameters are our own constants (they are written into the SQL)."""
    connection = db.session.connection()
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


def _live_rows(photo_ids: Iterable[int] | None = None):
    """Photos not removed, with a signature of the current algorithm: (photo id, record id, key, status)."""
    statement = (
        select(Photo.id, Photo.record_id, StoredSignature.index_key, ObjectRecord.status)
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
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        with connection.connection.dbapi_connection.cursor(binary=True) as cursor:
            cursor.execute(_FEATURES_OF_IN_BINARY, (list(photo_ids), matching.ALGORITHM_VERSION))
            return {photo_id: bytes(features) for photo_id, features in cursor}
    rows = connection.execute(_FEATURES_OF, {"ids": list(photo_ids), "version": matching.ALGORITHM_VERSION})
    return {photo_id: features for photo_id, features in rows}


def photos_needing_signatures() -> list[int]:
    """Ids of live photos with no signature of the current algorithm version."""
    return list(db.session.scalars(select(Photo.id).where(*_needs_signature()).order_by(Photo.id)))


def count_photos_needing_signatures() -> int:
    """How many live photos a check cannot search until `registry reindex` has run."""
    return db.session.scalar(select(func.count(Photo.id)).where(*_needs_signature())) or 0


def _needs_signature() -> tuple:
    current = select(StoredSignature.photo_id).where(StoredSignature.algorithm_version == matching.ALGORITHM_VERSION)
    return Photo.removed_at.is_(None), Photo.id.not_in(current)


def reindex_photo(photo_id: int, decode: Callable[[Photo], DecodedPhoto]) -> None:
    """Recompute one photo's signature with the current algorithm (not committed)."""
    photo = db.session.get(Photo, photo_id)
    old = db.session.scalar(select(StoredSignature).where(StoredSignature.photo_id == photo_id))
    if old is not None:
        db.session.delete(old)
        db.session.flush()
    store_signature(photo, decode(photo))
