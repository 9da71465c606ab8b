"""Smaller fixes of issue 25: measurements once on the sheet, a recovered record's loss kept as history, the audit
trail paginated and filtered by action, feed links on the host and port the registry is served on."""

from __future__ import annotations

import re

from registry.extensions import db
from registry.services.objects import change_status, create_record


def _record(status: str = "stolen", **fields):
    values = {"object_number": "DF-1", "object_type": "Statuette", "measurements_text": "H 23 cm; W 7 cm", **fields}
    return create_record("Museum of Testing", values, "test", status_fields={
        "status": status, "loss_place": "Testville storeroom", "case_reference": "PJ/2026/99", "loss_notes": "Night theft"})


def _measurements(html: str) -> str:
    return html.split("<dt>Measurements</dt><dd>", 1)[1].split("</dd>", 1)[0]


def test_the_sheet_shows_the_measurements_once(client, app):
    record = _record()
    assert record.height_cm == 23 and record.width_cm == 7
    shown = _measurements(client.get(f"/objects/{record.id}").get_data(as_text=True))
    assert "H 23 cm; W 7 cm" in shown
    assert len(re.findall(r"23", shown)) == 1 and len(re.findall(r"\b7\b", shown)) == 1


def test_measurements_without_text_are_shown_from_the_values(client, app):
    record = _record(measurements_text="", height_cm=12.5)
    shown = _measurements(client.get(f"/objects/{record.id}").get_data(as_text=True))
    assert "12.5" in shown and "—" not in shown


def test_a_recovered_record_keeps_its_loss_on_the_sheet_as_history(client, login_as, app):
    login_as("registrar")  # the record's own institution: every field (policy.FIELD_VISIBILITY)
    record = _record()
    change_status(record, {"status": "recovered", "loss_place": "Testville storeroom", "case_reference": "PJ/2026/99",
                           "loss_notes": "Night theft"}, "test")
    html = client.get(f"/objects/{record.id}").get_data(as_text=True)
    loss = html.split('<section class="loss loss-history"', 1)[1].split("</section>", 1)[0]
    assert "Loss (recovered since)" in loss
    for text in ("Testville storeroom", "PJ/2026/99", "Night theft"):
        assert text in loss


def test_the_audit_trail_is_paginated_and_filtered_by_action(client, login_as, app):
    login_as("admin")
    record = _record(status="inventory")
    for n in range(60):
        record.changes.append(__import__("registry.models", fromlist=["RecordChange"]).RecordChange(
            changed_by="test", action="updated", field="title", old_value=str(n), new_value=str(n + 1)))
    db.session.commit()
    first = client.get("/admin/audit").get_data(as_text=True)
    assert first.count("<tr><td>") == 50 and 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert 'rel="prev"' in second and 0 < second.count("<tr><td>") <= 50
    created = client.get("/admin/audit?action=created").get_data(as_text=True)
    assert "<code>created</code>" in created and "<code>updated</code>" not in created
    exported = client.get("/admin/audit.json?action=updated").get_json()
    assert len(exported) == 60 and {row["action"] for row in exported} == {"updated"}


def test_feed_links_follow_the_host_and_port_served_on(client, app):
    record = _record()
    feed = client.get("/feeds/stolen.json", base_url="http://registry.test:8080").get_json()
    [item] = [i for i in feed["items"] if i["object_number"] == "DF-1"]
    assert item["url"] == f"http://registry.test:8080/objects/{record.id}"
    atom = client.get("/feeds/stolen.atom", base_url="http://registry.test:8080").get_data(as_text=True)
    assert "http://registry.test:8080/objects/" in atom and ":5000" not in atom
    app.config["PUBLIC_URL"] = "https://registry.example.org"
    configured = client.get("/feeds/stolen.json", base_url="http://registry.test:8080").get_json()
    assert configured["items"][0]["url"].startswith("https://registry.example.org/objects/")
