"""A registrar's photo search before registering an object: the check's engine over every status, within what the role
may see, logged as a pre-registration lookup (no certificate, no agency), with real JPEG files."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from registry.demo.images import draw_object
from registry.extensions import db
from registry.models import Check
from registry.services.objects import create_record
from registry.services.photos import decode_upload


def _jpeg(seed: int, shape: str) -> bytes:
    buffer = io.BytesIO()
    draw_object(seed, shape, "bronze").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


OWN, HIDDEN, PUBLISHED = _jpeg(81, "statuette"), _jpeg(82, "vase"), _jpeg(83, "bowl")


@pytest.fixture
def collections(app):
    """Museum of Testing's inventory record; Other Museum's inventory record and its stolen record, each photographed."""
    for institution, number, photo, status in (("Museum of Testing", "OWN-1", OWN, "inventory"),
                                               ("Other Museum", "HIDDEN-1", HIDDEN, "inventory"),
                                               ("Other Museum", "PUB-1", PUBLISHED, "stolen")):
        create_record(institution, {"object_number": number, "object_type": "Figure"}, "test",
                      photos=[decode_upload(photo, f"{number}.jpg")], filenames=[f"{number}.jpg"], status_fields={"status": status})


def _look_up(client, photo: bytes, name: str = "new-object.jpg"):
    return client.post("/objects/lookup", data={"photos": [(io.BytesIO(photo), name)]}, content_type="multipart/form-data")


def test_a_registrar_finds_its_own_inventory_and_published_records_but_not_another_institutions_inventory(
        client, login_as, collections):
    registrar = login_as("registrar")
    assert "Is it already registered? Search by photo" in client.get("/objects/").get_data(as_text=True)
    assert "/objects/lookup" in client.get("/objects/new").get_data(as_text=True)
    own = _look_up(client, OWN).get_data(as_text=True)
    assert "OWN-1" in own and "Museum of Testing" in own and "match" in own.lower()
    published = _look_up(client, PUBLISHED).get_data(as_text=True)
    assert "PUB-1" in published and "Other Museum" in published
    hidden = _look_up(client, HIDDEN).get_data(as_text=True)
    assert "HIDDEN-1" not in hidden and "not registered yet" in hidden  # another institution's inventory stays hidden

    lookups = db.session.scalars(select(Check).order_by(Check.id)).all()
    assert [c.channel for c in lookups] == ["lookup"] * 3
    assert all(c.all_statuses and c.user_id == registrar.id and c.agency == "" for c in lookups)
    assert all(not photo.get("kept") for photo in lookups[0].query_photos)  # compared, not kept
    # a lookup is no due-diligence check: no certificate
    refused = client.post(f"/checks/{lookups[0].id}/certificate")
    assert refused.status_code == 403 and "pre-registration lookup" in refused.get_data(as_text=True)
    assert "pre-registration lookup" in client.get("/check/log").get_data(as_text=True)


def test_an_admin_sees_every_record_and_the_audit_calls_it_a_lookup(client, login_as, collections):
    login_as("admin")
    assert "HIDDEN-1" in _look_up(client, HIDDEN).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(client.get("/admin/audit.csv").get_data(as_text=True))))
    [row] = [r for r in rows if r["target_type"] == "check"]
    assert row["action"] == "pre_registration_lookup" and row["verdict"] == "match" and "HIDDEN-1" in row["top_record"]


@pytest.mark.parametrize("role", ["dealer", "law_enforcement"])
def test_other_roles_may_not_use_it(client, login_as, collections, role):
    login_as(role)
    assert _look_up(client, OWN).status_code == 403
    assert "Search by photo" not in client.get("/objects/").get_data(as_text=True)
    assert db.session.scalar(select(Check)) is None


def test_a_visitor_is_sent_to_sign_in(client, collections):
    answer = client.get("/objects/lookup")
    assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"]


def test_a_file_that_is_not_a_photo_is_refused_clearly(client, login_as, collections):
    login_as("registrar")
    page = _look_up(client, b"%PDF-1.4 not a photo", "scan.pdf").get_data(as_text=True)
    assert 'role="alert"' in page and db.session.scalar(select(Check)) is None
    assert "Add at least one photo of the object." in client.post("/objects/lookup", data={}).get_data(as_text=True)
