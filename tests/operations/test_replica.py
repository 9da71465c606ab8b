"""REGISTRY_DATABASE_REPLICA_URL without a standby: its refusal off PostgreSQL, its read-only connections, and the
primary taking over when it cannot be reached. (test_replica_streaming.py runs a real streaming standby.)"""

from __future__ import annotations

import os
import socket

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import InternalError

from registry import create_app, replica
from registry.extensions import db
from registry.models import Check, Institution
from registry.services.index import live_index
from tests.operations.conftest import another_view

DATABASE_URL = os.environ.get("REGISTRY_DATABASE_URL", "")
needs_postgres = pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="a read replica is PostgreSQL only: set REGISTRY_DATABASE_URL")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_replica_is_refused_beside_sqlite(tmp_path):
    with pytest.raises(RuntimeError, match="REGISTRY_DATABASE_REPLICA_URL needs PostgreSQL"):
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite'}",
                    "DATABASE_REPLICA_URL": "postgresql://reader@127.0.0.1:5432/registry"})


@pytest.fixture
def same_server_replica(app_config):
    """The test database itself as the "replica": not in recovery, so always current; its connections read-only."""
    app_config["DATABASE_REPLICA_URL"] = DATABASE_URL


@pytest.fixture
def unreachable_replica(app_config):
    """A replica on a port where nothing listens."""
    app_config["DATABASE_REPLICA_URL"] = f"postgresql://registry_ci:registry_ci@127.0.0.1:{_closed_port()}/registry"


@needs_postgres
def test_checks_read_through_the_replica_and_a_write_there_fails(same_server_replica, app, register, check_answer):
    record = register("R-1", [61])
    assert check_answer(another_view(61))[0][:2] == (record.id, "match")
    assert live_index().reads_from == "replica"

    session = replica.begin_reads()
    assert replica.read_from_replica(session)
    with pytest.raises(InternalError, match="read-only transaction"):
        session.execute(text("INSERT INTO institutions (name) VALUES ('Written through the replica')"))
    session.rollback()
    session.add(Institution(name="Also written through the replica"))
    with pytest.raises(InternalError, match="read-only transaction"):
        session.commit()
    session.rollback()

    # the check's own log went to the primary, and nothing was written through the replica
    assert db.session.scalar(select(func.count(Check.id))) == 1
    assert db.session.scalar(select(func.count(Institution.id)).where(Institution.name.like("%through the replica"))) == 0
    replica.dispose(app)


@needs_postgres
def test_an_unreachable_replica_leaves_the_reads_to_the_primary(unreachable_replica, app, register, check_answer):
    record = register("R-2", [62])
    assert check_answer(another_view(62))[0][:2] == (record.id, "match")
    assert live_index().reads_from == "primary"
    assert not replica.read_from_replica(replica.begin_reads())
    replica.dispose(app)
