"""What a complete photo index must hold, read from the database whole or one photo-id range at a time, and
the record of a worker's comparisons with it (services/index.py compares; /readyz and /metrics report).

A comparison of the whole registry reads every live photo: seconds at 10 M photos, too much every minute in every
worker. So each periodic round compares one contiguous range of photo ids holding at most a bounded number of
photo rows (REGISTRY_INDEX_RECONCILE_ROWS), found and counted through the primary key's index, and the next round
takes the range after it; the last range is open-ended (photos added since are in it), and after it the rounds
start again from the lowest id. Every photo is so compared within (photos / rows + 1) rounds.
"""

from __future__ import annotations

import time
from typing import Iterable, NamedTuple

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from registry import matching
from registry.models import ObjectRecord, Photo, StoredSignature
from registry.objectid.standard import LOSS_STATUSES

RECONCILE_ROWS = 200_000  # photo rows one periodic comparison reads at most (REGISTRY_INDEX_RECONCILE_ROWS)


class IdRange(NamedTuple):
    """Photo ids ``lo <= id < hi``; ``hi`` None: every id from ``lo`` on."""

    lo: int
    hi: int | None

    def covers(self, other: IdRange) -> bool:
        """Whether every id of ``other`` is in this range."""
        return self.lo <= other.lo and (self.hi is None or (other.hi is not None and other.hi <= self.hi))

    def as_list(self) -> list[int | None]:
        return [self.lo, self.hi]


WHOLE = IdRange(0, None)


class IndexDigest(NamedTuple):
    """What an index holds, in a form cheap to compare with the database: photo count and sum of photo ids,
    for every live photo and for the photos of lost objects."""

    photos: int
    photo_id_sum: int
    lost_photos: int
    lost_photo_id_sum: int

    def text(self) -> str:
        return f"{self.photos}:{self.photo_id_sum}:{self.lost_photos}:{self.lost_photo_id_sum}"


def digest_of_ids(everything, lost) -> IndexDigest:
    """The digest of two arrays of photo ids (every live photo's, the lost objects')."""
    return IndexDigest(len(everything), int(everything.sum()), len(lost), int(lost.sum()))


def live(photo_ids: Iterable[int] | None, *columns):
    """``columns`` of the photos a complete index holds: not removed, with a signature of the current algorithm
    (of ``photo_ids``, or all)."""
    statement = (
        select(*columns)
        .join(StoredSignature, StoredSignature.photo_id == Photo.id)
        .join(ObjectRecord, ObjectRecord.id == Photo.record_id)
        .where(Photo.removed_at.is_(None), StoredSignature.algorithm_version == matching.ALGORITHM_VERSION)
    )
    if photo_ids is not None:
        statement = statement.where(Photo.id.in_(list(photo_ids)))
    return statement


def live_photo_statuses(photo_ids: Iterable[int] | None = None, between: IdRange = WHOLE):
    """(photo id, record status) of the photos a complete index holds (of ``photo_ids``, or all, within ``between``)."""
    if between == WHOLE:
        return live(photo_ids, Photo.id, ObjectRecord.status)
    return _live_between(between)


def _live_between(ids: IdRange):
    """(photo id, record status) of the live photos with ids in ``ids``, read through indexes only. Joined as in
    :func:`live`, PostgreSQL hashed the whole signatures and records tables for a range of 200 000 photos (0.7 s at
    1 M photos, and growing with the registry): here the signatures' range is named too (their photo_id index is
    read for that range alone), and each photo's record status is looked up by the records' primary key, once
    (OFFSET 0 keeps PostgreSQL from folding the lookup into every use of it, or back into a join)."""
    status = (select(ObjectRecord.status).where(ObjectRecord.id == Photo.record_id)
              .correlate(Photo).scalar_subquery().label("status"))
    photos = (
        select(Photo.id.label("id"), status)
        .join(StoredSignature, StoredSignature.photo_id == Photo.id)
        .where(Photo.removed_at.is_(None), StoredSignature.algorithm_version == matching.ALGORITHM_VERSION)
    )
    for column in (Photo.id, StoredSignature.photo_id):
        photos = photos.where(column >= ids.lo)
        if ids.hi is not None:
            photos = photos.where(column < ids.hi)
    photos = photos.offset(0).subquery()
    return select(photos.c.id, photos.c.status).where(photos.c.status.is_not(None))  # a photo without its record: none


