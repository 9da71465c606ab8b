"""Operations (issue 24): the SQLite database file is private to its owner; behind a reverse proxy
(REGISTRY_PROXY_FIX) audit entries record the client's address, and without the setting the header is ignored."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import select

from registry import create_app
from registry.extensions import db
from registry.models import AuditEvent
from tests.conftest import PASSWORD


def test_a_new_sqlite_database_file_is_created_0600(tmp_path):
    path = tmp_path / "instance" / "registry.sqlite"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "x", "MEDIA_DIR": str(tmp_path / "m")})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.stat().st_size > 0  # SQLite wrote its tables into the file made for it


def test_an_existing_database_file_keeps_its_mode(tmp_path):
    path = tmp_path / "registry.sqlite"
    path.touch(mode=0o640)
    os.chmod(path, 0o640)
    create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "x", "MEDIA_DIR": str(tmp_path / "m")})
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


@pytest.mark.parametrize(("proxies", "sent", "recorded"), [
    (0, "203.0.113.7", "10.0.0.2"),  # no proxy declared: the header is a client's claim, ignored
    (1, "203.0.113.7", "203.0.113.7"),
    (1, "198.51.100.66, 203.0.113.7", "203.0.113.7"),  # what the client put before the proxy's entry is not trusted
])
def test_audit_records_the_client_address_only_behind_a_declared_proxy(app_config, request, proxies, sent, recorded):
    app_config["PROXY_FIX"] = proxies
    app = request.getfixturevalue("app")
    user = request.getfixturevalue("make_user")("dealer")
    answer = app.test_client().post("/auth/login", data={"email": user.email, "password": PASSWORD},
                                    headers={"X-Forwarded-For": sent}, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert answer.status_code == 302
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "signed_in")).one()
    assert event.ip == recorded
