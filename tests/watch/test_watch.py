"""The standing watch: a record reported lost reaches the authors of earlier checks whose photos match it (dashboard,
and e-mail through a real SMTP server this test starts on loopback), swept after the change commits (inline, in a
background thread, or by `registry watch sweep`) from signatures kept at check time; law enforcement sees its agency's
hits; a user watches an object they checked and is told when its status changes."""

from __future__ import annotations

import io
import json
import time
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image
from skimage import data as skdata
from sqlalchemy import select, update

from registry.extensions import db
from registry.models import Certificate, Check, CheckPhotoSignature, Notification, RecordWatch, User, WatchHit, WatchSweep
from registry.services.objects import change_status, create_record
from registry.services.photos import decode_upload
from registry.services.watch import sweep_pending
from tests.conftest import PASSWORD

COFFEE = Image.fromarray(skdata.coffee())
CHELSEA = Image.fromarray(skdata.chelsea())


@pytest.fixture(autouse=True)
def smtp(app_config, inbox):
    app_config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox[1], SMTP_FROM="watch@registry.test")
    return inbox[0]


def _jpeg(image: Image.Image, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _suspect(image: Image.Image) -> bytes:
    w, h = image.size
    return _jpeg(image.crop((int(w * .06), int(h * .05), int(w * .95), int(h * .93))).resize((430, 290)), 60)


def _api_check(client, headers, image: Image.Image) -> dict:
    response = client.post("/api/v1/checks", headers=headers, data={"photos": (io.BytesIO(_suspect(image)), "suspect.jpg")})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def _register(number: str, status: str, image: Image.Image = COFFEE):
    return create_record("Museum of Testing", {"object_number": number, "object_type": "cup", "title": "A cup"}, "registrar",
                         photos=[decode_upload(_jpeg(image, 92), f"{number}.jpg")], filenames=[f"{number}.jpg"],
                         status_fields={"status": status})


def _notifications(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_a_theft_reported_after_a_check_reaches_its_author_by_dashboard_and_email(app, client, api_headers, smtp):
    headers = api_headers("dealer")
    _api_check(client, headers, COFFEE)  # nothing registered yet: no candidate
    _api_check(client, headers, CHELSEA)
    record = _register("MT-1", "stolen")
    [hit] = db.session.scalars(select(WatchHit)).all()
    check = db.session.get(Check, hit.check_id)
    assert (hit.record_id, hit.status) == (record.id, "stolen") and check.query_photos[0]["kept"]
    [notice] = db.session.scalars(select(Notification).where(Notification.user_id == check.user_id)).all()
    assert f"check #{check.id}" in notice.body and notice.link == f"/objects/{record.id}"
    [(recipients, message)] = smtp.messages
    assert recipients == ["dealer@test.example"] and "may be reported stolen" in message["Subject"]
    assert "MT-1" in message.get_payload()


def test_a_status_change_finds_the_checks_and_law_enforcement_sees_its_agency_hits(app, client, api_headers, make_user, smtp):
    record = _register("MT-2", "inventory")
    _api_check(client, api_headers("law_enforcement", email="one@customs.test", agency="Port Customs"), COFFEE)
    make_user("law_enforcement", email="two@customs.test", agency="Port Customs")
    make_user("law_enforcement", email="three@police.test", agency="City Police")
    change_status(record, {"status": "looted"}, "registrar")
    [hit] = db.session.scalars(select(WatchHit)).all()
    assert (hit.agency, hit.status) == ("Port Customs", "looted")
    for email, sees in (("two@customs.test", True), ("three@police.test", False)):
        client.post("/auth/logout")
        assert client.post("/auth/login", data={"email": email, "password": PASSWORD}).status_code == 302
        page = client.get("/watch/").get_data(as_text=True)
        assert (f"Check #{hit.check_id}" in page) is sees
    assert [m[0] for m in smtp.messages] == [["one@customs.test"]]  # the author only, once
    change_status(record, {"status": "recovered"}, "registrar")
    change_status(record, {"status": "stolen"}, "registrar")
    assert len(db.session.scalars(select(WatchHit)).all()) == 1  # the same check is not hit twice


def test_checks_older_than_the_watch_window_are_not_searched(app, client, api_headers):
    _api_check(client, api_headers("dealer"), COFFEE)
    app.config["WATCH_DAYS"] = 0  # the check was made before the window (which starts now)
    _register("MT-3", "missing")
    assert db.session.scalars(select(WatchHit)).all() == []


def test_an_unrelated_record_reported_lost_hits_no_check(app, client, api_headers, smtp):
    _api_check(client, api_headers("dealer"), COFFEE)
    _register("MT-4", "stolen", CHELSEA)
    assert db.session.scalars(select(WatchHit)).all() == [] and smtp.messages == []


def test_a_user_watches_an_object_they_checked_and_is_told_of_its_status(app, client, login_as, make_user, smtp):
    record = _register("MT-5", "stolen")
    dealer = login_as("dealer")
    response = client.post("/check/", data={"photos": (io.BytesIO(_suspect(COFFEE)), "suspect.jpg")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200 and "Watch this object" in response.get_data(as_text=True)
    assert client.post(f"/watch/records/{record.id}").status_code == 303
    assert db.session.scalars(select(RecordWatch)).one().user_id == dealer.id
    change_status(record, {"status": "recovered"}, "registrar")
    assert any("is now recovered" in n.subject for n in _notifications(dealer))
    assert any("is now recovered" in m["Subject"] for _, m in smtp.messages)

    other = _register("MT-6", "stolen", CHELSEA)  # never checked by this dealer
    client.post(f"/watch/records/{other.id}")
    assert db.session.scalars(select(RecordWatch).where(RecordWatch.record_id == other.id)).all() == []


def _backdate(check_id: int, days: int) -> None:
    """Make a check `days` old (checks are append-only evidence for the app: this is the test's own SQL)."""
    with db.engine.begin() as connection:
        connection.execute(update(Check.__table__).where(Check.__table__.c.id == check_id)
                           .values(created_at=datetime.now(timezone.utc) - timedelta(days=days)))
    db.session.expire_all()


def _dashboard(client, email: str) -> str:
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client.get("/account/").get_data(as_text=True)


def test_last_months_check_is_found_by_cron_from_signatures_kept_at_check_time(app, client, api_headers, smtp):
    """The status change only asks for a sweep; `registry watch sweep` (cron) finds last month's check from the
    signature stored when it was made, tells its author, and leaves a check older than WATCH_DAYS alone."""
    app.config["WATCH_SWEEP"] = "cron"
    _api_check(client, api_headers("dealer", email="recent@test.example"), COFFEE)
    _api_check(client, api_headers("dealer", email="old@test.example"), COFFEE)
    [recent_check, old_check] = db.session.scalars(select(Check).order_by(Check.id)).all()
    sha256 = recent_check.query_photos[0]["sha256"]
    assert db.session.scalar(select(CheckPhotoSignature).where(CheckPhotoSignature.sha256 == sha256)) is not None
    _backdate(recent_check.id, 31)
    _backdate(old_check.id, app.config["WATCH_DAYS"] + 5)
    record = _register("MT-7", "inventory")
    registrar = api_headers("registrar")
    answer = client.post(f"/api/v1/records/{record.id}/status", headers=registrar, json={"status": "stolen"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert db.session.scalars(select(WatchHit)).all() == [] and smtp.messages == []  # not swept in the request
    assert db.session.scalar(select(WatchSweep)).finished_at is None

    result = app.test_cli_runner().invoke(args=["watch", "sweep", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"record_id": record.id, "status": "stolen", "hits": 1, "error": None}
    [hit] = db.session.scalars(select(WatchHit)).all()
    assert (hit.check_id, hit.record_id) == (recent_check.id, record.id)
    [(recipients, message)] = smtp.messages
    assert recipients == ["recent@test.example"] and f"Check #{recent_check.id}" in message["Subject"]
    assert f"check #{recent_check.id}" in _dashboard(client, "recent@test.example")
    assert "may be reported stolen" not in _dashboard(client, "old@test.example")
    assert app.test_cli_runner().invoke(args=["watch", "sweep"]).output.strip() == "nothing to sweep"


def test_the_host_that_changed_the_status_sweeps_in_the_background(app, client, api_headers, smtp):
    app.config["WATCH_SWEEP"] = "thread"
    _api_check(client, api_headers("dealer"), COFFEE)
    check = db.session.scalar(select(Check))
    _backdate(check.id, 30)
    _register("MT-8", "stolen")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        db.session.rollback()  # see what the sweeping thread committed (its e-mail leaves just after its commit)
        if db.session.scalar(select(WatchSweep.finished_at)) is not None and smtp.messages:
            break
        time.sleep(0.2)
    [hit] = db.session.scalars(select(WatchHit)).all()
    assert hit.check_id == check.id and [m[0] for m in smtp.messages] == [["dealer@test.example"]]


def test_a_sweep_claimed_by_another_host_is_left_to_it_until_its_claim_is_stale(app, client, api_headers):
    app.config["WATCH_SWEEP"] = "cron"
    _api_check(client, api_headers("dealer"), COFFEE)
    _register("MT-9", "missing")
    sweep = db.session.scalar(select(WatchSweep))
    sweep.started_at, sweep.attempts = datetime.now(timezone.utc), 1  # another host is sweeping it
    db.session.commit()
    assert sweep_pending() == [] and db.session.scalars(select(WatchHit)).all() == []
    sweep.started_at = datetime.now(timezone.utc) - timedelta(minutes=app.config["WATCH_SWEEP_STALE_MINUTES"] + 1)
    db.session.commit()  # that host died mid-sweep
    [done] = sweep_pending()
    assert (done.hits, done.attempts, done.error) == (1, 2, "") and len(db.session.scalars(select(WatchHit)).all()) == 1


def test_cli_checks_are_watched_too_and_one_made_for_an_account_tells_it(app, make_user, tmp_path, smtp):
    officer = make_user("law_enforcement", email="officer@customs.test", agency="Port Customs")
    photo = tmp_path / "suspect.jpg"
    photo.write_bytes(_suspect(COFFEE))
    runner = app.test_cli_runner()
    for extra in ((), ("--user", "officer@customs.test")):
        result = runner.invoke(args=["match", str(photo), "--json", *extra])
        assert result.exit_code == 0, result.output
    assert "no active account" in runner.invoke(args=["match", str(photo), "--user", "nobody@test.example"]).output
    [anonymous, for_officer] = db.session.scalars(select(Check).order_by(Check.id)).all()
    assert anonymous.channel == "cli" and not anonymous.query_photos[0]["kept"]  # the operator's file is not kept...
    record = _register("MT-10", "looted")  # ...its signature is
    hits = {hit.check_id: hit for hit in db.session.scalars(select(WatchHit))}
    assert (hits[anonymous.id].user_id, hits[for_officer.id].user_id) == (None, officer.id)
    assert hits[for_officer.id].agency == "Port Customs" and hits[for_officer.id].record_id == record.id
    assert [m[0] for m in smtp.messages] == [["officer@customs.test"]]


def test_a_certified_check_gets_one_notice_the_certificates(app, client, login_as, smtp):
    """Certificate alerts go through the same sweep: the holder is told once, in the certificate's words, by e-mail too."""
    dealer = login_as("dealer")
    client.post("/check/", data={"photos": (io.BytesIO(_suspect(COFFEE)), "suspect.jpg")}, content_type="multipart/form-data")
    check = db.session.scalar(select(Check))
    assert client.post(f"/checks/{check.id}/certificate").status_code in (302, 303)
    certificate = db.session.scalar(select(Certificate))
    _register("MT-11", "stolen")
    [notice] = _notifications(dealer)
    assert certificate.number in notice.subject and notice.details["check_id"] == check.id
    assert db.session.scalar(select(WatchHit)).check_id == check.id  # still a hit of the check (its agency's view)
    [(recipients, message)] = smtp.messages
    assert recipients == [dealer.email] and certificate.number in message["Subject"]


def _subject(message) -> str:
    from email.header import decode_header, make_header

    return str(make_header(decode_header(message["Subject"])))


def test_notices_and_e_mails_are_in_the_language_each_user_chose(app, client, make_user, smtp):
    """Sweeps run outside the users' requests: each author is told in the language they last chose on the pages
    (or signed in with), the others in English."""
    for email, accept in (("fr@test.example", "fr-FR,fr;q=0.9"), ("en@test.example", "en"), ("ar@test.example", "en")):
        make_user("dealer", email=email)
        client.post("/auth/logout")
        assert client.post("/auth/login", data={"email": email, "password": PASSWORD},
                           headers={"Accept-Language": accept}).status_code == 302
        if email.startswith("ar"):
            assert client.get("/account/?lang=ar").status_code == 200  # the language switch, once signed in
        client.post("/check/", data={"photos": (io.BytesIO(_suspect(COFFEE)), "suspect.jpg")},
                    content_type="multipart/form-data")
    client.post("/auth/logout")
    _register("MT-12", "stolen")
    mails = {recipients[0]: message for recipients, message in smtp.messages}
    assert set(mails) == {"fr@test.example", "ar@test.example", "en@test.example"}
    assert "peut-être signalé volé" in _subject(mails["fr@test.example"])
    assert "ne le déplacez pas" in mails["fr@test.example"].get_payload(decode=True).decode()
    assert "مسروق" in _subject(mails["ar@test.example"]) or "مسروقة" in _subject(mails["ar@test.example"])
    assert "may be reported stolen" in _subject(mails["en@test.example"])
    fr_user = db.session.scalar(select(User).where(User.email == "fr@test.example"))
    [notice] = _notifications(fr_user)
    assert notice.subject == _subject(mails["fr@test.example"]) and "MT-12" in notice.body


def test_a_watcher_is_told_of_a_status_change_in_their_language(app, client, login_as, smtp):
    record = _register("MT-13", "stolen")
    dealer = login_as("dealer")
    assert client.get("/account/?lang=es").status_code == 200
    client.post("/check/", data={"photos": (io.BytesIO(_suspect(COFFEE)), "suspect.jpg")}, content_type="multipart/form-data")
    assert client.post(f"/watch/records/{record.id}").status_code == 303
    change_status(record, {"status": "recovered"}, "registrar")
    [(_, message)] = [m for m in smtp.messages if "MT-13" in _subject(m[1])]
    assert _subject(message) == "Objeto vigilado: MT-13 está ahora recuperado"
    assert db.session.get(User, dealer.id).language == "es"