def database_digest(session: Session, between: IdRange = WHOLE) -> IndexDigest:
    """What a current index must hold of the photo ids ``between`` (default all), computed by the database."""
    held = live_photo_statuses(between=between).subquery()
    lost = held.c.status.in_(sorted(LOSS_STATUSES))
    row = session.execute(
        select(
            func.count(held.c.id),
            func.coalesce(func.sum(held.c.id), 0),
            func.coalesce(func.sum(case((lost, 1), else_=0)), 0),
            func.coalesce(func.sum(case((lost, held.c.id), else_=0)), 0),
        )
    ).one()
    return IndexDigest(*(int(value) for value in row))


def range_from(session: Session, lo: int, rows: int) -> IdRange:
    """The range of photo ids from ``lo`` holding ``rows`` photo rows (removed ones included: they are read too),
    or every id from ``lo`` on when fewer remain. Found by reading that many entries of the primary key's index,
    so ids left sparse (photos deleted, ids skipped) still give full ranges."""
    hi = session.scalar(select(Photo.id).where(Photo.id >= lo).order_by(Photo.id).offset(rows).limit(1))
    return IdRange(lo, None if hi is None else int(hi))


class Comparison(NamedTuple):
    """One comparison of an index with the database: when (Unix time), of which ids, whether they agreed at once,
    and how many photos were put right."""

    at: float
    ids: IdRange
    agreed: bool
    repaired: int


class Comparisons:
    """Where a worker's periodic comparisons stand: the next range, the last outcome, drift not (yet) put right,
    and since when every photo has been compared. Plain values, no database."""

    def __init__(self) -> None:
        self.next_lo = 0
        self.last: Comparison | None = None
        self.drift_repaired = 0  # photos found wrong and put right since the process started
        self.unrepaired: list[IdRange] = []  # ranges where drift was found and the repair did not finish
        self.whole_compared_at: float | None = None  # every photo compared with the database since then
        self._pass_started: float | None = None  # when the pass over the ranges now under way began

    def loaded(self) -> None:
        """A whole load read every photo: it counts as a comparison of all of them, and the passes start afresh."""
        self.whole_compared_at, self.next_lo, self._pass_started = time.time(), 0, None

    def begin(self, ids: IdRange, at: float) -> None:
        """A comparison of ``ids`` starts (its database reads come next)."""
        if ids.lo == 0 and ids != WHOLE:
            self._pass_started = at

    def drift_found(self, ids: IdRange) -> None:
        """The database differs from the index in ``ids``: unrepaired until a comparison covering them ends."""
        self.unrepaired.append(ids)

    def ended(self, ids: IdRange, at: float, agreed: bool, repaired: int) -> None:
        """A comparison of ``ids`` started at ``at`` ended, the index now right there; the next range is after it."""
        self.last = Comparison(at, ids, agreed, repaired)
        self.drift_repaired += repaired
        self.unrepaired = [drifted for drifted in self.unrepaired if not ids.covers(drifted)]
        if ids == WHOLE:
            self.whole_compared_at = at
            return
        if ids.hi is not None:
            self.next_lo = ids.hi
            return
        self.next_lo = 0
        if self._pass_started is not None:
            self.whole_compared_at = self._pass_started
        self._pass_started = None

    def report(self, now: float | None = None) -> dict:
        """For /readyz: the last comparison, drift put right and not, and how long ago all photos were compared."""
        now = time.time() if now is None else now
        last = self.last
        return {
            "last_comparison": None if last is None else {
                "seconds_ago": round(now - last.at, 1), "photo_ids": last.ids.as_list(),
                "agreed": last.agreed, "repaired": last.repaired},
            "drift_repaired": self.drift_repaired,
            "drift_unrepaired": [drifted.as_list() for drifted in self.unrepaired],
            "whole_registry_compared_seconds_ago": (
                None if self.whole_compared_at is None else round(now - self.whole_compared_at, 1)),
        }
