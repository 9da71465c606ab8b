"""The demo collection: enough varied records with photos to search, loaded once."""

import json
from pathlib import Path

from sqlalchemy import func, select

from registry.demo.accounts import DEMO_ACCOUNTS, ensure_demo_accounts
from registry.extensions import db
from registry.models import ObjectRecord, Photo


def test_seed_demo_loads_a_varied_collection_once(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    records = db.session.scalars(select(ObjectRecord)).all()
    assert len(records) >= 30
    assert {"stolen", "missing", "looted", "recovered", "inventory"} <= {r.status for r in records}
    assert len({r.object_type for r in records}) >= 8
    assert all(r.current_photos for r in records)
    assert db.session.scalar(select(func.count()).select_from(Photo)) > len(records)
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "0 record(s) created" in again.output
    assert db.session.scalar(select(func.count()).select_from(ObjectRecord)) == len(records)


def _printed_passwords(output: str) -> dict[str, str]:
    lines = [line.split() for line in output.splitlines() if "password:" in line]
    return {words[1]: " ".join(words[3:]) for words in lines}


def test_tests_use_a_temporary_instance_folder(app):
    from registry import PROJECT_ROOT, create_app

    assert not Path(app.instance_path).is_relative_to(PROJECT_ROOT)
    bare = create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})  # no folder given: the suite's own one
    assert not Path(bare.instance_path).is_relative_to(PROJECT_ROOT)


def test_seed_demo_prints_the_passwords_that_sign_in(runner, client, app):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    printed = _printed_passwords(result.output)
    assert set(printed) == {a["email"] for a in DEMO_ACCOUNTS}
    assert (Path(app.instance_path) / "demo-accounts.txt").is_file()
    for email, password in printed.items():
        response = client.post("/auth/login", data={"email": email, "password": password})
        assert response.status_code == 302, email
        client.post("/auth/logout")
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert _printed_passwords(again.output) == printed


def test_seed_demo_never_prints_a_password_the_account_does_not_have(app):
    from registry.services.accounts import authenticate

    first = {a["email"]: a["password"] for a in ensure_demo_accounts(app.instance_path, "test")}
    store = Path(app.instance_path) / "demo-accounts.txt"
    stale = {email: "a-password-from-another-database" for email in first}
    store.write_text(json.dumps(stale))  # e.g. a file left from another database, or rewritten by a stray program
    shown = {a["email"]: a["password"] for a in ensure_demo_accounts(app.instance_path, "test")}
    for email, password in shown.items():
        assert password != stale[email]
        assert "reset-password" in password and email in password
        assert authenticate(email, first[email]) is not None  # the accounts kept their passwords
    assert json.loads(store.read_text()) == {}  # the wrong passwords are not kept either


def test_seed_demo_keeps_the_known_passwords_when_others_are_unknown(app):
    first = {a["email"]: a["password"] for a in ensure_demo_accounts(app.instance_path, "test")}
    store = Path(app.instance_path) / "demo-accounts.txt"
    kept = dict(list(first.items())[:2])
    store.write_text(json.dumps(kept))
    shown = {a["email"]: a["password"] for a in ensure_demo_accounts(app.instance_path, "test")}
    assert {email: shown[email] for email in kept} == kept
    assert all("reset-password" in shown[email] for email in first if email not in kept)
