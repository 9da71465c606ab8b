"""Forgot your password: a link e-mailed through a real SMTP server on loopback, under REGISTRY_PUBLIC_URL only, that
works once and not after it expires; the same answer for addresses without an account; sessions end."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditEvent, User
from tests.conftest import PASSWORD

NEW_PASSWORD = "violet-harbour-lantern-42"


@pytest.fixture(autouse=True)
def smtp(app_config, inbox):
    app_config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox[1], SMTP_FROM="registry@registry.test",
                      PUBLIC_URL="https://registry.example.org")
    return inbox[0]


def _link(message) -> str:
    body = message.get_payload(decode=True).decode()
    [link] = re.findall(r"https://registry\.example\.org(/auth/reset/\S+)", body)
    return link


def _sign_in(client, email: str, password: str) -> int:
    return client.post("/auth/login", data={"email": email, "password": password}).status_code


def test_a_link_sets_a_new_password_once_and_ends_every_session(app, client, make_user, smtp):
    user = make_user("dealer")
    other_browser = app.test_client()
    assert _sign_in(other_browser, user.email, PASSWORD) == 302
    answer = client.post("/auth/forgot", data={"email": "DEALER@test.example "}, headers={"Host": "evil.example"})
    assert answer.status_code == 302
    [(recipients, message)] = smtp.messages
    link = _link(message)  # under REGISTRY_PUBLIC_URL, whatever Host the request named
    assert recipients == [user.email] and "evil.example" not in message.get_payload(decode=True).decode()
    assert "Set a new password" in client.get(link).get_data(as_text=True)
    too_short = client.post(link, data={"new": "short", "repeat": "short"})
    assert too_short.status_code == 200 and db.session.get(User, user.id).password_hash == user.password_hash
    assert client.post(link, data={"new": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302
    assert other_browser.get("/account/").status_code != 200  # signed in before the reset: no longer
    assert _sign_in(app.test_client(), user.email, PASSWORD) == 200  # the old password is refused
    assert _sign_in(app.test_client(), user.email, NEW_PASSWORD) == 302
    used_again = client.post(link, data={"new": "another-harbour-99-x", "repeat": "another-harbour-99-x"})
    assert used_again.status_code == 404 and "does not work" in used_again.get_data(as_text=True)
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.target_id == user.id))]
    assert "password_reset_link_sent" in actions and "password_changed" in actions


def test_unknown_and_disabled_addresses_get_the_same_answer_and_no_mail(app, client, make_user, smtp):
    from registry.services.accounts import set_active

    set_active(make_user("registrar", email="gone@test.example"), False, "test")
    known = client.post("/auth/forgot", data={"email": "dealer@test.example"}, follow_redirects=True)
    make_user("dealer")
    answers = [client.post("/auth/forgot", data={"email": email}, follow_redirects=True).get_data(as_text=True)
               for email in ("nobody@test.example", "gone@test.example", "dealer@test.example")]
    flashed = [re.search(r"If an active account has this address[^<]*", page).group(0) for page in answers]
    assert len(set(flashed)) == 1 and known.status_code == 200
    assert [m[0] for m in smtp.messages] == [["dealer@test.example"]]


def test_an_expired_or_altered_link_does_not_work(app, client, make_user, smtp):
    make_user("dealer")
    client.post("/auth/forgot", data={"email": "dealer@test.example"})
    link = _link(smtp.messages[0][1])
    assert client.get(link[:-3] + "xyz").status_code == 404
    app.config["PASSWORD_RESET_MINUTES"] = -1  # every link is older than that
    assert client.post(link, data={"new": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 404
    assert _sign_in(app.test_client(), "dealer@test.example", PASSWORD) == 302


def test_without_a_public_address_no_link_is_sent(app, client, make_user, smtp):
    app.config["PUBLIC_URL"] = None  # a link would have to trust the Host header
    make_user("dealer")
    page = client.get("/auth/forgot").get_data(as_text=True)
    assert "not set up on this registry" in page
    client.post("/auth/forgot", data={"email": "dealer@test.example"})
    assert smtp.messages == []


def test_the_mail_is_in_the_language_of_the_page_that_asked(app, client, make_user, smtp):
    make_user("dealer")
    client.post("/auth/forgot?lang=es", data={"email": "dealer@test.example"})
    [(_, message)] = smtp.messages
    assert "contraseña" in message.get_payload(decode=True).decode()
    assert "Forgot your password?" in client.get("/auth/login?lang=en").get_data(as_text=True)


def test_an_administrator_invites_a_new_user_who_chooses_the_password(app, client, login_as, smtp):
    """The administrator never knows the password: the account gets a random one and its holder a link, valid for
    days (not the hour of a forgotten-password link)."""
    login_as("admin")
    form = client.get("/admin/users").get_data(as_text=True)
    [checkbox] = re.findall(r'<input[^>]*name="invite"[^>]*>', form)
    assert "checked" in checkbox  # ticked by default where links can be e-mailed
    created = client.post("/admin/users", data={"email": "new.officer@customs.test", "name": "New Officer",
                                                "role": "law_enforcement", "agency": "Port Customs", "invite": "y"},
                          follow_redirects=True)
    assert "was e-mailed to it" in created.get_data(as_text=True)
    [(recipients, message)] = smtp.messages
    assert recipients == ["new.officer@customs.test"] and "An account was opened for you" in message.get_payload(decode=True).decode()
    app.config["PASSWORD_RESET_MINUTES"] = -1  # a forgotten-password link would be too old by now; an invitation is not
    link = _link(message)
    stranger = app.test_client()
    assert stranger.post(link, data={"new": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302
    assert _sign_in(app.test_client(), "new.officer@customs.test", NEW_PASSWORD) == 302
    user = db.session.scalar(select(User).where(User.email == "new.officer@customs.test"))
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.target_id == user.id))]
    admin_id = db.session.scalar(select(User.id).where(User.role == "admin"))
    [sent] = db.session.scalars(select(AuditEvent).where(AuditEvent.target_id == user.id,
                                                         AuditEvent.action == "invitation_sent")).all()
    assert sent.actor_user_id == admin_id  # who sent it, as evidence


def test_an_administrator_sends_a_password_link_and_others_cannot(app, client, login_as, make_user, smtp):
    holder = make_user("registrar", email="registrar@museum.test")
    dealer = login_as("dealer")
    assert client.post(f"/admin/users/{holder.id}/send_link").status_code in (302, 403)
    assert smtp.messages == []  # a dealer is refused (the access matrix: admin.users)
    client.post("/auth/logout")
    login_as("admin")
    assert "E-mail a password link" in client.get("/admin/users").get_data(as_text=True)
    assert client.post(f"/admin/users/{holder.id}/send_link").status_code == 302
    [(recipients, message)] = smtp.messages
    assert recipients == [holder.email] and "An administrator" in message.get_payload(decode=True).decode()
    assert dealer.email not in recipients


def test_without_mail_the_administrator_gives_an_initial_password(app, client, login_as, smtp):
    app.config["SMTP_HOST"] = ""
    login_as("admin")
    refused = client.post("/admin/users", data={"email": "x@test.example", "name": "X", "role": "dealer", "invite": "y"},
                          follow_redirects=True)
    assert "cannot be e-mailed" in refused.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "x@test.example")) is None
    no_password = client.post("/admin/users", data={"email": "x@test.example", "name": "X", "role": "dealer"})
    assert "Give an initial password" in no_password.get_data(as_text=True)
    assert client.post("/admin/users", data={"email": "x@test.example", "name": "X", "role": "dealer",
                                             "password": NEW_PASSWORD}).status_code == 302


def test_asking_again_and_again_sends_one_link_in_five_minutes(app, client, make_user, smtp):
    make_user("dealer")
    for _ in range(4):  # anyone may ask, for any address: the holder's mailbox is not filled
        assert client.post("/auth/forgot", data={"email": "dealer@test.example"}).status_code == 302
    assert len(smtp.messages) == 1
    app.config["PASSWORD_RESET_EVERY_MINUTES"] = 0
    client.post("/auth/forgot", data={"email": "dealer@test.example"})
    assert len(smtp.messages) == 2
