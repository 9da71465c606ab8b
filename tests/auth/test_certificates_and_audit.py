"""Due-diligence certificates (issue, verify, tamper, PDF, later alert) and the admin's audit export."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select, update

from registry.demo.images import draw_object
from registry.extensions import db
from registry.models import Certificate, CertificateAlert, Check, Notification
from registry.services.objects import change_status, create_record
from registry.services.photos import decode_upload


def _jpeg(seed: int, shape: str = "statuette") -> bytes:
    buffer = io.BytesIO()
    draw_object(seed, shape, "bronze").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _check_and_certify(client, photo: bytes) -> Certificate:
    client.post("/check/", data={"photos": [(io.BytesIO(photo), "lot-17.jpg")], "description": "bronze figure"},
                content_type="multipart/form-data")
    check = db.session.scalars(select(Check).order_by(Check.id.desc())).first()
    response = client.post(f"/checks/{check.id}/certificate")
    assert response.status_code == 302
    return db.session.scalar(select(Certificate).where(Certificate.check_id == check.id))


def test_dealer_issues_a_certificate_that_anyone_can_verify(client, login_as, app):
    login_as("dealer")
    certificate = _check_and_certify(client, _jpeg(61))
    assert certificate.number.startswith("DD-")
    page = client.get(f"/certificates/{certificate.number}").get_data(as_text=True)
    for text in ("Test Auctions", "lot-17.jpg", certificate.verification_code, "no match", "bronze figure"):
        assert text.lower() in page.lower()
    pdf = client.get(f"/certificates/{certificate.number}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    for lang in ("fr", "es", "ar"):
        translated = client.get(f"/certificates/{certificate.number}.pdf?lang={lang}")
        assert translated.status_code == 200 and translated.data.startswith(b"%PDF") and translated.data != pdf.data
    anonymous = app.test_client()
    verified = anonymous.get(f"/verify/{certificate.verification_code}")
    assert verified.status_code == 200 and "Genuine and unaltered" in verified.get_data(as_text=True)
    assert anonymous.get("/verify/0000deadbeef").status_code == 404
    assert anonymous.get(f"/certificates/{certificate.number}").status_code in (302, 404)


def test_a_tampered_certificate_is_detected(client, login_as, app):
    login_as("dealer")
    certificate = _check_and_certify(client, _jpeg(62))
    forged = dict(certificate.content, outcome="no_match", holder={**certificate.content["holder"], "name": "Someone Else"})
    # Straight to the database, as an attacker with database access would (the ORM refuses to change evidence).
    db.session.execute(update(Certificate.__table__).where(Certificate.__table__.c.id == certificate.id).values(content=forged))
    db.session.commit()
    db.session.expire_all()
    response = app.test_client().get(f"/verify/{certificate.verification_code}")
    assert response.status_code == 409 and "Altered" in response.get_data(as_text=True)


def test_a_certificate_is_only_for_ones_own_check(client, login_as, app):
    login_as("dealer")
    client.post("/check/", data={"photos": [(io.BytesIO(_jpeg(63)), "a.jpg")]}, content_type="multipart/form-data")
    check = db.session.scalar(select(Check))
    other = app.test_client()
    from registry.services.accounts import create_user

    create_user("other@test.example", "Other", "dealer", "another long password", "test")
    other.post("/auth/login", data={"email": "other@test.example", "password": "another long password"})
    assert other.post(f"/checks/{check.id}/certificate").status_code == 404
    assert db.session.scalar(select(Certificate)) is None


def test_holder_is_alerted_when_the_object_is_later_reported_stolen(client, login_as):
    login_as("dealer")
    photo = _jpeg(64)
    certificate = _check_and_certify(client, photo)
    assert certificate.content["outcome"] == "no_match"
    record = create_record("Museum of Testing", {"object_number": "LATE-1", "object_type": "Statuette"}, "test",
                           photos=[decode_upload(_jpeg(64), "reg.jpg")], filenames=["reg.jpg"], status_fields={"status": "inventory"})
    assert db.session.scalar(select(CertificateAlert)) is None
    change_status(record, {"status": "stolen"}, "test")
    alert = db.session.scalar(select(CertificateAlert))
    assert alert.certificate_id == certificate.id and alert.record_id == record.id
    notification = db.session.scalar(select(Notification))
    assert certificate.number in notification.subject
    dashboard = client.get("/account/").get_data(as_text=True)
    assert certificate.number in dashboard and "stolen" in dashboard
    assert "matches the checked photos" in client.get(f"/certificates/{certificate.number}").get_data(as_text=True)
    change_status(record, {"status": "recovered"}, "test")
    change_status(record, {"status": "stolen"}, "test")
    assert len(db.session.scalars(select(CertificateAlert)).all()) == 1


def test_an_unrelated_stolen_record_raises_no_alert(client, login_as):
    login_as("dealer")
    _check_and_certify(client, _jpeg(65))
    create_record("Museum of Testing", {"object_number": "OTHER-1", "object_type": "Vase"}, "test",
                  photos=[decode_upload(_jpeg(66, "vase"), "v.jpg")], filenames=["v.jpg"], status_fields={"status": "stolen"})
    assert db.session.scalar(select(CertificateAlert)) is None


def test_law_enforcement_sees_its_agencys_checks_only(app, client, login_as, make_user):
    officer = login_as("law_enforcement")
    client.post("/check/", data={"photos": [(io.BytesIO(_jpeg(67)), "raid.jpg")]}, content_type="multipart/form-data")
    check = db.session.scalar(select(Check))
    assert check.user_id == officer.id and check.agency == "Test Customs"
    colleague = make_user("law_enforcement", email="colleague@test.example")
    outsider = make_user("law_enforcement", email="outsider@test.example", agency="Other Police")
    for user, visible in ((colleague, True), (outsider, False)):
        other = app.test_client()
        other.post("/auth/login", data={"email": user.email, "password": "correct horse battery staple"})
        assert (other.get(f"/check/{check.id}").status_code == 200) == visible
        assert (f'href="/check/{check.id}"' in other.get("/check/log").get_data(as_text=True)) == visible


def test_admin_exports_the_audit_trail(client, login_as, make_user):
    make_user("dealer")
    create_record("Museum of Testing", {"object_number": "AU-1", "object_type": "Vase"}, "test")
    login_as("admin")
    exported = json.loads(client.get("/admin/audit.json").data)
    actions = {row["action"] for row in exported}
    assert {"user_created", "created", "signed_in"} <= actions
    assert all({"at", "actor", "ip", "old_value", "new_value"} <= set(row) for row in exported)
    rows = list(csv.DictReader(io.StringIO(client.get("/admin/audit.csv").get_data(as_text=True))))
    assert len(rows) == len(exported)
    assert "user_created" in client.get("/admin/audit").get_data(as_text=True)
