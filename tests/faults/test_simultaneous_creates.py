"""Two registrations that race to create the same institution or object number: one wins, the other gets a
409 that says what happened (not a 500), and nothing of it is saved."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Institution, ObjectRecord
from registry.services.objects import create_record


def test_a_registration_that_loses_a_race_for_a_new_institution_gets_a_409(app, client, api_headers):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers: the second registration waits and then sees the first one's rows")
    headers = api_headers("admin")
    held, release = threading.Event(), threading.Event()

    def first_registration() -> None:
        with app.app_context():
            create_record("Museum Founded Twice", {"object_number": "A-1", "object_type": "Vase"}, "first", commit=False)
            held.set()
            release.wait(timeout=30)
            db.session.commit()
            db.session.remove()

    writer = threading.Thread(target=first_registration)
    writer.start()
    assert held.wait(timeout=30)
    threading.Timer(0.5, release.set).start()  # the second request is waiting on the first one's row by then
    started = time.monotonic()
    response = client.post("/api/v1/records", headers=headers,
                           json={"institution": "Museum Founded Twice", "object_number": "B-1", "object_type": "Bowl"})
    writer.join()
    assert time.monotonic() - started >= 0.4
    assert response.status_code == 409, response.get_json()
    assert "at the same moment" in response.get_json()["error"]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Institution.id)).where(Institution.name == "Museum Founded Twice")) == 1
    assert list(db.session.scalars(select(ObjectRecord.object_number))) == ["A-1"]
    retried = client.post("/api/v1/records", headers=headers,
                          json={"institution": "Museum Founded Twice", "object_number": "B-1", "object_type": "Bowl"})
    assert retried.status_code == 201
