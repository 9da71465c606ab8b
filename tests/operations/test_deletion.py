"""Deleting a record (issue 27): an admin or the owning registrar, with a reason; a tombstone in the history; out of
every list, search, feed and the photo index; checks and certificates that named it intact; photo files purged after
the retention period unless they are evidence elsewhere."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Certificate, Check, ObjectRecord, Photo, RecordChange, StoredSignature
from tests.conftest import PASSWORD
from tests.operations.conftest import another_view, object_photo


@pytest.fixture
def stolen(register):
    """A stolen record of the Museum of Testing with two photos."""
    return register("D-1", [21, 22], status="stolen")


def _sign_in(client, user) -> None:
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("role, allowed", [
    ("anonymous", False), ("dealer", False), ("law_enforcement", False), ("other_registrar", False),
    ("registrar", True), ("admin", True)])
def test_who_may_delete_a_record_on_the_pages_and_the_api(app, stolen, make_user, role, allowed):
    from registry.services.accounts import create_token

    client = app.test_client()
    headers = {}
    if role != "anonymous":
        user = (make_user("registrar", email="other@test.example", institution="Another Museum") if role == "other_registrar"
                else make_user(role))
        _sign_in(client, user)
        headers = {"Authorization": f"Bearer {create_token(user, 't', 'test')}"}
    page = client.post(f"/objects/{stolen.id}/delete", data={"reason": "a duplicate of D-2"})
    api = app.test_client().delete(f"/api/v1/records/{stolen.id}", json={"reason": "a duplicate of D-2"}, headers=headers)
    db.session.expire_all()
    if allowed:
        assert page.status_code == 302 and db.session.get(ObjectRecord, stolen.id).deleted_at is not None
        assert api.status_code == 404  # the page deleted it first: the API finds no record to delete
    else:
        assert page.status_code in (302, 403) and (page.status_code == 403 or "/auth/login" in page.headers["Location"])
        assert api.status_code in (401, 403)
        assert db.session.get(ObjectRecord, stolen.id).deleted_at is None


def test_the_api_deletes_with_a_reason_and_answers_the_tombstone(app, stolen, api_headers):
    headers = api_headers("registrar")
    assert app.test_client().delete(f"/api/v1/records/{stolen.id}", json={}, headers=headers).status_code == 422
    stale = app.test_client().delete(f"/api/v1/records/{stolen.id}", json={"reason": "x"},
                                     headers={**headers, "If-Match": f'"{stolen.id}-{stolen.version + 5}"'})
    assert stale.status_code == 409
    response = app.test_client().delete(f"/api/v1/records/{stolen.id}", json={"reason": "registered twice"}, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["reason"] == "registered twice" and body["deleted_by"].startswith("registrar@test.example")
    assert app.test_client().get(f"/api/v1/records/{stolen.id}", headers=headers).status_code == 404


def test_a_deleted_record_leaves_a_tombstone_and_every_list(app, client, stolen, login_as):
    number = stolen.object_number
    photos = [(p.sha256, p.original_filename) for p in stolen.current_photos]
    login_as("admin")
    sheet_link = f'href="/objects/{stolen.id}"'
    assert sheet_link in client.get("/objects/?q=D-1").get_data(as_text=True)
    form = client.get(f"/objects/{stolen.id}/delete")
    assert form.status_code == 200
    refused = client.post(f"/objects/{stolen.id}/delete", data={"reason": " "})
    assert refused.status_code == 200 and db.session.get(ObjectRecord, stolen.id).deleted_at is None
    assert client.post(f"/objects/{stolen.id}/delete", data={"reason": "entered by mistake"}).status_code == 302

    db.session.expire_all()
    tombstone = db.session.scalar(select(RecordChange).where(RecordChange.action == "deleted"))
    assert tombstone.record_id == stolen.id and tombstone.new_value == "entered by mistake"
    assert tombstone.changed_by.startswith("admin@test.example") and tombstone.changed_at is not None
    last_content = json.loads(tombstone.old_value)
    assert last_content["object_number"] == number and last_content["status"] == "stolen"
    assert [(p["sha256"], p["filename"]) for p in last_content["photos"]] == photos
    assert "entered by mistake" in client.get("/admin/audit").get_data(as_text=True)

    assert client.get(f"/objects/{stolen.id}").status_code == 404
    assert sheet_link not in client.get("/objects/?q=D-1").get_data(as_text=True)
    assert number not in client.get("/feeds/stolen.json").get_data(as_text=True)
    assert client.post(f"/objects/{stolen.id}/delete", data={"reason": "again"}).status_code == 404


def test_the_number_of_a_deleted_record_is_not_used_again(app, stolen):
    from registry.objectid.standard import InvalidRecord
    from registry.services.deletion import delete_record
    from registry.services.objects import create_record

    delete_record(stolen, "duplicate", "test")
    with pytest.raises(InvalidRecord, match="deleted"):
        create_record("Museum of Testing", {"object_number": "D-1", "object_type": "Vase"}, "test")


def test_checks_no_longer_find_a_deleted_record_and_earlier_evidence_stays(app, client, stolen, login_as, check_answer):
    from registry.services.deletion import delete_record

    login_as("law_enforcement")
    query = another_view(21)
    client.post("/check/", data={"photos": [(io.BytesIO(query), "suspect.jpg")]}, content_type="multipart/form-data")
    check = db.session.scalar(select(Check))
    assert check.results[0]["candidates"][0]["record_id"] == stolen.id
    assert client.post(f"/checks/{check.id}/certificate").status_code == 302
    certificate = db.session.scalar(select(Certificate))
    assert check_answer(query)[0][0] == stolen.id  # this process's index holds the record's photos

    delete_record(db.session.get(ObjectRecord, stolen.id), "duplicate", "test")

    assert [c for c in check_answer(query) if c[0] == stolen.id] == []  # the index dropped its photos at once
    shown = client.get(f"/check/{check.id}")
    assert shown.status_code == 200 and "D-1" in shown.get_data(as_text=True)  # the check's evidence is intact
    assert client.get(f"/certificates/{certificate.number}").status_code == 200
    assert client.get(f"/certificates/{certificate.number}.pdf").data.startswith(b"%PDF")
    assert "genuine" in client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True).lower()


def test_photos_are_purged_after_retention_unless_they_are_evidence(app, runner, register, check_answer):
    from registry.services.deletion import delete_record
    from registry.services.photos import media_store

    kept_for_a_check = register("D-2", [23], status="stolen")
    check_answer(object_photo(23))  # the very bytes of D-2's photo submitted in a check: evidence
    purged = register("D-3", [24], status="stolen")
    for record in (kept_for_a_check, purged):
        delete_record(record, "withdrawn by the museum", "test")
    store = media_store()
    purged_photo = purged.photos[0]

    result = runner.invoke(args=["media", "purge-deleted", "--json"])  # default retention: too early
    assert json.loads(result.stdout)["photos"] == 0
    assert store.read("thumb", purged_photo.sha256) and store.read_original(purged_photo.sha256, "jpg")

    dry = json.loads(runner.invoke(args=["media", "purge-deleted", "--days", "0", "--dry-run", "--json"]).stdout)
    assert (dry["photos"], dry["files_removed"]) == (2, 0)
    report = json.loads(runner.invoke(args=["media", "purge-deleted", "--days", "0", "--json"]).stdout)
    assert (report["photos"], report["files_removed"], report["files_kept_as_evidence"]) == (2, 3, 1)
    assert not any(store.storage.exists(key) for key in store.keys_of(purged_photo.sha256))
    evidence = kept_for_a_check.photos[0].sha256
    assert store.read("display", evidence) is not None and store.read_original(evidence, "jpg") is not None
    db.session.expire_all()
    assert db.session.get(Photo, purged_photo.id).purged_at is not None
    assert db.session.scalar(select(StoredSignature).where(StoredSignature.photo_id == purged_photo.id)) is None
    assert db.session.scalar(select(RecordChange).where(RecordChange.action == "photo_purged",
                                                        RecordChange.record_id == purged.id)) is not None
    again = json.loads(runner.invoke(args=["media", "purge-deleted", "--days", "0", "--json"]).stdout)
    assert again["photos"] == 0  # done once
