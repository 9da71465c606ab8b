"""Registering, viewing, editing, reporting and searching records through the pages."""

import io
import re

import pytest

from sqlalchemy import select

from registry.extensions import db
from registry.models import ObjectRecord, Photo, RecordChange


@pytest.fixture(autouse=True)
def signed_in_admin(login_as):
    """These tests act as an administrator, who may register for any institution."""
    return login_as("admin")


def _register(client, record_fields, photos=(), **overrides):
    data = record_fields(**overrides)
    data["photos"] = [(io.BytesIO(content), name) for content, name in photos]
    return client.post("/objects/new", data=data, content_type="multipart/form-data")


def _record(object_number="T-001") -> ObjectRecord:
    return db.session.scalar(select(ObjectRecord).where(ObjectRecord.object_number == object_number))


def test_register_with_photos_shows_the_object_id_sheet(client, record_fields, make_image):
    response = _register(client, record_fields, photos=[(make_image(1), "front.jpg"), (make_image(2, "PNG"), "back.png")])
    assert response.status_code == 302
    record = _record()
    assert record.height_cm == 23.0
    assert (record.year_from, record.year_to) == (-800, -701)
    assert [p.original_filename for p in record.current_photos] == ["front.jpg", "back.png"]
    sheet = client.get(response.headers["Location"]).get_data(as_text=True)
    for text in ("Statuette", "bronze", "lost-wax cast", "Dedication on the base", "Left foot missing", "Standing worshipper", "8th century BC", "Museum of Testing"):
        assert text in sheet
    thumb = re.search(r'/media/display/[0-9a-f]{64}\.jpg', sheet).group(0)
    served = client.get(thumb)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    served.close()


def test_missing_required_fields_are_reported_beside_the_field(client, record_fields):
    response = _register(client, record_fields, object_type="", object_number="")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('class="error"') >= 2
    assert db.session.scalar(select(ObjectRecord)) is None


def test_bad_measurement_and_year_range_are_rejected(client, record_fields):
    response = _register(client, record_fields, height="-3", year_from="1900", year_to="1800")
    page = response.get_data(as_text=True)
    assert "Enter a positive number." in page
    assert "The latest year comes before the earliest year." in page
    assert _record() is None


def test_rejected_photo_saves_nothing(client, record_fields, make_image):
    response = _register(client, record_fields, photos=[(make_image(1), "ok.jpg"), (b"not an image at all", "evil.jpg")])
    assert response.status_code == 200
    assert "evil.jpg: this is not an image file" in response.get_data(as_text=True)
    assert _record() is None
    assert db.session.scalar(select(Photo)) is None


def test_object_number_is_unique_per_institution(client, record_fields):
    _register(client, record_fields)
    response = _register(client, record_fields)
    assert "already registered by Museum of Testing" in response.get_data(as_text=True)
    assert _register(client, record_fields, institution="Another Museum").status_code == 302
    assert len(db.session.scalars(select(ObjectRecord)).all()) == 2


def test_measurements_entered_in_other_units_are_normalised(client, record_fields):
    _register(client, record_fields, measurements_text="", height="250", length_unit="mm", weight="500", weight_unit="g")
    record = _record()
    assert record.height_cm == 25.0 and record.weight_kg == 0.5
    assert "250 mm (25 cm)" in client.get(f"/objects/{record.id}").get_data(as_text=True)


