"""Every route has an access rule, and every role gets exactly what the matrix gives it on every route."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from registry.auth.access import ENDPOINT_ACTIONS
from registry.demo.images import draw_object
from registry.extensions import db
from registry.models import Certificate, Check, User
from registry.policy import MATRIX, ROLES, allowed
from registry.redlists import load_default
from registry.services.objects import create_record
from registry.services.photos import decode_upload
from registry.services.redlists import import_red_list_set
from tests.conftest import PASSWORD


def test_every_route_has_a_rule_naming_a_known_action(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(ENDPOINT_ACTIONS))
    assert not missing, f"routes without an access rule in registry/auth/access.py: {missing}"
    unknown = sorted({action for action in ENDPOINT_ACTIONS.values() if action not in MATRIX})
    assert not unknown, f"actions missing from the matrix: {unknown}"
    assert sorted(set(ENDPOINT_ACTIONS) - endpoints) == [], "rules for routes that no longer exist"


@pytest.fixture
def world(app, make_user, client):
    """One user per role, a stolen record of the registrar's institution with a photo, a check and a certificate."""
    import_red_list_set(load_default())
    users = {role: make_user(role) for role in ROLES if role != "anonymous"}
    target = make_user("dealer", email="target@test.example")
    buffer = io.BytesIO()
    draw_object(5, "vase", "bronze").save(buffer, format="JPEG")
    record = create_record("Museum of Testing", {"object_number": "W-1", "object_type": "Vase"}, "test",
                           photos=[decode_upload(buffer.getvalue(), "w.jpg")], filenames=["w.jpg"], status_fields={"status": "stolen"})
    client.post("/auth/login", data={"email": users["dealer"].email, "password": PASSWORD})
    client.post("/check/", data={"photos": [(io.BytesIO(buffer.getvalue()), "q.jpg")]}, content_type="multipart/form-data")
    check = db.session.scalar(select(Check))
    client.post(f"/checks/{check.id}/certificate")
    client.post("/auth/logout")
    certificate = db.session.scalar(select(Certificate))
    return {"users": users, "record": record, "photo": record.current_photos[0], "check": check, "certificate": certificate,
            "target": target}


def _url_values(world, arguments):
    values = {
        "record_id": world["record"].id, "photo_id": world["photo"].id, "check_id": world["check"].id,
        "number": world["certificate"].number, "code": world["certificate"].verification_code, "slug": "iraq-2015",
        "user_id": world["target"].id, "action": "disable", "token_id": 999999, "notification_id": 999999, "organisation_id": 999999,
        "kind": "thumb", "sha256": world["photo"].sha256, "name": "nothing.png", "fmt": "json", "filename": "css/registry.css",
        "token": "not-a-reset-link",
    }
    if "code" in arguments and "number" not in arguments and "slug" not in arguments:
        values["code"] = world["certificate"].verification_code
    return {name: values[name] for name in arguments}


def _denied(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "/auth/login" in response.headers.get("Location", "")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_matrix_allows_on_every_route(app, world, role):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    from registry.services.accounts import create_token

    client = app.test_client()
    token_headers = {}
    if role != "anonymous":
        assert client.post("/auth/login", data={"email": world["users"][role].email, "password": PASSWORD}).status_code == 302
        token_headers = {"Authorization": f"Bearer {create_token(world['users'][role], 'matrix', 'test')}"}
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("auth.logout", "account.sign_out_everywhere_view"):  # would end the walk's session
            continue
        url_values = _url_values(world, rule.arguments)
        if rule.endpoint == "redlists_ui.category" or rule.endpoint == "redlists_ui.remove_tag":
            url_values["code"] = "IRQ-SEALS"
        from flask import url_for

        with app.test_request_context():
            url = url_for(rule.endpoint, **url_values)
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        is_api = rule.endpoint.startswith("api.")
        # Pages go by the session; the API only by token (a session cookie alone gets 401 there).
        response = client.open(url, method=method, data={}, headers=token_headers if is_api else {})
        action = ENDPOINT_ACTIONS[rule.endpoint]
        expected_allowed = allowed(_principal_role(role), action)
        if is_api and role == "anonymous":
            expected_allowed = False  # the API needs a token
        assert _denied(response) != expected_allowed, f"{role} {method} {url} ({action}) -> {response.status_code}"
        response.close()
        checked += 1
    assert checked >= 40


def _principal_role(role: str):
    from registry.policy import Principal

    return Principal(role=role)


def test_api_roles_follow_the_matrix_with_tokens(app, world, client):
    from registry.services.accounts import create_token

    dealer = db.session.scalar(select(User).where(User.role == "dealer", User.email == "dealer@test.example"))
    token = create_token(dealer, "t", "test")
    response = client.get("/api/v1/redlists", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    forbidden = client.post("/api/v1/checks", headers={"Authorization": f"Bearer {token}"}, content_type="multipart/form-data",
                            data={"photos": [(io.BytesIO(b"x"), "a.jpg")], "all_statuses": "true"})
    assert forbidden.status_code in (403, 422)
