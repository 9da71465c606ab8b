"""Every process's photo index reaches every committed change, whatever order transactions commit in (issue 22).

On PostgreSQL, event ids are taken in one order and committed in another: a worker that replayed "ids above
the last one seen" lost the photos of a registration that committed after a later one. These tests make that
happen with real transactions and check that another process's index (a LiveIndex of its own, as in another
gunicorn worker) still holds every photo.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import time

import pytest
from sqlalchemy import select

from registry.demo.images import draw_object
from registry.extensions import db
from registry.models import Photo
from registry.services.index import LiveIndex, database_digest, index_readiness, live_index, start_reconciler
from registry.services.objects import create_record, institution_named
from registry.services.photos import decode_upload


def _jpeg(seed: int) -> bytes:
    buffer = io.BytesIO()
    draw_object(seed, "statuette", "bronze").convert("RGB").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _register_stolen(number: str, seeds: list[int], commit: bool = True):
    return create_record(
        "Museum of Testing",
        {"object_number": number, "object_type": "Statuette", "materials": "bronze"},
        "test",
        photos=[decode_upload(_jpeg(seed), f"{seed}.jpg") for seed in seeds],
        filenames=[f"{seed}.jpg" for seed in seeds],
        status_fields={"status": "stolen"},
        commit=commit,
    )


def _live_photo_ids() -> set[int]:
    db.session.rollback()  # a fresh snapshot
    return set(db.session.scalars(select(Photo.id).where(Photo.removed_at.is_(None))))


def _held(index: LiveIndex) -> tuple[set[int], set[int]]:
    return set(index.everything.photo_ids().tolist()), set(index.reported.photo_ids().tolist())


def _needs_concurrent_writers(app) -> None:
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers, so events cannot commit out of id order there; "
                    "run with REGISTRY_DATABASE_URL pointing at PostgreSQL (CI does)")
    institution_named("Museum of Testing")  # created once, before the writers race
    db.session.commit()


def test_a_registration_committed_after_a_later_one_reaches_another_workers_index(app):
    _needs_concurrent_writers(app)
    other_worker = LiveIndex()
    other_worker.sync()
    first_flushed, first_may_commit, first_done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first_registration() -> None:
        try:
            with app.app_context():
                _register_stolen("EARLY-1", [101, 102, 103], commit=False)  # its events' ids are taken now
                first_flushed.set()
                first_may_commit.wait(timeout=60)
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 (re-raised in the test's thread)
            errors.append(exc)
            first_flushed.set()
        finally:
            first_done.set()

    writer = threading.Thread(target=first_registration)
    writer.start()
    assert first_flushed.wait(timeout=60)
    later = _register_stolen("LATE-2", [201, 202, 203])  # higher event ids, committed first
    other_worker.sync()  # sees the later registration while the first is still open
    assert {photo.id for photo in later.photos} <= _held(other_worker)[1]
    first_may_commit.set()
    assert first_done.wait(timeout=60)
    writer.join()
    assert not errors, errors
    other_worker.sync()
    everything, reported = _held(other_worker)
    assert everything == reported == _live_photo_ids()
    assert len(everything) == 6


def test_concurrent_multi_photo_registrations_all_reach_a_worker_that_syncs_throughout(app):
    _needs_concurrent_writers(app)
    other_worker = LiveIndex()
    other_worker.sync()
    writers_done = threading.Event()
    errors: list[BaseException] = []

    def register_many(writer: int) -> None:
        try:
            with app.app_context():
                for n in range(3):
                    seeds = [1000 + 100 * writer + 10 * n + k for k in range(3)]
                    _register_stolen(f"W{writer}-{n}", seeds)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def sync_throughout() -> None:
        try:
            with app.app_context():
                while not writers_done.is_set():
                    other_worker.sync()
                    db.session.commit()  # end the read transaction, as a request does
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    reader = threading.Thread(target=sync_throughout)
    writers = [threading.Thread(target=register_many, args=(w,)) for w in range(4)]
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    writers_done.set()
    reader.join()
    assert not errors, errors
    other_worker.sync()
    everything, reported = _held(other_worker)
    assert len(everything) == 4 * 3 * 3
    assert everything == reported == _live_photo_ids()


def test_a_single_registration_reaches_another_worker(app):
    other_worker = LiveIndex()
    other_worker.sync()
    record = _register_stolen("ONE-1", [301, 302])
    other_worker.sync()
    assert _held(other_worker) == ({p.id for p in record.photos},) * 2


def test_a_drifted_index_is_put_right_by_the_periodic_comparison_and_logged(app, caplog):
    record = _register_stolen("DRIFT-1", [401, 402, 403])
    worker = LiveIndex()
    worker.sync()
    lost_photo = record.photos[1].id
    worker.reported.remove(lost_photo)  # as if an event had been missed
    assert worker.digest() != database_digest()
    with caplog.at_level(logging.ERROR, logger="registry.services.index"):
        assert worker.reconcile() == 1
    assert lost_photo in worker.reported and worker.digest() == database_digest()
    assert "photo index drifted from the database: 1 photo(s) put right" in caplog.text
    assert worker.reconcile() == 0


def test_the_reconciler_thread_compares_a_workers_index_with_the_database(app, caplog):
    record = _register_stolen("DRIFT-2", [601])
    index = live_index()
    index.sync()
    index.reported.remove(record.photos[0].id)
    with caplog.at_level(logging.ERROR, logger="registry.services.index"):
        reconciler = start_reconciler(app, every=0.05)
        deadline = time.monotonic() + 30
        while index.drift_repaired == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        reconciler.stop()
    assert index.drift_repaired == 1 and record.photos[0].id in index.reported


def test_readiness_reports_the_index_in_step_with_the_database(app):
    record = _register_stolen("READY-1", [501, 502])
    report = index_readiness()
    assert report["loaded"] and report["in_sync"]
    assert report["photos"] == report["lost_photos"] == 2
    assert report["digest"] == database_digest().text() == f"2:{sum(p.id for p in record.photos)}:2:{sum(p.id for p in record.photos)}"
    # nothing compared since the load, which read every photo; no drift
    assert report["last_comparison"] is None and report["whole_registry_compared_seconds_ago"] < 60
    assert report["drift_repaired"] == 0 and report["drift_unrepaired"] == []


def test_each_serving_process_starts_its_own_reconciler_with_its_first_request(app, client):
    from registry.services import index as index_service

    index_service.reconcile_in_every_worker(app)
    assert os.getpid() not in index_service._RECONCILER_OF_PROCESS
    client.get("/healthz")
    reconciler = index_service._RECONCILER_OF_PROCESS.pop(os.getpid())
    try:
        assert reconciler.is_alive() and reconciler.every == index_service.RECONCILE_EVERY_SECONDS
    finally:
        reconciler.stop()


def _set_algorithm(photo_id: int, version: str) -> None:
    """Give a photo's signature another algorithm version, as an upgrade (or `registry reindex`) does, and say so."""
    from registry.models import StoredSignature
    from registry.services.index import note_photo_changed

    db.session.scalar(select(StoredSignature).where(StoredSignature.photo_id == photo_id)).algorithm_version = version
    note_photo_changed(photo_id)
    db.session.commit()


