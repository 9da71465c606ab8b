"""/healthz (the process answers) and /readyz (database, media store, photo index), public and saying nothing secret."""

from __future__ import annotations

import errno
import io
import json
import os

import pytest

from registry.demo.images import draw_object
from registry.extensions import db
from tests.faults.conftest import sign_in


@pytest.fixture
def app(serve):
    return serve(through_proxy=True)


def _register_stolen_object(app) -> None:
    from registry.services.objects import create_record
    from registry.services.photos import decode_upload

    buffer = io.BytesIO()
    draw_object(3, "vase", "bronze").save(buffer, format="JPEG")
    with app.app_context():
        create_record("Museum of Testing", {"object_number": "H-1", "object_type": "Vase"}, "test",
                      photos=[decode_upload(buffer.getvalue(), "h.jpg")], filenames=["h.jpg"], status_fields={"status": "stolen"})
        db.session.remove()


def test_healthz_answers_without_the_database(app):
    client = app.test_client()
    app.outage.begin()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_answers_a_signed_in_browser_without_the_database(app):
    _, email = app.make_user("admin")
    client = app.test_client()
    sign_in(client, email)
    app.outage.begin()
    assert client.get("/healthz").status_code == 200  # the user is not loaded for a public action


def test_readyz_when_all_holds(app):
    _register_stolen_object(app)
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "ok" and body["pid"] == os.getpid()
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["media"] == {"ok": True}
    index = body["checks"]["index"]
    assert index["ok"] and index["loaded"] and index["in_sync"] and index["photos"] == 1 and index["lost_photos"] == 1


def test_readyz_without_the_database_is_503_then_ready_again(app):
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    app.outage.begin()
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 503 and body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "unreachable"}
    assert body["checks"]["index"]["ok"] is False and body["checks"]["media"]["ok"] is True
    text = json.dumps(body)
    for secret in ("registry_ci", "5432", str(app.config["MEDIA_DIR"]), app.config["SECRET_KEY"], "sqlite"):
        assert secret not in text
    app.outage.end()
    assert client.get("/readyz").status_code == 200


def test_readyz_when_the_media_store_cannot_be_written(serve, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder's parent should be")
    app = serve(MEDIA_DIR=str(blocker / "media"))
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 503
    assert body["checks"]["media"] == {"ok": False, "error": "unwritable", "reason": os.strerror(errno.ENOTDIR)}
    assert body["checks"]["database"]["ok"] and str(blocker) not in json.dumps(body)


def test_probes_are_not_redirected_to_https(serve):
    app = serve(FORCE_HTTPS=True)
    client = app.test_client()
    assert client.get("/objects/").status_code == 302  # pages go to HTTPS
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
