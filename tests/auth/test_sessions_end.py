"""Sessions end when they should (issue 24, finding 3): disabling an account (CLI and admin page) and "sign out
everywhere" end every session, including copies of the cookie."""

from __future__ import annotations

from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditEvent
from tests.conftest import PASSWORD


def _signed_in(app, email):
    browser = app.test_client()
    assert browser.post("/auth/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return browser


def _copy_of_session(app, browser):
    """Another browser holding a copy of ``browser``'s session cookie (stolen, or left on a shared computer)."""
    thief = app.test_client()
    name = app.config["SESSION_COOKIE_NAME"]
    thief.set_cookie(name, browser.get_cookie(name).value)
    assert thief.get("/account/").status_code == 200
    return thief


def _signed_out(*browsers) -> bool:
    return all(browser.get("/account/").status_code == 302 for browser in browsers)


def test_disabling_from_the_command_line_ends_every_session(app, runner, make_user):
    user = make_user("dealer")
    browser = _signed_in(app, user.email)
    thief = _copy_of_session(app, browser)
    result = runner.invoke(args=["users", "disable", user.email])
    assert result.exit_code == 0, result.output
    assert _signed_out(browser, thief)


def test_disabling_on_the_admin_page_ends_every_session_and_enabling_does_not_revive_them(app, client, login_as, make_user):
    user = make_user("registrar")
    browser = _signed_in(app, user.email)
    thief = _copy_of_session(app, browser)
    login_as("admin")
    assert client.post(f"/admin/users/{user.id}/disable").status_code == 302
    assert _signed_out(browser, thief)
    assert client.post(f"/admin/users/{user.id}/enable").status_code == 302
    assert _signed_out(browser, thief)  # an old cookie stays dead
    assert _signed_in(app, user.email).get("/account/").status_code == 200  # signing in again works


def test_sign_out_everywhere_ends_this_and_every_other_session(app, make_user):
    user = make_user("law_enforcement")
    browser, other_browser = _signed_in(app, user.email), _signed_in(app, user.email)
    thief = _copy_of_session(app, browser)
    assert "Sign out everywhere" in browser.get("/account/").get_data(as_text=True)
    response = browser.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and "/auth/login" not in response.headers["Location"]
    assert _signed_out(browser, other_browser, thief)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signed_out_everywhere",
                                                      AuditEvent.target_id == user.id))


def test_sign_out_everywhere_needs_a_signed_in_user(client):
    assert client.post("/account/sign-out-everywhere").status_code in (302, 401, 403)
