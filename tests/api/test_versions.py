"""Optimistic concurrency in the API: ETag and If-Match, `version` in the body, 409 with both values, never a 500."""

from __future__ import annotations

import io
import os
import threading

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import ObjectRecord, RecordChange


@pytest.fixture
def registrar(api_headers) -> dict[str, str]:
    return api_headers("registrar")


@pytest.fixture
def record_id(client, registrar) -> int:
    created = client.post("/api/v1/records", json={"object_number": "V-1", "object_type": "Vase", "title": "Banquet vase"},
                          headers=registrar)
    assert created.status_code == 201
    return created.get_json()["id"]


def _title_changes(record_id: int) -> list[tuple[str | None, str | None]]:
    changes = db.session.scalars(select(RecordChange).where(RecordChange.record_id == record_id, RecordChange.field == "title"))
    return [(change.old_value, change.new_value) for change in changes]


def _title(record_id: int) -> str:
    db.session.expire_all()
    return db.session.get(ObjectRecord, record_id).title


def test_etag_and_if_match_round_trip(client, registrar, record_id):
    read = client.get(f"/api/v1/records/{record_id}", headers=registrar)
    assert read.headers["ETag"] == f'"{record_id}-1"' and read.get_json()["version"] == 1
    changed = client.patch(f"/api/v1/records/{record_id}", json={"title": "Mine"}, headers={**registrar, "If-Match": read.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.headers["ETag"] == f'"{record_id}-2"' and changed.get_json()["version"] == 2
    stale = client.patch(f"/api/v1/records/{record_id}", json={"title": "Theirs"}, headers={**registrar, "If-Match": read.headers["ETag"]})
    body = stale.get_json()
    assert stale.status_code == 409 and body["status"] == 409 and "nothing of your change was saved" in body["error"]
    assert body["details"] == {"current_version": 2, "your_version": 1, "current": {"title": "Mine"}, "yours": {"title": "Theirs"}}
    again = client.patch(f"/api/v1/records/{record_id}", json={"title": "Theirs"}, headers={**registrar, "If-Match": changed.headers["ETag"]})
    assert again.status_code == 200 and again.headers["ETag"] == f'"{record_id}-3"'
    assert _title_changes(record_id) == [("Banquet vase", "Mine"), ("Mine", "Theirs")]


def test_stale_version_in_the_body_gets_409_with_both_values(client, registrar, record_id):
    first = client.patch(f"/api/v1/records/{record_id}", json={"title": "First", "version": 1}, headers=registrar)
    assert first.status_code == 200
    second = client.patch(f"/api/v1/records/{record_id}", json={"title": "Second", "materials": "terracotta", "version": 1}, headers=registrar)
    details = second.get_json()["details"]
    assert second.status_code == 409
    assert (details["your_version"], details["current_version"]) == (1, 2)
    assert details["yours"] == {"title": "Second", "materials": "terracotta"}
    assert details["current"] == {"title": "First", "materials": ""}
    assert _title(record_id) == "First" and _title_changes(record_id) == [("Banquet vase", "First")]


def test_stale_status_report_gets_409(client, registrar, record_id):
    etag = client.get(f"/api/v1/records/{record_id}", headers=registrar).headers["ETag"]
    assert client.patch(f"/api/v1/records/{record_id}", json={"title": "Edited"}, headers=registrar).status_code == 200
    stale = client.post(f"/api/v1/records/{record_id}/status", json={"status": "stolen", "loss_date": "2026-01-02", "case_reference": "C-1"},
                        headers={**registrar, "If-Match": etag})
    details = stale.get_json()["details"]
    assert stale.status_code == 409
    assert details["yours"]["status"] == "stolen" and details["yours"]["loss_date"] == "2026-01-02"
    assert details["current"]["status"] == "inventory" and details["current"]["loss_date"] is None
    db.session.expire_all()
    assert db.session.get(ObjectRecord, record_id).status == "inventory"
    fresh = client.post(f"/api/v1/records/{record_id}/status", json={"status": "stolen", "version": 2}, headers=registrar)
    assert fresh.status_code == 200 and fresh.get_json()["version"] == 3


def test_a_write_without_a_version_is_accepted(client, registrar, record_id):
    """Clients written before versions existed keep working: the change is made to the current version."""
    assert client.patch(f"/api/v1/records/{record_id}", json={"title": "A"}, headers=registrar).status_code == 200
    assert client.patch(f"/api/v1/records/{record_id}", json={"title": "B"}, headers={**registrar, "If-Match": "*"}).status_code == 200
    assert _title(record_id) == "B"


@pytest.mark.parametrize("if_match", ['"999-1"', "garbage", '"5-x"'])
def test_an_if_match_that_is_not_this_records_etag_is_refused(client, registrar, record_id, if_match):
    response = client.patch(f"/api/v1/records/{record_id}", json={"title": "X"}, headers={**registrar, "If-Match": if_match})
    assert response.status_code == 400 and "If-Match" in response.get_json()["error"]
    assert _title(record_id) == "Banquet vase"


def test_weak_if_match_and_disagreeing_body_version(client, registrar, record_id):
    # a proxy that compresses answers may weaken the ETag: it names the same version
    weak = client.patch(f"/api/v1/records/{record_id}", json={"title": "W"}, headers={**registrar, "If-Match": f'W/"{record_id}-1"'})
    assert weak.status_code == 200
    both = client.patch(f"/api/v1/records/{record_id}", json={"title": "Y", "version": 1}, headers={**registrar, "If-Match": f'"{record_id}-2"'})
    assert both.status_code == 400 and "send one of them" in both.get_json()["error"]


def test_a_write_that_loses_the_race_inside_the_server_is_a_409(client, registrar, record_id, save_elsewhere, monkeypatch):
    """No version sent: the server read version 1, another request saved version 2 before this UPDATE (StaleDataError)."""
    from registry.services import objects

    normalise = objects.normalise_fields

    def saved_meanwhile(fields):
        monkeypatch.setattr(objects, "normalise_fields", normalise)
        save_elsewhere(record_id, title="Saved meanwhile")
        return normalise(fields)

    monkeypatch.setattr(objects, "normalise_fields", saved_meanwhile)
    response = client.patch(f"/api/v1/records/{record_id}", json={"title": "Mine"}, headers=registrar)
    body = response.get_json()
    assert response.status_code == 409
    assert body["details"] == {"current_version": 2, "your_version": 1, "current": {"title": "Saved meanwhile"}, "yours": {"title": "Mine"}}
    assert _title(record_id) == "Saved meanwhile" and _title_changes(record_id) == []


def test_a_stale_write_no_door_catches_is_still_a_409(app, client, registrar, record_id, monkeypatch):
    """The app-wide net: StaleDataError from any path ends as 409, never 500."""
    from sqlalchemy.orm.exc import StaleDataError

    from registry.api import records

    def stale(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'object_records' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(records, "attach_photos", stale)
    response = client.post(f"/api/v1/records/{record_id}/photos", data={"photos": [(io.BytesIO(_jpeg()), "a.jpg")]},
                           content_type="multipart/form-data", headers=registrar)
    assert response.status_code == 409 and response.get_json()["status"] == 409


def _jpeg() -> bytes:
    from registry.demo.images import draw_object

    buffer = io.BytesIO()
    draw_object(5, "vase", "terracotta").save(buffer, format="JPEG")
    return buffer.getvalue()


ON_POSTGRESQL = os.environ.get("REGISTRY_DATABASE_URL", "").startswith("postgresql")


@pytest.mark.skipif(not ON_POSTGRESQL, reason="two database sessions racing for one row is decided by PostgreSQL's row locks; "
                                              "SQLite lets one writer at a time in (set REGISTRY_DATABASE_URL to a PostgreSQL database)")
@pytest.mark.parametrize("precondition", ["if_match", "none"])
def test_two_concurrent_read_modify_writes_exactly_one_wins(app, registrar, record_id, monkeypatch, precondition):
    """Two threads, each a client of the real app, read version 1 and both write; neither waits for the other's
    answer. Both have read the record before either writes (a barrier inside the server), so the loser's UPDATE
    finds the row at version 2: 409, never a silent overwrite."""
    from registry.services import objects

    normalise = objects.normalise_fields
    both_have_read = threading.Barrier(2, timeout=30)

    def after_both_read(fields):
        both_have_read.wait()
        return normalise(fields)

    monkeypatch.setattr(objects, "normalise_fields", after_both_read)
    answers: dict[str, object] = {}

    def edit(title: str) -> None:
        client = app.test_client()
        headers = dict(registrar)
        if precondition == "if_match":
            headers["If-Match"] = client.get(f"/api/v1/records/{record_id}", headers=registrar).headers["ETag"]
        answers[title] = client.patch(f"/api/v1/records/{record_id}", json={"title": title}, headers=headers)

    threads = [threading.Thread(target=edit, args=(title,)) for title in ("Alpha", "Beta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [200, 409], {title: answer.get_data(as_text=True)[:300] for title, answer in answers.items()}
    winner = next(title for title, answer in answers.items() if answer.status_code == 200)
    loser = next(title for title, answer in answers.items() if answer.status_code == 409)
    details = answers[loser].get_json()["details"]
    assert details == {"current_version": 2, "your_version": 1, "current": {"title": winner}, "yours": {"title": loser}}
    assert _title(record_id) == winner and _title_changes(record_id) == [("Banquet vase", winner)]