def test_photos_left_to_reindex_are_counted_from_the_changed_photos_alone(app):
    """Another worker's count of photos without a current signature follows every change, reading only the photos
    that changed: counting all of them after each write made every worker's next check take seconds at scale."""
    from sqlalchemy import event

    from registry.matching import ALGORITHM_VERSION
    from registry.services.index import photos_needing_signatures

    first = _register_stolen("COUNT-1", [701, 702])
    worker = LiveIndex()
    worker.sync()
    assert worker.photos_not_searched == 0

    statements: list[str] = []

    def record(connection, cursor, statement, *rest) -> None:
        statements.append(statement)

    def sync() -> None:  # the worker's statements only, not the writers'
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            worker.sync()
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    _set_algorithm(first.photos[0].id, "an-older-algorithm")
    sync()
    assert worker.photos_not_searched == 1 and first.photos[0].id not in worker.everything
    _register_stolen("COUNT-2", [703])  # a new photo, with its signature: nothing more to reindex
    sync()
    assert worker.photos_not_searched == 1
    _set_algorithm(first.photos[1].id, "an-older-algorithm")
    sync()
    assert worker.photos_not_searched == 2
    _set_algorithm(first.photos[0].id, ALGORITHM_VERSION)  # reindexed
    sync()
    assert worker.photos_not_searched == 1 and first.photos[0].id in worker.everything
    assert worker.photos_not_searched == len(photos_needing_signatures())
    fresh = LiveIndex()
    fresh.sync()
    assert fresh.photos_not_searched == 1
    reads_of_photos = [sql for sql in statements if "FROM photos" in sql]
    assert len(reads_of_photos) >= 8 and all("photos.id IN (" in sql for sql in reads_of_photos), reads_of_photos


def test_the_photos_to_reindex_are_found_by_an_anti_join_on_postgresql(app):
    """NOT IN (subquery) is a plain subplan on PostgreSQL once the ids outgrow work_mem: each photo compared with every
    signature (60 s and counting at 300 000 photos). The query must be an anti-join, whatever the size."""
    from sqlalchemy import text
    from sqlalchemy.dialects import postgresql

    from registry.services.index import _needs_signature

    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL query plan; run with REGISTRY_DATABASE_URL pointing at PostgreSQL (CI does)")
    statement = select(Photo.id).where(*_needs_signature())
    sql = str(statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    plan = "\n".join(db.session.execute(text(f"EXPLAIN {sql}")).scalars())
    assert "Anti Join" in plan and "SubPlan" not in plan, plan


def test_a_bulk_change_of_more_photos_than_a_query_may_name_reaches_another_workers_index(app):
    """A bulk import or a status change of tens of thousands of photos: a worker that catches up reads them again
    in slices. In one statement with a bound id each, 70 000 photos passed psycopg's 65 535 parameters (and older
    SQLite builds' 32 766): the replay failed after its events had been taken, and the photos stayed out of the
    index, the periodic comparison's repair failing the same way."""
    from sqlalchemy import insert

    from registry.models import IndexEvent, StoredSignature

    record = _register_stolen("BULK-1", [7])
    db.session.commit()
    worker = LiveIndex()
    worker.sync()
    first = record.photos[0]
    signature = db.session.scalar(select(StoredSignature).where(StoredSignature.photo_id == first.id))
    n = 70_000
    start = db.session.scalar(select(db.func.max(Photo.id))) + 1
    ids = range(start, start + n)
    db.session.execute(insert(Photo), [{"id": i, "record_id": record.id, "sha256": first.sha256, "image_format": "JPEG",
                                        "width": first.width, "height": first.height, "position": 1} for i in ids])
    db.session.execute(insert(StoredSignature), [{"photo_id": i, "algorithm_version": signature.algorithm_version,
                                                  "index_key": signature.index_key, "features": b"", "hashes": {}} for i in ids])
    db.session.execute(insert(IndexEvent), [{"photo_id": i} for i in ids])
    db.session.commit()

    worker.sync()

    everything, reported = _held(worker)
    assert set(ids) <= everything and set(ids) <= reported
    assert worker.photos_not_searched == 0
    assert worker.reconcile() == 0