def test_edit_writes_each_change_to_history(client, record_fields, make_image):
    _register(client, record_fields)
    record = _record()
    data = record_fields(title="Bronze worshipper", materials="bronze, silver inlay")
    data["photos"] = [(io.BytesIO(make_image(9)), "new.jpg")]
    response = client.post(f"/objects/{record.id}/edit", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    changes = {c.field: c for c in db.session.scalars(select(RecordChange).where(RecordChange.action == "updated"))}
    assert set(changes) == {"title", "materials"}
    assert (changes["title"].old_value, changes["title"].new_value) == ("Standing worshipper", "Bronze worshipper")
    assert changes["title"].changed_by == "admin@test.example (admin)"
    assert changes["title"].ip == "127.0.0.1"
    history = client.get(f"/objects/{record.id}/history").get_data(as_text=True)
    assert "Bronze worshipper" in history and "photo added" in history and "created" in history


def test_edit_form_is_prefilled_in_the_entered_unit(client, record_fields):
    _register(client, record_fields, measurements_text="", height="10", length_unit="in")
    page = client.get(f"/objects/{_record().id}/edit").get_data(as_text=True)
    assert 'value="10.0"' in page or 'value="10"' in page


def test_report_stolen_then_recovered(client, record_fields):
    _register(client, record_fields)
    record = _record()
    response = client.post(f"/objects/{record.id}/status", data={
        "status": "stolen", "loss_date": "2025-03-14", "loss_place": "Gallery 4", "case_reference": "PJ-2025-77", "loss_notes": "Display case forced",
    })
    assert response.status_code == 302
    assert record.status == "stolen" and record.case_reference == "PJ-2025-77"
    sheet = client.get(f"/objects/{record.id}").get_data(as_text=True)
    assert "PJ-2025-77" in sheet and "Gallery 4" in sheet
    client.post(f"/objects/{record.id}/status", data={"status": "recovered", "loss_date": "2025-03-14", "case_reference": "PJ-2025-77"})
    statuses = [(c.old_value, c.new_value) for c in record.changes if c.field == "status"]
    assert statuses == [("inventory", "stolen"), ("stolen", "recovered")]


def test_loss_date_in_the_future_is_refused(client, record_fields):
    _register(client, record_fields)
    record = _record()
    response = client.post(f"/objects/{record.id}/status", data={"status": "stolen", "loss_date": "2999-01-01"})
    assert "cannot be in the future" in response.get_data(as_text=True)
    assert record.status == "inventory"


def test_removed_photo_is_kept_as_evidence(client, record_fields, make_image):
    _register(client, record_fields, photos=[(make_image(1), "a.jpg"), (make_image(2), "b.jpg")])
    record = _record()
    photo = record.current_photos[0]
    assert client.post(f"/objects/{record.id}/photos/{photo.id}/remove").status_code == 302
    db.session.refresh(record)
    assert [p.original_filename for p in record.current_photos] == ["b.jpg"]
    assert photo.removed_at is not None and db.session.get(Photo, photo.id) is not None
    assert any(c.action == "photo_removed" for c in record.changes)


def test_search_by_text_type_material_status_date_and_institution(client, record_fields):
    _register(client, record_fields, object_number="A1", object_type="Cylinder seal", materials="chlorite", date_period="2300-2100 BC", title="Seal with a presentation scene")
    _register(client, record_fields, object_number="A2", object_type="Vase", materials="terracotta", date_period="5th century BC", status="stolen", title="Banquet vase")
    _register(client, record_fields, object_number="B1", object_type="Painting", materials="oil on canvas", date_period="1895", institution="City Gallery", title="Portrait of a cat")

    def found(**args):
        page = client.get("/objects/", query_string=args).get_data(as_text=True)
        return sorted(set(re.findall(r"Museum of Testing · (\w+)|City Gallery · (\w+)", page)))

    def numbers(**args):
        return sorted(a or b for a, b in found(**args))

    assert numbers() == ["A1", "A2", "B1"]
    assert numbers(q="presentation seal") == ["A1"]
    assert numbers(object_type="vase") == ["A2"]
    assert numbers(material="canvas") == ["B1"]
    assert numbers(status="stolen") == ["A2"]
    assert numbers(year_from="-2500", year_to="-2000") == ["A1"]
    assert numbers(year_from="1800") == ["B1"]
    city = db.session.scalar(select(ObjectRecord).where(ObjectRecord.object_number == "B1")).institution_id
    assert numbers(institution=str(city)) == ["B1"]
    assert numbers(q="100%_") == []


def test_search_paginates(app, client, record_fields):
    app.config["RECORDS_PER_PAGE"] = 2
    for n in range(5):
        _register(client, record_fields, object_number=f"P{n}")
    first = client.get("/objects/").get_data(as_text=True)
    assert "Page 1 of 3" in first and "5 records found" in first
    assert "Page 3 of 3" in client.get("/objects/?page=3").get_data(as_text=True)


def test_unknown_record_is_404_in_html_and_json(client):
    assert client.get("/objects/12345").status_code == 404
    response = client.get("/objects/12345", headers={"Accept": "application/json"})
    assert response.status_code == 404 and "error" in response.get_json()


def test_pages_are_built_for_phone_screens(client):
    page = client.get("/objects/new").get_data(as_text=True)
    assert 'name="viewport"' in page and 'accept="image/*"' in page


def test_forms_require_a_csrf_token(app, client, record_fields):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/objects/new", data=record_fields())
    assert response.status_code == 400
    assert db.session.scalar(select(ObjectRecord)) is None



def test_service_refuses_a_negative_measurement_naming_the_field(app):
    from registry.objectid.standard import InvalidRecord
    from registry.services.objects import normalise_fields

    with pytest.raises(InvalidRecord) as refused:
        normalise_fields({"object_number": "N-1", "object_type": "Vase", "weight_kg": -2.0})
    assert str(refused.value) == "weight must be a positive number" and refused.value.field == "weight_kg"


def test_the_registration_page_asks_for_several_views_and_the_sheet_counts_them(client, record_fields, make_image):
    form = client.get("/objects/new").get_data(as_text=True)
    assert "three-quarter view from each side" in form and "registered view nearest to that side" in form
    response = _register(client, record_fields, photos=[(make_image(1), "front.jpg"), (make_image(2), "back.jpg")])
    sheet = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Views photographed: 2" in sheet and "Three or more views" in sheet
    record = _record()
    client.post(f"/objects/{record.id}/edit", content_type="multipart/form-data",
                data={**record_fields(), "version": record.version, "photos": [(io.BytesIO(make_image(3)), "side.jpg")]})
    sheet = client.get(f"/objects/{record.id}").get_data(as_text=True)
    assert "Views photographed: 3" in sheet and "Three or more views" not in sheet
    french = client.get(f"/objects/{record.id}?lang=fr").get_data(as_text=True)
    assert "Vues photographiées : 3" in french


def _served(client, url: str) -> int:
    response = client.get(url)
    response.close()
    return response.status_code


def test_a_removed_photo_is_no_longer_served_but_to_those_who_read_the_history(client, record_fields, make_image, login_as):
    _register(client, record_fields, photos=[(make_image(1), "a.jpg"), (make_image(2), "b.jpg")], status="stolen")
    record = _record()
    removed, kept = record.current_photos
    display = {photo: f"/media/display/{photo.sha256}.jpg" for photo in (removed, kept)}
    assert client.post(f"/objects/{record.id}/photos/{removed.id}/remove").status_code == 302
    assert _served(client, display[removed]) == 200  # the admin may read the history: the evidence stays reachable
    anonymous = client.application.test_client()
    assert _served(anonymous, display[kept]) == 200  # a published record's photo stays public
    assert _served(anonymous, display[removed]) == 404
    assert _served(anonymous, f"/media/thumb/{removed.sha256}.jpg") == 404
    dealer = client.application.test_client()
    user = login_as("dealer")  # may see the published record, not its history
    assert dealer.post("/auth/login", data={"email": user.email, "password": "correct horse battery staple"}).status_code == 302
    assert _served(dealer, display[removed]) == 404
    assert _served(dealer, display[kept]) == 200
