"""The database unreachable: a 503 with Retry-After and a clear message (JSON or a page in the reader's language),
drawn without the database, and the worker serving again by itself when the database returns."""

from __future__ import annotations

import pytest
from sqlalchemy import exc as sa_exc

from registry.auth.access import ENDPOINT_ACTIONS
from registry.errors import DATABASE_UNAVAILABLE
from tests.faults.conftest import sign_in, token_for

FRENCH = "Le registre ne peut pas joindre sa base de données pour le moment."
ARABIC = "لا يستطيع السجل الوصول إلى قاعدة بياناته في الوقت الحالي."


@pytest.fixture
def app(serve):
    """An app whose database can be taken away (PostgreSQL through a relay, SQLite by moving its file)."""
    return serve(through_proxy=True)


def _assert_unavailable_json(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.get_json() == {"error": DATABASE_UNAVAILABLE, "status": 503}
    assert int(response.headers["Retry-After"]) > 0


def test_api_answers_503_with_retry_after_then_recovers_by_itself(app):
    user_id, _ = app.make_user("law_enforcement")
    headers = token_for(app, user_id)
    client = app.test_client()
    assert client.get("/api/v1/records", headers=headers).status_code == 200
    app.outage.begin()
    for _ in range(3):  # the token is looked up before the view: that path gives the 503 too, every time
        _assert_unavailable_json(client.get("/api/v1/records", headers=headers))
    app.outage.end()
    assert client.get("/api/v1/records", headers=headers).status_code == 200  # same process, no restart


def test_a_client_that_asks_for_json_gets_json(app):
    client = app.test_client()
    app.outage.begin()
    _assert_unavailable_json(client.get("/objects/", headers={"Accept": "application/json"}))


def test_the_page_says_so_in_the_readers_language_without_the_database(app):
    _, email = app.make_user("registrar")
    client = app.test_client()
    sign_in(client, email)  # the signed-in user is loaded from the database before any view runs
    assert client.get("/objects/").status_code == 200
    app.outage.begin()
    french = client.get("/objects/", headers={"Accept-Language": "fr"})
    assert french.status_code == 503 and french.mimetype == "text/html"
    assert int(french.headers["Retry-After"]) > 0
    page = french.get_data(as_text=True)
    assert "Service indisponible" in page and FRENCH in page and '<html lang="fr"' in page
    assert 'action="/auth/logout"' not in page  # drawn as for a visitor: the user cannot be loaded
    arabic = client.get("/objects/?lang=ar")
    assert arabic.status_code == 503 and ARABIC in arabic.get_data(as_text=True) and 'dir="rtl"' in arabic.get_data(as_text=True)
    english = client.get("/check/?lang=en")  # the language chosen last is kept for the visit
    assert english.status_code == 503 and "Service unavailable" in english.get_data(as_text=True)
    app.outage.end()
    back = client.get("/objects/")
    assert back.status_code == 200 and "Registrar" in back.get_data(as_text=True)  # still signed in


def test_a_visitor_and_a_form_post_get_the_503_too(app):
    client = app.test_client()
    app.outage.begin()
    assert client.get("/objects/").status_code == 503
    posted = client.post("/auth/login", data={"email": "someone@test.example", "password": "whatever it is"})
    assert posted.status_code == 503 and "Service unavailable" in posted.get_data(as_text=True)


def test_only_connectivity_errors_become_503(app, monkeypatch):
    """Bad SQL is a fault of ours: 500, as before. A unique constraint met by two simultaneous writes: 409
    (tests/faults/test_simultaneous_creates.py). Lost connections, timeouts: 503."""
    errors = {
        "integrity": sa_exc.IntegrityError("INSERT ...", {}, Exception("duplicate key")),
        "programming": sa_exc.ProgrammingError("SELECT ...", {}, Exception("syntax error")),
        "operational": sa_exc.OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly")),
        "pool_timeout": sa_exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"),
        "invalidated": sa_exc.DBAPIError("SELECT 1", {}, Exception("connection lost"), connection_invalidated=True),
        "plain": RuntimeError("not the database"),
    }

    def fail(kind: str):
        raise errors[kind]

    app.add_url_rule("/fail/<kind>", "fail", fail)
    monkeypatch.setitem(ENDPOINT_ACTIONS, "fail", "site.public")
    client = app.test_client()
    statuses = {kind: client.get(f"/fail/{kind}", headers={"Accept": "application/json"}).status_code for kind in errors}
    assert statuses == {"integrity": 409, "programming": 500, "operational": 503, "pool_timeout": 503, "invalidated": 503, "plain": 500}
    assert "Retry-After" not in client.get("/fail/integrity").headers


def test_pooled_connections_are_checked_before_use(app):
    from registry.config import engine_options

    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    assert engine_options("postgresql+psycopg://u:p@db/registry", {"pool_size": 3}, 5) == {
        "pool_size": 3, "pool_pre_ping": True, "connect_args": {"connect_timeout": 5}}
    assert engine_options("sqlite:///registry.sqlite", {"pool_pre_ping": False}, 5) == {"pool_pre_ping": False}
