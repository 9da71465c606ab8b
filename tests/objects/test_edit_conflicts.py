"""Two people editing one record from the same version: the second is told (409), and the first's change is kept."""

import io
import re

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import ObjectRecord, Photo, RecordChange


@pytest.fixture(autouse=True)
def signed_in_admin(login_as):
    """These tests act as an administrator, who may edit any record."""
    return login_as("admin")


@pytest.fixture
def record(client, record_fields) -> ObjectRecord:
    response = client.post("/objects/new", data=record_fields(), content_type="multipart/form-data")
    assert response.status_code == 302
    return db.session.scalar(select(ObjectRecord).where(ObjectRecord.object_number == "T-001"))


def _version_in(page: str) -> str:
    return re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', page).group(1)


def _edit(client, record, record_fields, version, **changes):
    data = {**record_fields(**changes), "version": version}
    return client.post(f"/objects/{record.id}/edit", data=data, content_type="multipart/form-data")


def _updates(record, field: str) -> list[RecordChange]:
    return db.session.scalars(select(RecordChange).where(RecordChange.record_id == record.id, RecordChange.action == "updated",
                                                         RecordChange.field == field)).all()


def test_second_edit_from_the_same_version_is_refused_and_the_first_kept(client, record, record_fields):
    version = _version_in(client.get(f"/objects/{record.id}/edit").get_data(as_text=True))
    assert version == "1"
    first = _edit(client, record, record_fields, version, title="Bronze worshipper")
    assert first.status_code == 302
    second = _edit(client, record, record_fields, version, title="Praying figure", maker="Unknown workshop")
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Nothing you sent was saved" in page and "you started from version 1; it is now at version 2" in page
    # per field: what this person sent, and what the record holds now
    assert re.search(r"Title</th>\s*<td[^>]*>Praying figure</td>\s*<td[^>]*>Bronze worshipper</td>", page)
    assert re.search(r"Maker</th>\s*<td[^>]*>Unknown workshop</td>\s*<td[^>]*>—</td>", page)
    assert "Materials</th>" not in page  # the same in both: not listed
    assert f'href="/objects/{record.id}/edit"' in page
    db.session.expire_all()
    assert (record.title, record.maker, record.version) == ("Bronze worshipper", "", 2)
    assert [(c.old_value, c.new_value) for c in _updates(record, "title")] == [("Standing worshipper", "Bronze worshipper")]
    assert not _updates(record, "maker")
    # starting again from the current record works
    restart = client.get(f"/objects/{record.id}/edit").get_data(as_text=True)
    assert _version_in(restart) == "2" and "Bronze worshipper" in restart
    assert _edit(client, record, record_fields, "2", title="Praying figure").status_code == 302


def test_stale_edit_adds_none_of_its_photos(client, record, record_fields, make_image, save_elsewhere):
    save_elsewhere(record.id, description="Changed by a colleague.")
    data = {**record_fields(title="New title"), "version": "1", "photos": [(io.BytesIO(make_image(4)), "new.jpg")]}
    response = client.post(f"/objects/{record.id}/edit", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "The photos you chose were not added either." in page
    assert "Changed by a colleague." in page and "A small bronze figure." in page
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    db.session.expire_all()
    assert record.title == "Standing worshipper" and record.description == "Changed by a colleague."


def test_edit_that_loses_the_race_inside_the_server_is_a_409(client, record, record_fields, save_elsewhere, monkeypatch):
    """The form's version matched when read, but another request saved before this one's UPDATE (StaleDataError)."""
    from registry.services import objects

    normalise = objects.normalise_fields

    def saved_meanwhile(fields):
        monkeypatch.setattr(objects, "normalise_fields", normalise)
        save_elsewhere(record.id, title="Saved meanwhile")
        return normalise(fields)

    monkeypatch.setattr(objects, "normalise_fields", saved_meanwhile)
    response = _edit(client, record, record_fields, "1", title="Mine")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert re.search(r"Title</th>\s*<td[^>]*>Mine</td>\s*<td[^>]*>Saved meanwhile</td>", page)
    db.session.expire_all()
    assert record.title == "Saved meanwhile" and not _updates(record, "title")


def test_status_reports_from_the_same_version(client, record):
    version = _version_in(client.get(f"/objects/{record.id}/status").get_data(as_text=True))
    first = client.post(f"/objects/{record.id}/status", data={"status": "stolen", "case_reference": "PJ-1", "version": version})
    assert first.status_code == 302
    second = client.post(f"/objects/{record.id}/status", data={"status": "missing", "case_reference": "PJ-2", "version": version})
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert re.search(r"Police / case reference</th>\s*<td[^>]*>PJ-2</td>\s*<td[^>]*>PJ-1</td>", page)
    assert re.search(r"Status</th>\s*<td[^>]*>Missing</td>\s*<td[^>]*>Stolen</td>", page)
    assert f'href="/objects/{record.id}/status"' in page
    db.session.expire_all()
    assert (record.status, record.case_reference) == ("stolen", "PJ-1")
    assert [(c.old_value, c.new_value) for c in record.changes if c.field == "status"] == [("inventory", "stolen")]


def test_a_form_without_a_version_is_still_saved(client, record, record_fields):
    """Forms opened before versions existed carry none: they write over the current version, as before."""
    assert client.post(f"/objects/{record.id}/edit", data=record_fields(title="No version"), content_type="multipart/form-data").status_code == 302
    assert client.post(f"/objects/{record.id}/status", data={"status": "stolen"}).status_code == 302
    db.session.expire_all()
    assert (record.title, record.status, record.version) == ("No version", "stolen", 3)


def test_conflict_page_in_french(client, record, record_fields, save_elsewhere):
    client.get("/objects/?lang=fr")
    save_elsewhere(record.id, title="Titre d’un collègue")
    page = _edit(client, record, record_fields, "1", title="Mon titre").get_data(as_text=True)
    assert "Rien de ce que vous avez envoyé n’a été enregistré" in page
    assert "Recommencer à partir de la notice actuelle" in page
    assert "Mon titre" in page and "Titre d’un collègue" in page
