"""The standing watch: checks whose photos match a record reported lost later, and objects users watch."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.models.objects import utcnow


class CheckPhotoSignature(db.Model):
    """The matching signature of a photo submitted for a check, kept when the check is made (services.checks), so
    that a record reported lost later is searched for among checks' photos without decoding them again."""

    __tablename__ = "check_photo_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    algorithm_version: Mapped[str] = mapped_column(String(40))
    index_key: Mapped[bytes] = mapped_column(LargeBinary)
    features: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WatchHit(db.Model):
    """A check whose photos match a record reported lost after it: its author is told; its agency sees it."""

    __tablename__ = "watch_hits"
    __table_args__ = (UniqueConstraint("check_id", "record_id", name="uq_watch_hits_check_record"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("checks.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("object_records.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    agency: Mapped[str] = mapped_column(String(200), default="", index=True)
    status: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RecordWatch(db.Model):
    """A user watching an object they checked: told of each change of its status."""

    __tablename__ = "record_watches"
    __table_args__ = (UniqueConstraint("user_id", "record_id", name="uq_record_watches_user_record"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("object_records.id"), index=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("checks.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WatchSweep(db.Model):
    """A record reported lost (or given a photo while lost), to be looked for in earlier checks and certificates.

    Written in the transaction of the change, so it is never lost; swept after the commit by the host that made
    the change, or by `registry watch sweep` (cron) on any host. A host claims a row by setting `started_at` in a
    conditional UPDATE, so two hosts never sweep the same row; a claim older than WATCH_SWEEP_STALE_MINUTES
    (a worker killed mid-sweep) is taken over.
    """

    __tablename__ = "watch_sweeps"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("object_records.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
