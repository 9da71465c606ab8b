"""The read replica (REGISTRY_DATABASE_REPLICA_URL): where the photo index and the searches read from.

Reads go to the replica only while it is current: a PostgreSQL streaming standby of the primary (same system
identifier) that has replayed all the WAL the primary had written when the reads began. When it is behind for
longer than REPLICA_MAX_WAIT_MS, unreachable, or not a standby of this primary, they go to the primary instead.
So a check never misses a record committed before it began, and the index never steps back in time. Writes never
go to the replica: only :func:`reads` hands out its session, and its connections are read-only
(default_transaction_read_only), so a write sent there by mistake fails instead of succeeding.
"""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, current_app, g, has_app_context
from flask.globals import app_ctx
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from registry.config import engine_options, sqlalchemy_url
from registry.extensions import db

log = logging.getLogger(__name__)

READ_ONLY = "-c default_transaction_read_only=on"
UNREACHABLE_RETRY_SECONDS = 30.0  # a replica that did not answer is tried again after this long, not on every check
_EXTENSION = "registry_replica"
_CHOSEN = "_registry_reads"
_WRITTEN = text("SELECT pg_current_wal_flush_lsn()::text, (SELECT system_identifier FROM pg_control_system())")
_REPLAYED = text("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
                 "(SELECT system_identifier FROM pg_control_system())")


class Replica:
    """The replica's engine, its sessions (one per app context, like ``db.session``), and whether it is current."""

    def __init__(self, url: str, options: dict, max_wait_seconds: float) -> None:
        self.engine = create_engine(url, **options)
        self.session = scoped_session(sessionmaker(bind=self.engine), scopefunc=_app_context_id)
        self.max_wait = max_wait_seconds
        self._unusable_until = 0.0

    def is_current(self) -> bool:
        """Whether the replica has replayed all the primary had written just now (waiting up to max_wait for it)."""
        if time.monotonic() < self._unusable_until:
            return False
        with db.engine.connect() as primary:  # the primary away is the primary's error, not a reason to skip it
            written, primary_id = primary.execute(_WRITTEN).one()
        deadline = time.monotonic() + self.max_wait
        try:
            with self.engine.connect() as replica:
                while True:
                    in_recovery, replayed, replica_id = replica.execute(_REPLAYED).one()
                    if replica_id != primary_id:
                        log.error("REGISTRY_DATABASE_REPLICA_URL is not a standby of the primary: it is not read")
                        self._unusable_until = math.inf
                        return False
                    # not in recovery: the primary itself (or a standby promoted to be it)
                    if not in_recovery or lsn_value(replayed) >= lsn_value(written):
                        return True
                    if time.monotonic() >= deadline:
                        return False
                    time.sleep(0.002)
        except SQLAlchemyError as exc:
            log.warning("read replica unreachable (%s): reading from the primary for %.0f s",
                        type(exc).__name__, UNREACHABLE_RETRY_SECONDS)
            self._unusable_until = time.monotonic() + UNREACHABLE_RETRY_SECONDS
            return False


def lsn_value(lsn: str | None) -> int:
    """A PostgreSQL WAL position ("16/B374D848") as a number; -1 for none."""
    if not lsn:
        return -1
    high, low = lsn.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def init_app(app: Flask) -> None:
    """Create the replica's engine when REGISTRY_DATABASE_REPLICA_URL is set (PostgreSQL only, like its primary)."""
    url = app.config.get("DATABASE_REPLICA_URL")
    if not url:
        return
    url = sqlalchemy_url(url)
    if not (url.startswith("postgresql") and app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")):
        raise RuntimeError("REGISTRY_DATABASE_REPLICA_URL needs PostgreSQL: a streaming standby of "
                           "REGISTRY_DATABASE_URL, which must be PostgreSQL too")
    options = engine_options(url, None, app.config["DATABASE_CONNECT_TIMEOUT"])
    options["connect_args"]["options"] = READ_ONLY
    replica = Replica(url, options, float(app.config["REPLICA_MAX_WAIT_MS"]) / 1000)
    app.extensions[_EXTENSION] = replica

    @app.before_request
    def choose_reads_afresh() -> None:
        # An app context can outlive one request (tests, CLI helpers): each request chooses again.
        g.pop(_CHOSEN, None)

    @app.teardown_appcontext
    def close_replica_session(_exc: BaseException | None) -> None:
        replica.session.remove()


def begin_reads() -> Session:
    """Choose now where this app context's reads go (at the start of a check, a reconciliation, a search): the
    replica's session when it is current, else the primary's."""
    replica: Replica | None = current_app.extensions.get(_EXTENSION)
    if replica is None:
        return db.session()
    use_replica = replica.is_current()
    setattr(g, _CHOSEN, use_replica)
    if not use_replica:
        return db.session()
    session = replica.session()
    session.rollback()  # a new transaction: it sees what was just replayed, not an older snapshot
    return session


def reads() -> Session:
    """The session for read-only work (the photo index, check results, searches): the one :func:`begin_reads` chose
    for this app context, choosing now if none was. Never write through it."""
    replica: Replica | None = current_app.extensions.get(_EXTENSION)
    if replica is None or g.get(_CHOSEN) is False:
        return db.session()
    if g.get(_CHOSEN) is None:
        return begin_reads()
    return replica.session()


def read_from_replica(session: Session) -> bool:
    """Whether ``session`` reads from the replica."""
    replica: Replica | None = current_app.extensions.get(_EXTENSION)
    return replica is not None and session.get_bind() is replica.engine


def paginate(statement: Select, **options) -> SelectPagination:
    """``db.paginate`` of a read-only statement, run by :func:`reads`."""
    return SelectPagination(select=statement, session=reads(), **options)


def dispose(app: Flask) -> None:
    """Close the replica's pooled connections (before a fork: none may be shared with a child process)."""
    replica: Replica | None = app.extensions.get(_EXTENSION)
    if replica is not None:
        if has_app_context():
            replica.session.remove()
        replica.engine.dispose()


def _app_context_id() -> int:
    return id(app_ctx._get_current_object())  # noqa: SLF001 (the scope of Flask-SQLAlchemy's own session)
