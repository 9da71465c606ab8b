"""Matching signatures of photos, the index change log that keeps every worker's index current, and the check log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import FunctionElement

from registry.extensions import db
from registry.models.objects import utcnow
from registry.models.photos import Photo


class StoredSignature(db.Model):
    """A photo's matching signature, computed once per algorithm version."""

    __tablename__ = "photo_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id"), unique=True)
    algorithm_version: Mapped[str] = mapped_column(String(40), index=True)
    index_key: Mapped[bytes] = mapped_column(LargeBinary)
    features: Mapped[bytes] = mapped_column(LargeBinary)
    # its AKAZE features, read only for the few records a check looks at again (matching.second_look; None: none)
    second_features: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    hashes: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    photo: Mapped[Photo] = relationship()


class current_transaction_id(FunctionElement):  # noqa: N801 (an SQL function's name)
    """The writing transaction's id on PostgreSQL (64-bit, never wraps); NULL where writers are serialised (SQLite)."""

    type = BigInteger()
    inherit_cache = True


@compiles(current_transaction_id)
def _no_transaction_id(element, compiler, **kw):
    return "NULL"


@compiles(current_transaction_id, "postgresql")
def _postgresql_transaction_id(element, compiler, **kw):
    return "pg_current_xact_id()::text::bigint"


class IndexEvent(db.Model):
    """"Photo N changed": every process replays these to bring its in-memory index up to date.

    ``txid`` is the writing transaction's id on PostgreSQL, where event ids are taken in one order and
    committed in another: a reader uses it to tell which events may still appear below ids it has seen
    (services/index.py).
    """

    __tablename__ = "index_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    photo_id: Mapped[int] = mapped_column(Integer, index=True)
    txid: Mapped[int | None] = mapped_column(BigInteger, index=True, default=current_transaction_id())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# A registrar's photo search before registering an object (services.checks.run_lookup) is logged with this channel.
LOOKUP_CHANNEL = "lookup"


class Check(db.Model):
    """One check of a suspect object: who asked, what was submitted, what the registry answered."""

    __tablename__ = "checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    agency: Mapped[str] = mapped_column(String(200), default="")
    channel: Mapped[str] = mapped_column(String(10))  # web, api, cli; or LOOKUP_CHANNEL
    all_statuses: Mapped[bool] = mapped_column(Boolean, default=False)
    query_fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    query_photos: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # label, sha256, hashes
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # the JSON answered, one element per photo
    records_searched: Mapped[int] = mapped_column(Integer, default=0)
    took_ms: Mapped[float] = mapped_column(Float, default=0.0)
