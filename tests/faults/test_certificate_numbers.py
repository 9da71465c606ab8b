"""Certificate numbers stay unique when certificates are issued at the same moment (they were `count + 1`)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Certificate, Check, User
from registry.models.objects import utcnow
from registry.services.certificates import issue_certificate
from tests.faults.conftest import ON_POSTGRES, needs_postgres

ISSUERS = 6


def _checks(app, user_id: int, count: int) -> list[int]:
    """`count` logged checks of the user (no photos: the number is what is being tested)."""
    with app.app_context():
        checks = [Check(actor="test", user_id=user_id, channel="api", all_statuses=False, query_fields={}, query_photos=[],
                        results=[], records_searched=0, took_ms=0.0) for _ in range(count)]
        db.session.add_all(checks)
        db.session.commit()
        ids = [check.id for check in checks]
        db.session.remove()
    return ids


def _issue(app, user_id: int, check_id: int) -> str:
    with app.app_context():
        try:
            return issue_certificate(db.session.get(Check, check_id), db.session.get(User, user_id)).number
        finally:
            db.session.remove()


def test_a_number_taken_meanwhile_is_skipped(serve):
    """The allocation is retried: here the next number (count + 1) is already taken, as by a concurrent issue."""
    app = serve()
    user_id, _ = app.make_user("dealer")
    first, second = _checks(app, user_id, 2)
    year = utcnow().year
    with app.app_context():
        taken = Certificate(number=f"DD-{year}-000002", verification_code="0" * 24, user_id=user_id, check_id=first, content={},
                            signature="0" * 64)
        db.session.add(taken)
        db.session.commit()
        db.session.remove()
    assert _issue(app, user_id, second) == f"DD-{year}-000003"
    assert _issue(app, user_id, second) == f"DD-{year}-000003"  # one certificate per check, as before


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=needs_postgres),
                                     pytest.param("sqlite", marks=pytest.mark.skipif(ON_POSTGRES, reason="SQLite run only"))])
def test_concurrent_issues_all_succeed_with_distinct_numbers(serve, backend):
    """Six issues at once, each in its own thread, app context and session (as six web workers' requests)."""
    app = serve()
    user_id, _ = app.make_user("dealer")
    check_ids = _checks(app, user_id, ISSUERS)
    start = threading.Barrier(ISSUERS)
    numbers: dict[int, str] = {}
    failures: list[BaseException] = []

    def issue(check_id: int) -> None:
        start.wait()
        try:
            numbers[check_id] = _issue(app, user_id, check_id)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            failures.append(exc)

    threads = [threading.Thread(target=issue, args=(check_id,)) for check_id in check_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    year = utcnow().year
    assert sorted(numbers.values()) == [f"DD-{year}-{n:06d}" for n in range(1, ISSUERS + 1)]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == ISSUERS
        db.session.remove()
