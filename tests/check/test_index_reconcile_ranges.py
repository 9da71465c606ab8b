"""A worker's periodic comparison with the database costs a bounded number of rows a round, one photo-id range at a
time, and still covers the whole registry; /readyz and /metrics report on it without reading every photo (issue 27).

Drift is planted as it could really happen: a row changed in the database by raw SQL, with no IndexEvent (a manual
fix, a restore of one table, a bug in a writer), so no worker is told.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, func, insert, select, text, update
from sqlalchemy.exc import OperationalError

from registry.demo.images import draw_object
from registry.extensions import db
from registry.models import IndexEvent, ObjectRecord, Photo, StoredSignature
from registry.services.index import LiveIndex, database_digest, forget_live_index, live_index
from registry.services.index_compare import IdRange
from registry.services.objects import create_record
from registry.services.photos import decode_upload

ROWS = 8  # photo rows a round reads in these tests (REGISTRY_INDEX_RECONCILE_ROWS)


def _jpeg(seed: int) -> bytes:
    buffer = io.BytesIO()
    draw_object(seed, "statuette", "bronze").convert("RGB").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _register_stolen(number: str, seed: int) -> ObjectRecord:
    return create_record("Museum of Testing", {"object_number": number, "object_type": "Statuette", "materials": "bronze"},
                         "test", photos=[decode_upload(_jpeg(seed), f"{seed}.jpg")], filenames=[f"{seed}.jpg"],
                         status_fields={"status": "stolen"})


def _more_photos(record: ObjectRecord, n: int, tell_the_index: bool = True) -> list[int]:
    """``n`` more photos of ``record`` (ids from the database's own sequence), with the signature of its first photo."""
    first = record.photos[0]
    signature = db.session.scalar(select(StoredSignature).where(StoredSignature.photo_id == first.id))
    ids = list(db.session.scalars(insert(Photo).returning(Photo.id, sort_by_parameter_order=True), [
        {"record_id": record.id, "sha256": first.sha256, "image_format": "JPEG", "width": first.width,
         "height": first.height, "position": 1} for _ in range(n)]))
    db.session.execute(insert(StoredSignature), [{"photo_id": i, "algorithm_version": signature.algorithm_version,
                                                  "index_key": signature.index_key, "features": b"", "hashes": {}} for i in ids])
    if tell_the_index:
        db.session.execute(insert(IndexEvent), [{"photo_id": i} for i in ids])
    db.session.commit()
    return ids


def _remove_behind_the_index(photo_id: int) -> None:
    db.session.execute(update(Photo).where(Photo.id == photo_id).values(removed_at=datetime.now(timezone.utc)))
    db.session.commit()


def _set_status_behind_the_index(record_id: int, status: str) -> None:
    db.session.execute(text("UPDATE object_records SET status = :status WHERE id = :id"), {"status": status, "id": record_id})
    db.session.commit()


@contextlib.contextmanager
def _statements_run():
    """The SQL statements run on the app's database meanwhile (in this thread), lower-cased."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.lower().split()))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def _rows_in(ids: IdRange) -> int:
    condition = Photo.id >= ids.lo if ids.hi is None else Photo.id.between(ids.lo, ids.hi - 1)
    return db.session.scalar(select(func.count()).select_from(Photo).where(condition))


@pytest.fixture
def registry_of_32(app):
    """Records A (stolen, 1 photo + 20 more), B (stolen, 1 photo) and then 10 more photos of A: 32 photos, so B's
    photo is the 22nd and ranges of 8 rows end with an open one from the 25th. Returns (A, B, every photo id in order)."""
    a = _register_stolen("RANGE-A", 801)
    a_ids = [a.photos[0].id] + _more_photos(a, 20)
    b = _register_stolen("RANGE-B", 802)
    return a, b, a_ids + [b.photos[0].id] + _more_photos(a, 10)


def test_each_round_compares_one_bounded_range_repairs_drift_there_and_wraps_round(app, registry_of_32, caplog):
    _, b, photo_ids = registry_of_32
    worker = LiveIndex()
    worker.sync()
    removed = photo_ids[3]
    _remove_behind_the_index(removed)  # first range
    _set_status_behind_the_index(b.id, "recovered")  # B's photo is the 22nd: third range

    rounds = []
    with caplog.at_level(logging.ERROR, logger="registry.services.index"):
        for _ in range(5):
            repaired = worker.reconcile(rows=ROWS)
            rounds.append((worker.comparisons.last.ids, repaired, worker.comparisons.last.agreed))

    ranges = [ids for ids, _, _ in rounds]
    assert [repaired for _, repaired, _ in rounds] == [1, 0, 1, 0, 0]
    assert [agreed for _, _, agreed in rounds] == [False, True, False, True, True]
    assert ranges[:4] == [IdRange(0, photo_ids[8]), IdRange(photo_ids[8], photo_ids[16]),
                          IdRange(photo_ids[16], photo_ids[24]), IdRange(photo_ids[24], None)]
    assert all(_rows_in(ids) <= ROWS for ids in ranges[:3])  # a round reads at most ROWS photo rows
    assert ranges[4] == ranges[0]  # after the open-ended last range, round again from the lowest id
    assert removed not in worker.everything and b.photos[0].id in worker.everything
    assert b.photos[0].id not in worker.reported
    assert worker.digest() == database_digest() and worker.drift_repaired == 2
    assert caplog.text.count("photo index drifted from the database: 1 photo(s) put right") == 2


def test_photos_beyond_the_last_range_are_compared_by_the_open_ended_range(app, registry_of_32):
    a, _, photo_ids = registry_of_32
    worker = LiveIndex()
    worker.sync()
    for _ in range(4):  # one pass: the last range began at the 25th photo and had no end
        assert worker.reconcile(rows=ROWS) == 0
    unseen = _more_photos(a, 12, tell_the_index=False)  # ids past every range compared so far, no event told
    assert worker.reconcile(rows=ROWS) == 0  # the first range again
    repaired = []
    while worker.comparisons.last.ids.hi is not None:  # to the end of this pass: 44 photos, 6 ranges now
        repaired.append(worker.reconcile(rows=ROWS))
    assert repaired == [0, 0, 0, 8, 4] and set(unseen) <= set(worker.everything.photo_ids().tolist())
    assert worker.digest() == database_digest()


def test_the_whole_comparison_finds_drift_anywhere_in_one_pass(app, registry_of_32):
    _, b, photo_ids = registry_of_32
    worker = LiveIndex()
    worker.sync()
    _remove_behind_the_index(photo_ids[30])
    _set_status_behind_the_index(b.id, "recovered")
    assert worker.reconcile(whole=True) == 2
    assert worker.comparisons.last.ids == IdRange(0, None) and worker.digest() == database_digest()
    assert worker.reconcile(whole=True) == 0


def test_whole_registry_coverage_is_reported_once_a_pass_ends(app, client, registry_of_32):
    _, _, photo_ids = registry_of_32
    worker = live_index()
    worker.sync()
    loaded_at = worker.comparisons.whole_compared_at  # a load reads every photo
    began = []
    for _ in range(4):
        assert worker.comparisons.whole_compared_at == loaded_at  # the pass is not over
        worker.reconcile(rows=ROWS)
        began.append(worker.comparisons.last.at)
    assert worker.comparisons.whole_compared_at == began[0] > loaded_at  # every photo compared since the pass began
    index = client.get("/readyz").get_json()["checks"]["index"]
    assert index["last_comparison"]["photo_ids"] == [photo_ids[24], None]
    assert index["last_comparison"]["agreed"] is True
    assert 0 <= index["whole_registry_compared_seconds_ago"] < 60


def _reads_every_photo(statement: str) -> bool:
    """Whether a statement reads the photos table without naming the photo ids it wants."""
    reads_photos = re.search(r"\b(from|join) photos\b", statement) is not None
    return reads_photos and re.search(r"photos\.id (in|=|>=|<|between)|photos\.id = any", statement) is None


def test_readyz_reads_no_photo_and_computes_no_digest_of_the_database(app, client, registry_of_32):
    a, _, _ = registry_of_32
    live_index().sync()  # loaded, as a worker is from its start (wsgi.py)
    _more_photos(a, 3)  # events to replay: /readyz brings the index up to date, reading these three photos
    with _statements_run() as statements:
        response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    index = body["checks"]["index"]
    assert index["ok"] and index["in_sync"] and index["photos"] == 35 and index["digest"] == database_digest().text()
    assert statements, "the capture saw nothing"
    assert not [s for s in statements if "count(" in s or "sum(" in s]
    assert not [s for s in statements if _reads_every_photo(s)]


def test_metrics_read_no_photo_for_the_index_lag(app, client, registry_of_32):
    a, _, _ = registry_of_32
    live_index().sync()
    _more_photos(a, 2)  # not replayed yet
    with _statements_run() as statements:
        response = client.get("/metrics")
    assert response.status_code == 200
    assert re.search(r"^registry_index_behind_photos(\{[^}]*\})? 2\.0$", response.get_data(as_text=True), re.M)
    assert not [s for s in statements if "count(" in s or "sum(" in s or _reads_every_photo(s)]


def test_readyz_is_503_while_drift_found_is_not_repaired_then_200_once_a_round_repairs_it(app, client, registry_of_32):
    _, b, _ = registry_of_32
    worker = live_index()
    worker.sync()
    _set_status_behind_the_index(b.id, "recovered")

    def fail_the_repair(conn, cursor, statement, parameters, context, executemany):
        # the database goes away just after the comparison found the difference, before the photos are read
        if "sum(" not in statement.lower() and "object_records.status" in statement.lower():
            raise OperationalError(statement, parameters, ConnectionError("server closed the connection"))

    event.listen(db.engine, "before_cursor_execute", fail_the_repair)
    try:
        with pytest.raises(OperationalError):
            worker.reconcile(whole=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", fail_the_repair)
    db.session.rollback()

    response = client.get("/readyz")
    index = response.get_json()["checks"]["index"]
    assert response.status_code == 503
    assert index["ok"] is False and index["loaded"] and index["in_sync"] is False
    assert index["drift_unrepaired"] == [[0, None]]
    assert worker.reconcile(rows=ROWS) == 0  # the first range holds no drift: the unrepaired stays
    assert client.get("/readyz").status_code == 503

    assert worker.reconcile(whole=True) == 1
    response = client.get("/readyz")
    index = response.get_json()["checks"]["index"]
    assert response.status_code == 200 and index["in_sync"] and index["drift_unrepaired"] == []
    assert index["drift_repaired"] == 1 and index["last_comparison"]["repaired"] == 1


def test_readyz_is_503_without_waiting_while_the_index_is_loaded_by_another_thread(app, client, registry_of_32):
    forget_live_index(app)  # a worker just started, its index not loaded yet
    loader_may_go, loader_waiting = threading.Event(), threading.Event()
    loader: threading.Thread | None = None

    def hold_the_load(conn, cursor, statement, parameters, context, executemany):
        if threading.current_thread() is loader:
            loader_waiting.set()
            loader_may_go.wait(timeout=60)

    failures: list[BaseException] = []

    def load() -> None:
        try:
            with app.app_context():
                live_index().sync()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 (re-raised in the test's thread)
            failures.append(exc)

    answers: list = []
    event.listen(db.engine, "before_cursor_execute", hold_the_load)
    try:
        loader = threading.Thread(target=load)
        loader.start()
        assert loader_waiting.wait(timeout=30)
        asking = threading.Thread(target=lambda: answers.append(client.get("/readyz")))
        asking.start()
        asking.join(timeout=20)  # a probe that waits for the load times out at the balancer
        assert answers, "/readyz waited for the load under way"
    finally:
        loader_may_go.set()
        if loader is not None:
            loader.join(timeout=60)
        event.remove(db.engine, "before_cursor_execute", hold_the_load)  # not while the loader runs its listeners
    if failures:
        raise failures[0]
    index = answers[0].get_json()["checks"]["index"]
    assert answers[0].status_code == 503 and index["loaded"] is False and index["ok"] is False
    assert client.get("/readyz").status_code == 200
