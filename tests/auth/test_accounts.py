"""Signing in, lockout, rate limiting, two-factor codes, API tokens, per-role record visibility, headers."""

from __future__ import annotations

import io
import re

import pyotp
import pytest
from sqlalchemy import select

from registry.demo.images import draw_object
from registry.extensions import db
from registry.models import ApiToken, AuditEvent, ObjectRecord, RecordChange
from registry.models.guards import EvidenceIsAppendOnly
from registry.services.objects import create_record
from registry.services.photos import decode_upload
from tests.conftest import PASSWORD

FAILED = "E-mail, password or code is not right"


def _login(client, email, password=PASSWORD, code=""):
    return client.post("/auth/login", data={"email": email, "password": password, "code": code})


def test_sign_in_and_out(client, make_user):
    user = make_user("dealer")
    response = _login(client, "  DEALER@test.example ")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/")
    assert "Test Auctions" in client.get("/account/").get_data(as_text=True)
    client.post("/auth/logout")
    assert client.get("/account/").status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signed_in", AuditEvent.target_id == user.id))


def _copy_of_session(app, client):
    """Another browser holding a copy of ``client``'s session cookie (stolen, or left on a shared computer)."""
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)
    return thief


def test_a_copied_session_cookie_stops_working_when_its_owner_signs_out(app, client, make_user):
    make_user("dealer")
    _login(client, "dealer@test.example")
    thief = _copy_of_session(app, client)
    assert thief.get("/account/").status_code == 200
    client.post("/auth/logout")
    assert thief.get("/account/").status_code == 302
    assert client.get("/account/").status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signed_out"))
    assert _login(client, "dealer@test.example").status_code == 302  # signing in again works
    assert client.get("/account/").status_code == 200


def test_a_password_change_ends_every_other_session_but_not_the_one_that_made_it(app, client, make_user):
    make_user("dealer")
    _login(client, "dealer@test.example")
    other_browser = app.test_client()
    _login(other_browser, "dealer@test.example")
    thief = _copy_of_session(app, client)
    new = "a much longer passphrase 2026"
    changed = client.post("/account/password", data={"current": PASSWORD, "new": new, "repeat": new})
    assert changed.status_code == 302
    assert client.get("/account/").status_code == 200
    assert thief.get("/account/").status_code == 302
    assert other_browser.get("/account/").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    make_user("dealer")
    wrong = _login(client, "dealer@test.example", "wrong password!!")
    unknown = _login(client, "nobody@test.example", "wrong password!!")
    assert wrong.status_code == unknown.status_code == 200
    assert FAILED in wrong.get_data(as_text=True) and FAILED in unknown.get_data(as_text=True)


def test_login_is_rate_limited(app, client, make_user):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        _login(client, "someone@test.example", "wrong password!!")
    assert _login(client, "someone@test.example", "wrong password!!").status_code == 429


def test_passwords_are_hashed_with_a_current_algorithm(make_user):
    user = make_user("admin")
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:sha256:600000", "argon2"))
    assert PASSWORD not in user.password_hash


def test_two_factor_sign_in(client, make_user):
    user = make_user("law_enforcement")
    _login(client, user.email)
    page = client.get("/account/two-factor").get_data(as_text=True)
    db.session.refresh(user)
    secret = user.pending_totp_secret
    assert secret in page
    assert client.get("/account/two-factor").get_data(as_text=True).count(secret) >= 1  # the same secret on a reload
    with client.session_transaction() as session:
        assert secret not in repr(dict(session))  # kept on the server, not in the cookie (issue 24)
    assert client.post("/account/two-factor", data={"code": "000000"}).status_code == 200
    assert client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    db.session.refresh(user)
    assert (user.totp_secret, user.pending_totp_secret) == (secret, None)
    client.post("/auth/logout")
    assert FAILED in _login(client, user.email).get_data(as_text=True)
    assert _login(client, user.email, code=pyotp.TOTP(secret).now()).status_code == 302


def test_token_is_shown_once_stored_hashed_used_and_revoked(client, make_user):
    user = make_user("law_enforcement")
    _login(client, user.email)
    page = client.post("/account/tokens", data={"name": "case tool"}).get_data(as_text=True)
    token = re.search(r"oidr_[A-Za-z0-9_-]+", page).group(0)
    assert token.startswith("oidr_")
    row = db.session.scalar(select(ApiToken))
    assert token not in row.token_hash and len(row.token_hash) == 64
    assert token not in client.get("/account/tokens").get_data(as_text=True)
    api = client.application.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/redlists", headers=headers).status_code == 200
    assert api.get("/api/v1/redlists", headers={"Authorization": "Bearer oidr_forged"}).status_code == 401
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    refused = api.get("/api/v1/redlists", headers=headers)
    assert refused.status_code == 401 and "token" in refused.get_json()["error"]
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "token"))]
    assert actions == ["token_created", "token_revoked"]


