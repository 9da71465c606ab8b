"""Consistent copies of the database: PostgreSQL's pg_dump (custom format) and SQLite's online backup API.

Row counts are taken from the same snapshot as the copy: on PostgreSQL pg_dump runs on a snapshot exported by
the transaction that counts (``pg_dump --snapshot``); on SQLite they are counted in the finished copy.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine, make_url

DUMP_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite"}


class DatabaseCopyError(RuntimeError):
    """pg_dump, pg_restore or SQLite failed, or a tool is missing; the message says what to do."""


def dump(engine: Engine, target: Path) -> dict[str, int]:
    """Copy the database into ``target`` and return its row count per table, as of the copy."""
    if engine.dialect.name == "postgresql":
        return _pg_dump(engine, target)
    if engine.dialect.name == "sqlite":
        return _sqlite_dump(engine, target)
    raise DatabaseCopyError(f"backups of {engine.dialect.name} databases are not supported")


def is_empty(engine: Engine) -> bool:
    """Whether the database holds no table at all."""
    with engine.connect() as connection:
        return not _table_names(connection)


def restore(engine: Engine, source: Path, force: bool) -> None:
    """Replace the database's contents with the copy in ``source`` (``force``: even when it holds tables)."""
    engine.dispose()  # no pooled connection may hold the old database open
    if engine.dialect.name == "postgresql":
        _pg_restore(engine, source, force)
    else:
        _sqlite_restore(engine, source)
    engine.dispose()


def row_counts(connection: Connection) -> dict[str, int]:
    """Rows per table, every table of the database (alembic_version included)."""
    preparer = connection.dialect.identifier_preparer
    return {name: int(connection.execute(text(f"SELECT count(*) FROM {preparer.quote(name)}")).scalar_one())
            for name in _table_names(connection)}


def schema_revision(connection: Connection) -> str | None:
    """The Alembic revision the schema is at (None for a schema made without migrations)."""
    if "alembic_version" not in _table_names(connection):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def sqlite_row_counts(path: Path) -> dict[str, int]:
    """Rows per table of a SQLite file, opened read-only."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def sqlite_integrity(path: Path) -> str:
    """SQLite's own verdict on a file ("ok" when sound)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def pg_dump_tables(path: Path) -> set[str]:
    """Tables whose data a pg_dump archive holds, read from its table of contents (``pg_restore --list``)."""
    listing = _run([_tool("pg_restore"), "--list", str(path)], os.environ.copy()).stdout
    tables = set()
    for line in listing.splitlines():
        parts = line.split()
        if not line.startswith(";") and "TABLE DATA" in line and len(parts) >= 7:
            tables.add(parts[6])
    return tables


def _table_names(connection: Connection) -> list[str]:
    names = inspect(connection).get_table_names()
    return sorted(name for name in names if not name.startswith("sqlite_"))


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise DatabaseCopyError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _sqlite_dump(engine: Engine, target: Path) -> dict[str, int]:
    # The online backup API copies page by page under SQLite's locks: a consistent copy while the app writes.
    with closing(sqlite3.connect(_sqlite_path(engine))) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return sqlite_row_counts(target)


def _sqlite_restore(engine: Engine, source: Path) -> None:
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as copy, \
            closing(sqlite3.connect(_sqlite_path(engine))) as target:
        copy.backup(target)  # replaces every page of the target: nothing of its former contents is left


def _libpq(engine: Engine) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore, the password in the environment (never on a command line)."""
    url = make_url(str(engine.url.render_as_string(hide_password=False)))
    env = os.environ.copy()
    if url.password:
        env["PGPASSWORD"] = url.password
    for name, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if name in url.query:
            env[variable] = str(url.query[name])
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args, env


def _pg_dump(engine: Engine, target: Path) -> dict[str, int]:
    args, env = _libpq(engine)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, connection.begin():
        # The first statement fixes this transaction's snapshot: the counts below and pg_dump see the same data.
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        counts = row_counts(connection)
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              "--file", str(target), *args], env)
    return counts


def _pg_restore(engine: Engine, source: Path, force: bool) -> None:
    if force:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    args, env = _libpq(engine)
    # One transaction: a restore that fails leaves the database as empty as it found it.
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          *args, str(source)], env)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DatabaseCopyError(f"{name} is not installed: install PostgreSQL's client tools "
                                f"(Debian: apt-get install postgresql-client), at least the server's version")
    return path


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise DatabaseCopyError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")
    return result
