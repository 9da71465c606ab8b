"""Checks in the audit trail: who checked, when, for which agency, the verdict and the top record, on the page and in
its CSV and JSON exports, filtered by date range, user and agency; formula-like cells written safely."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from sqlalchemy import select, update

from registry.demo.images import draw_object
from registry.extensions import db
from registry.models import Check
from registry.services.objects import create_record
from registry.services.photos import decode_upload


def _jpeg(seed: int, shape: str = "statuette") -> bytes:
    buffer = io.BytesIO()
    draw_object(seed, shape, "bronze").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _check(client, headers, photo: bytes, name: str):
    answer = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(photo), name)]}, headers=headers,
                         content_type="multipart/form-data")
    assert answer.status_code == 200, answer.get_json()
    return db.session.scalars(select(Check).order_by(Check.id.desc())).first()


def _csv(client, **filters) -> list[dict]:
    answer = client.get("/admin/audit.csv", query_string=filters)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))


def _check_rows(client, **filters) -> dict[int, dict]:
    return {int(row["target_id"]): row for row in _csv(client, **filters) if row["target_type"] == "check"}


def test_checks_are_in_the_audit_export_with_agency_verdict_and_top_record(app, client, api_headers, login_as, make_user):
    stolen = _jpeg(71)
    record = create_record("Museum of Testing", {"object_number": "AUD-1", "object_type": "Statuette"}, "test",
                           photos=[decode_upload(stolen, "front.jpg")], filenames=["front.jpg"],
                           status_fields={"status": "stolen"})
    customs = _check(client, api_headers("law_enforcement", email="officer@customs.example"), stolen, "seized.jpg")
    police = _check(client, api_headers("law_enforcement", email="detective@police.example", agency="City Police"),
                    _jpeg(72, "vase"), "market.jpg")
    dealer = _check(client, api_headers("dealer", email="buyer@auctions.example"), stolen, "lot-4.jpg")
    # the police check is dated two days earlier, to be told apart by a date range
    db.session.execute(update(Check).where(Check.id == police.id).values(created_at=datetime(2026, 1, 10, 9, tzinfo=timezone.utc)))
    db.session.commit()
    login_as("admin")

    rows = _check_rows(client)
    assert set(rows) == {customs.id, police.id, dealer.id}
    assert rows[customs.id]["actor"] == "officer@customs.example (law_enforcement)"
    assert rows[customs.id]["agency"] == "Test Customs" and rows[customs.id]["verdict"] == "match"
    assert rows[customs.id]["top_record"] == f"Museum of Testing AUD-1 (record {record.id})"
    assert rows[customs.id]["action"] == "check" and rows[customs.id]["at"].startswith(str(customs.created_at.date()))
    assert rows[police.id]["agency"] == "City Police" and rows[police.id]["verdict"] in ("no_match", "possible")
    assert rows[dealer.id]["agency"] == "" and rows[dealer.id]["verdict"] == "match"

    assert set(_check_rows(client, agency="city police")) == {police.id}
    assert set(_check_rows(client, user="buyer@")) == {dealer.id}
    assert set(_check_rows(client, date_to="2026-01-10")) == {police.id}
    assert set(_check_rows(client, date_from="2026-01-11")) == {customs.id, dealer.id}
    assert set(_check_rows(client, date_from="2026-01-10", date_to="2026-01-10", agency="Test Customs")) == set()
    # the agency filter keeps what that agency's people did, not other entries (record changes by the CLI here)
    assert all(row["target_type"] in ("check", "user", "token") for row in _csv(client, agency="Test Customs"))
    json_rows = client.get("/admin/audit.json", query_string={"user": "officer@customs"}).get_json()
    assert [row["target_id"] for row in json_rows if row["target_type"] == "check"] == [customs.id]

    page = client.get("/admin/audit", query_string={"agency": "City Police"}).get_data(as_text=True)
    assert "City Police" in page and "officer@customs.example" not in page
    assert "/admin/audit.csv?agency=City+Police" in page  # the export carries the page's filters


def test_bad_filters_are_refused_clearly(client, login_as):
    login_as("admin")
    backwards = client.get("/admin/audit.csv?date_from=2026-02-01&date_to=2026-01-01")
    assert backwards.status_code == 400 and "The last day comes before the first day." in backwards.get_data(as_text=True)
    assert client.get("/admin/audit.json?date_from=yesterday").status_code == 400
    page = client.get("/admin/audit?date_from=2026-02-01&date_to=2026-01-01&lang=fr").get_data(as_text=True)
    assert "Le dernier jour précède le premier." in page


def test_formula_like_cells_of_a_check_are_written_safely(app, client, login_as, make_user):
    from registry.policy import Principal
    from registry.services.checks import QueryPhoto, run_check
    from registry.services.photos import decode_query_upload

    officer = make_user("law_enforcement", email="formula@customs.example", agency="=HYPERLINK(\"http://x\")")
    principal = Principal(role="law_enforcement", user_id=officer.id, agency=officer.agency)
    run_check([QueryPhoto("q.jpg", decode_query_upload(_jpeg(73), "q.jpg"))], {}, "@SUM(A1:A9)", "web", principal=principal)
    login_as("admin")
    row = next(iter(_check_rows(client).values()))
    assert row["actor"] == "'@SUM(A1:A9)" and row["agency"] == "'=HYPERLINK(\"http://x\")"


def test_only_admins_read_the_audit_trail(client, login_as):
    login_as("law_enforcement")
    assert client.get("/admin/audit.csv").status_code == 403
    assert client.get("/admin/audit").status_code == 403
