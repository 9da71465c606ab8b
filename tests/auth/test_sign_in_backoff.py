"""Sign-in back-off per account and address (issue 24, "anyone can lock any account for 15 minutes")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from registry.extensions import db
from registry.models import AuditEvent, SignInBackoff
from registry.models.objects import utcnow
from registry.services import sign_in_backoff
from registry.services.sign_in_backoff import FIRST_WAIT, FREE_FAILURES, LONGEST_WAIT, address_key, wait_for
from tests.conftest import PASSWORD

ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


@pytest.fixture
def app_config(app_config):
    """The per-address request rate limit (a separate guard) kept out of the way of the back-off measured here."""
    return {**app_config, "LOGIN_RATE_LIMIT": "1000 per minute"}


def _login(client, email, password=PASSWORD, address=OWNER):
    response = client.post("/auth/login", data={"email": email, "password": password},
                           environ_base={"REMOTE_ADDR": address})
    client.post("/auth/logout", environ_base={"REMOTE_ADDR": address})
    assert response.status_code in (200, 302)
    return response.status_code == 302


def _fail(client, email, times, address=ATTACKER):
    for _ in range(times):
        assert not _login(client, email, "wrong password!!", address)


def _backoff(user, address=ATTACKER) -> SignInBackoff:
    db.session.expire_all()  # the requests wrote in their own sessions
    return db.session.scalar(select(SignInBackoff).where(SignInBackoff.user_id == user.id,
                                                         SignInBackoff.address == address_key(address)))


def _let_the_wait_pass(user, address=ATTACKER):
    db.session.execute(update(SignInBackoff).where(SignInBackoff.user_id == user.id,
                                                   SignInBackoff.address == address_key(address))
                       .values(wait_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_an_attacker_failing_from_one_address_does_not_keep_the_owner_out(client, make_user):
    user = make_user("registrar")
    _fail(client, user.email, 20)
    assert _backoff(user).wait_until is not None
    assert _login(client, user.email, address=OWNER)  # the owner, elsewhere, signs in at once
    assert not _login(client, user.email, address=ATTACKER)  # the right password is not even tried from there
    assert _backoff(user).failures == FREE_FAILURES  # tries while waiting are not looked at, nor counted


def test_the_wait_starts_after_the_free_failures_doubles_and_stops_at_a_ceiling(client, make_user):
    user = make_user("dealer")
    _fail(client, user.email, FREE_FAILURES - 1)
    assert _backoff(user).wait_until is None
    assert _login(client, user.email, address=ATTACKER)  # four mistakes: the right password still works
    _fail(client, user.email, FREE_FAILURES)
    first = _backoff(user)
    assert timedelta(seconds=25) < first.wait_until - first.last_failure_at <= FIRST_WAIT
    waits = []
    for _ in range(8):
        _let_the_wait_pass(user)
        _fail(client, user.email, 1)
        row = _backoff(user)
        waits.append(row.wait_until - row.last_failure_at)
    assert waits[:4] == [FIRST_WAIT * 2, FIRST_WAIT * 4, FIRST_WAIT * 8, FIRST_WAIT * 16]
    assert waits[-1] == LONGEST_WAIT and max(waits) == LONGEST_WAIT
    assert wait_for(10_000) == LONGEST_WAIT
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in_delayed"))


def test_a_good_sign_in_starts_its_address_count_again(client, make_user):
    user = make_user("law_enforcement")
    _fail(client, user.email, FREE_FAILURES - 1, OWNER)
    _fail(client, user.email, FREE_FAILURES + 2, ATTACKER)
    assert _login(client, user.email, address=OWNER)
    assert _backoff(user, OWNER) is None and _backoff(user, ATTACKER).failures == FREE_FAILURES
    _fail(client, user.email, FREE_FAILURES - 1, OWNER)  # four more from the owner's address: not held back
    assert _login(client, user.email, address=OWNER)


def test_a_new_password_frees_every_address(app, make_user):
    from registry.services.accounts import set_password

    user = make_user("dealer")
    now = utcnow()
    for _ in range(FREE_FAILURES + 3):
        sign_in_backoff.note_failure(user, ATTACKER, now)
    db.session.commit()
    assert sign_in_backoff.waiting_until(user, ATTACKER, now) is not None
    set_password(user, "another long passphrase 77", "test")
    assert sign_in_backoff.waiting_until(user, ATTACKER, now) is None


def test_an_ipv6_subscriber_network_counts_as_one_address(client, make_user):
    user = make_user("dealer")
    for host in range(FREE_FAILURES + 1):
        assert not _login(client, user.email, "wrong password!!", f"2001:db8:1:2::{host + 1:x}")
    assert not _login(client, user.email, address="2001:db8:1:2:ffff::1")  # the same /64 waits
    assert _login(client, user.email, address="2001:db8:1:3::1")  # another network does not
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1" and address_key("2001:db8:1:2::9") == "2001:db8:1:2::/64"


def test_failures_long_ago_are_forgotten(app, make_user):
    user = make_user("dealer")
    long_ago = utcnow() - sign_in_backoff.FORGET_AFTER - timedelta(minutes=1)
    for _ in range(FREE_FAILURES + 3):
        sign_in_backoff.note_failure(user, ATTACKER, long_ago)
    row = sign_in_backoff.note_failure(user, ATTACKER, utcnow())
    assert row.failures == 1 and row.wait_until is None
