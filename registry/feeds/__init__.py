"""The stolen-objects feed (JSON and Atom) that other registries and marketplaces poll."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from flask import Blueprint, Response, jsonify, request
from lxml import etree
from sqlalchemy import select

from registry.clean_text import strip_forbidden
from registry.extensions import db
from registry.models import ObjectRecord
from registry.objectid.standard import LOSS_STATUSES
from registry.services.exchange import public_url, record_to_exchange
from registry.services.redlists import tag_codes_by_record

bp = Blueprint("feeds", __name__)
FEED_SIZE = 200
ATOM = "http://www.w3.org/2005/Atom"
log = logging.getLogger(__name__)


def _lost_records() -> list[ObjectRecord]:
    """Records reported stolen, missing or looted, newest change first; `?since=ISO-datetime` for what changed after."""
    statement = select(ObjectRecord).where(ObjectRecord.status.in_(LOSS_STATUSES)).order_by(ObjectRecord.updated_at.desc()).limit(FEED_SIZE)
    since = request.args.get("since", "").strip()
    if since:
        try:
            moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
        except ValueError:
            return None  # type: ignore[return-value]
        statement = statement.where(ObjectRecord.updated_at > (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)))
    return list(db.session.scalars(statement))


def _bad_since():
    response = jsonify(error="since must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z", status=400)
    response.status_code = 400
    return response


@bp.get("/feeds/stolen.json")
def stolen_json():
    """Published lost objects as JSON: each entry is the exchange record plus its page URL and last change."""
    records = _lost_records()
    if records is None:
        return _bad_since()
    codes = tag_codes_by_record([r.id for r in records])
    return jsonify({
        "title": "Objects reported stolen, missing or looted",
        "updated": (records[0].updated_at.isoformat() if records else None),
        "items": [{**record_to_exchange(r, codes[r.id]), "url": public_url(f"/objects/{r.id}"), "updated": r.updated_at.isoformat()} for r in records],
    })


@bp.get("/feeds/stolen.atom")
def stolen_atom():
    """Published lost objects as an Atom feed."""
    records = _lost_records()
    if records is None:
        return _bad_since()
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _text(feed, "title", "Objects reported stolen, missing or looted")
    _text(feed, "id", public_url("/feeds/stolen.atom"))
    _text(feed, "updated", (records[0].updated_at if records else datetime.now(timezone.utc)).isoformat())
    etree.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=public_url("/feeds/stolen.atom"))
    for record in records:
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", public_url(f"/objects/{record.id}"))
        _text(entry, "title", f"{record.status.upper()}: {record.title or record.object_type} ({record.institution.name}, {record.object_number})", record.id)
        _text(entry, "updated", record.updated_at.isoformat())
        author = etree.SubElement(entry, f"{{{ATOM}}}author")
        _text(author, "name", record.institution.name, record.id)
        etree.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=public_url(f"/objects/{record.id}"))
        for photo in record.current_photos[:1]:
            etree.SubElement(entry, f"{{{ATOM}}}link", rel="enclosure", type="image/jpeg", href=public_url(f"/media/display/{photo.sha256}.jpg"))
        summary = "; ".join(filter(None, (record.object_type, record.materials, record.date_period, record.measurements_text,
                                          record.distinguishing_features, f"case {record.case_reference}" if record.case_reference else "")))
        _text(entry, "summary", summary, record.id)
    return Response(etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True), mimetype="application/atom+xml")


def _text(parent, tag: str, value: str, record_id: int | None = None) -> None:
    """Text stored before characters XML forbids were refused has them left out, and its record is logged."""
    clean = strip_forbidden(value)
    if clean != value:
        log.warning("record %s: characters XML 1.0 forbids left out of its Atom %s", record_id, tag)
    etree.SubElement(parent, f"{{{ATOM}}}{tag}").text = clean
