"""The read replica against a real PostgreSQL streaming standby: a primary and a standby (pg_basebackup -R) that
these tests start in a temporary folder on free loopback ports, and stop at the end."""

from __future__ import annotations

import os
import time

import pytest

from registry import replica
from registry.services.index import index_readiness, live_index
from tests.operations.conftest import another_view
from tests.operations.streaming_pair import running_pair

pytestmark = pytest.mark.skipif(not os.environ.get("REGISTRY_DATABASE_URL", "").startswith("postgres"),
                                reason="the streaming replica is tested in the PostgreSQL run (REGISTRY_DATABASE_URL)")


@pytest.fixture(scope="module")
def streaming_pair():
    """A running primary and streaming standby, stopped and removed after the module's tests."""
    try:
        with running_pair() as pair:
            yield pair
    except LookupError as missing:
        pytest.skip(str(missing))


@pytest.fixture
def app_config(app_config, streaming_pair):
    """The app on the temporary primary, reading from its standby."""
    app_config["DATABASE_URL"] = streaming_pair.url("registry", streaming_pair.primary_port)
    app_config["DATABASE_REPLICA_URL"] = streaming_pair.url("registry", streaming_pair.standby_port)
    app_config["REPLICA_MAX_WAIT_MS"] = 10_000  # a loaded machine may take a while to replay: wait, do not fall back
    return app_config


@pytest.fixture
def replica_app(app):
    yield app
    replica.dispose(app)


def test_a_stolen_record_just_registered_is_found_through_the_standby(replica_app, register, check_answer):
    record = register("S-1", [71])
    assert check_answer(another_view(71))[0][:2] == (record.id, "match")
    assert live_index().reads_from == "replica"
    again = register("S-2", [72])  # after the index was loaded: it comes in as a replayed event
    assert check_answer(another_view(72))[0][:2] == (again.id, "match")
    assert live_index().reads_from == "replica"
    state = index_readiness()
    assert state["in_sync"] and state["reads_from"] == "replica"


def test_a_write_through_the_standby_session_fails(replica_app, register):
    from sqlalchemy import text
    from sqlalchemy.exc import InternalError

    register("S-3", [73])
    session = replica.begin_reads()
    assert replica.read_from_replica(session)
    with pytest.raises(InternalError, match="read-only transaction"):
        session.execute(text("DELETE FROM object_records"))
    session.rollback()


def test_a_lagging_standby_leaves_the_check_to_the_primary(replica_app, streaming_pair, register, check_answer):
    first = register("S-4", [74])
    assert check_answer(another_view(74))[0][:2] == (first.id, "match")
    assert live_index().reads_from == "replica"

    streaming_pair.on_standby("SELECT pg_wal_replay_pause()")
    try:
        replica_app.extensions["registry_replica"].max_wait = 0.05
        lagging = register("S-5", [75])  # committed on the primary, not replayed on the standby
        started = time.perf_counter()
        assert check_answer(another_view(75))[0][:2] == (lagging.id, "match")
        assert live_index().reads_from == "primary"
        assert time.perf_counter() - started < 5
    finally:
        streaming_pair.on_standby("SELECT pg_wal_replay_resume()")
    replica_app.extensions["registry_replica"].max_wait = 10.0
    assert check_answer(another_view(75))[0][:2] == (lagging.id, "match")
    assert check_answer(another_view(74))[0][:2] == (first.id, "match")
    assert live_index().reads_from == "replica"


def test_a_stopped_standby_leaves_the_registry_working_on_the_primary(replica_app, streaming_pair, register, check_answer):
    first = register("S-6", [76])
    assert check_answer(another_view(76))[0][:2] == (first.id, "match")
    assert live_index().reads_from == "replica"

    replica.dispose(replica_app)
    streaming_pair.stop_server(streaming_pair.standby_dir)
    try:
        later = register("S-7", [77])
        assert check_answer(another_view(77))[0][:2] == (later.id, "match")
        assert check_answer(another_view(76))[0][:2] == (first.id, "match")
        assert live_index().reads_from == "primary"
        assert replica_app.test_client().get("/catalogue/?text=S-7").status_code == 200
    finally:
        streaming_pair.start_server(streaming_pair.standby_dir)
