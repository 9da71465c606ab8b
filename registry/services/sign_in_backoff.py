"""Sign-in back-off per account and address: failures from one address make only that address wait, longer each
time, up to a ceiling; the account's owner signing in from elsewhere is never kept out (issue 24: a hard 15-minute
lock of the whole account let anyone lock anyone out by failing its password five times)."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from registry.extensions import db
from registry.models import SignInBackoff, User

FREE_FAILURES = 5  # failures from one address before it must wait
FIRST_WAIT = timedelta(seconds=30)  # after the FREE_FAILURES-th; doubled with each further failure
LONGEST_WAIT = timedelta(minutes=15)
FORGET_AFTER = timedelta(days=1)  # an address that has not failed for this long starts again from nothing


def address_key(address: str) -> str:
    """The address failures are counted for: an IPv4 address as it is, an IPv6 address's /64 network (one
    subscriber commonly holds a whole /64, so counting single addresses would give them endless tries)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def wait_for(failures: int) -> timedelta:
    """How long an address waits after its ``failures``-th failure in a row (zero before FREE_FAILURES)."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    doublings = min(failures - FREE_FAILURES, 20)  # 2**20 x 30 s is far past the ceiling already
    return min(FIRST_WAIT * 2 ** doublings, LONGEST_WAIT)


def waiting_until(user: User, address: str, now: datetime) -> datetime | None:
    """Until when sign-ins to ``user`` from ``address`` are refused without looking at the password, if they are."""
    row = _row(user, address)
    if row is None or row.wait_until is None or _aware(row.wait_until) <= now:
        return None
    return _aware(row.wait_until)


def note_failure(user: User, address: str, now: datetime) -> SignInBackoff:
    """Count a failed sign-in to ``user`` from ``address`` and set how long that address waits (not committed)."""
    row = _row(user, address) or _new_row(user, address, now)
    if now - _aware(row.last_failure_at) > FORGET_AFTER:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    wait = wait_for(row.failures)
    row.wait_until = now + wait if wait else None
    return row


def forget_failures(user: User, address: str | None = None) -> None:
    """After a good sign-in from ``address``: that address starts again from nothing; after a new password: every
    address does (not committed)."""
    statement = delete(SignInBackoff).where(SignInBackoff.user_id == user.id)
    if address is not None:
        statement = statement.where(SignInBackoff.address == address_key(address))
    db.session.execute(statement)


def _row(user: User, address: str) -> SignInBackoff | None:
    return db.session.scalar(select(SignInBackoff).where(SignInBackoff.user_id == user.id,
                                                         SignInBackoff.address == address_key(address)))


def _new_row(user: User, address: str, now: datetime) -> SignInBackoff:
    # two failures at the same moment may both find no row: the second takes the first one's
    try:
        with db.session.begin_nested():
            row = SignInBackoff(user_id=user.id, address=address_key(address), failures=0, last_failure_at=now)
            db.session.add(row)
        return row
    except IntegrityError:
        return _row(user, address)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
