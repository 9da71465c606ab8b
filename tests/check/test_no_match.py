"""A check that finds nothing close: no red badges, no unrelated records named as findings (page, log, certificate)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from registry.demo.images import draw_object
from registry.extensions import db
from registry.models import Certificate, Check
from registry.services.objects import create_record
from registry.services.photos import decode_upload


def _jpeg(seed: int, shape: str, material: str) -> bytes:
    buffer = io.BytesIO()
    draw_object(seed, shape, material).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


@pytest.fixture
def stolen(app):
    """Five stolen objects, none of them the one checked."""
    for seed, shape in zip(range(71, 76), ("vase", "mask", "coin", "bowl", "statuette")):
        create_record("Museum of Testing", {"object_number": f"ST-{seed}", "object_type": shape.title()}, "test",
                      photos=[decode_upload(_jpeg(seed, shape, "terracotta"), "p.jpg")], filenames=["p.jpg"],
                      status_fields={"status": "stolen"})


def _check(client) -> str:
    page = client.post("/check/", data={"photos": [(io.BytesIO(_jpeg(99, "lamp", "glass")), "lot-3.jpg")]},
                       content_type="multipart/form-data")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_a_no_match_page_shows_no_red_badge_and_says_the_nearest_are_not_matches(client, stolen):
    html = _check(client)
    check = db.session.scalars(select(Check).order_by(Check.id.desc())).first()
    assert {c["verdict"] for c in check.results[0]["candidates"]} == {"no_match"}  # the nearest were compared
    assert "Nothing close: these were the nearest records, and they are not matches." in html
    assert 'class="status status-stolen"' not in html  # no red status badge
    assert not re.search(r'class="verdict verdict-', html)  # no per-record verdict badge
    assert '<ol class="candidates">' not in html
    nearest = html.split('<details class="nearest">', 1)[1].split("</details>", 1)[0]
    assert "ST-7" in nearest  # named plainly, inside the "not matches" fold


def test_the_check_log_keeps_the_nearest_apart(client, login_as, stolen):
    login_as("dealer")
    _check(client)
    check = db.session.scalars(select(Check).order_by(Check.id.desc())).first()
    html = client.get(f"/check/{check.id}").get_data(as_text=True)
    before, nearest = html.split('<details class="nearest">', 1)
    assert "ST-7" not in before and "ST-7" in nearest
    assert "No candidate." in before


def test_a_no_match_certificate_names_no_unrelated_record(client, login_as, stolen):
    login_as("dealer")
    _check(client)
    check = db.session.scalars(select(Check).order_by(Check.id.desc())).first()
    assert client.post(f"/checks/{check.id}/certificate").status_code == 302
    certificate = db.session.scalar(select(Certificate).where(Certificate.check_id == check.id))
    assert certificate.content["outcome"] == "no_match"
    assert certificate.content["results"][0]["candidates"] == []
    page = client.get(f"/certificates/{certificate.number}").get_data(as_text=True)
    assert "ST-7" not in page and "status-stolen" not in page
    pdf = client.get(f"/certificates/{certificate.number}.pdf").data
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "No match" in text and "ST-7" not in text