def test_disabled_account_token_stops_working(client, make_user, api_headers):
    from registry.services.accounts import find_user, set_active

    headers = api_headers("dealer")
    set_active(find_user("dealer@test.example"), False, "test")
    assert client.get("/api/v1/redlists", headers=headers).status_code == 401


def _record(institution: str, number: str, status: str) -> ObjectRecord:
    buffer = io.BytesIO()
    draw_object(hash(number) % 1000, "coin", "gold").save(buffer, format="JPEG")
    return create_record(institution, {"object_number": number, "object_type": "Coin"}, "test",
                         photos=[decode_upload(buffer.getvalue(), f"{number}.jpg")], filenames=[f"{number}.jpg"],
                         status_fields={"status": status})


@pytest.mark.parametrize("role, sees_inventory, sees_other_inventory", [
    ("anonymous", False, False), ("dealer", False, False), ("registrar", True, False), ("law_enforcement", True, True), ("admin", True, True),
])
def test_inventory_is_visible_only_to_its_institution_and_law_enforcement(client, login_as, role, sees_inventory, sees_other_inventory):
    own = _record("Museum of Testing", "INV-1", "inventory")
    other = _record("Other Museum", "INV-2", "inventory")
    stolen = _record("Other Museum", "ST-1", "stolen")
    if role != "anonymous":
        login_as(role)
    assert client.get(f"/objects/{stolen.id}").status_code == 200
    assert (client.get(f"/objects/{own.id}").status_code == 200) == sees_inventory
    assert (client.get(f"/objects/{other.id}").status_code == 200) == sees_other_inventory
    listing = client.get("/objects/").get_data(as_text=True)
    assert "ST-1" in listing
    assert ("INV-1" in listing) == sees_inventory and ("INV-2" in listing) == sees_other_inventory
    photo = client.get(f"/media/thumb/{other.current_photos[0].sha256}.jpg")
    assert (photo.status_code == 200) == sees_other_inventory
    photo.close()


def test_only_the_institutions_registrar_changes_its_records(client, login_as, make_user):
    own = _record("Museum of Testing", "OWN-1", "stolen")
    other = _record("Other Museum", "OTH-1", "stolen")
    login_as("registrar")
    assert client.post(f"/objects/{other.id}/status", data={"status": "recovered"}).status_code == 403
    assert other.status == "stolen"
    assert client.post(f"/objects/{own.id}/status", data={"status": "recovered"}).status_code == 302
    assert own.status == "recovered"
    page = client.get("/objects/new").get_data(as_text=True)
    assert 'value="Museum of Testing"' in page and "readonly" in page
    client.post("/objects/new", data={"institution": "Other Museum", "object_number": "SNEAK-1", "object_type": "Coin", "status": "inventory",
                                      "length_unit": "cm", "weight_unit": "kg", "maker_qualifier": ""})
    sneaked = db.session.scalar(select(ObjectRecord).where(ObjectRecord.object_number == "SNEAK-1"))
    assert sneaked.institution.name == "Museum of Testing"


def test_a_thief_cannot_mark_an_object_recovered(client, make_user):
    stolen = _record("Museum of Testing", "ST-9", "stolen")
    response = client.post(f"/objects/{stolen.id}/status", data={"status": "recovered"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    make_user("dealer")
    _login(client, "dealer@test.example")
    assert client.post(f"/objects/{stolen.id}/status", data={"status": "recovered"}).status_code == 403
    assert stolen.status == "stolen"


def test_security_headers_and_cookies(client, make_user):
    response = client.get("/objects/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    make_user("dealer")
    login = _login(client, "dealer@test.example")
    cookie = login.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_evidence_rows_cannot_be_rewritten(app, make_user):
    record = _record("Museum of Testing", "EV-1", "stolen")
    change = record.changes[0]
    change.new_value = "forged"
    with pytest.raises(EvidenceIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(RecordChange.new_value).where(RecordChange.id == change.id)) != "forged"


@pytest.mark.parametrize(("password", "why"), [
    ("aaaaaaaaaaaa", "too few different characters"),
    ("abababababab", "too few different characters"),
    ("password1234", "a common word and digits"),
    ("Password 2026!!", "a common word and digits"),
    ("Admin12345678", "a common word and digits"),
    ("weak.owner@test.example", "e-mail address"),
    ("weak.owner-2026-x", "e-mail address"),
])
def test_passwords_guessed_at_once_are_refused(make_user, password, why):
    from registry.services.accounts import AccountError, create_user

    with pytest.raises(AccountError, match=why):
        create_user("weak.owner@test.example", "Weak", "dealer", password, "test", organisation="X")
    if "e-mail" not in why:  # another account's address in a password is only a weak word
        from registry.services.accounts import set_password

        with pytest.raises(AccountError, match=why):
            set_password(make_user("dealer"), password, "test")
    assert create_user("strong@test.example", "Strong", "dealer", "correct horse battery staple", "test", organisation="X")
    assert create_user("other@test.example", "Other", "dealer", "another long password", "test", organisation="X")
