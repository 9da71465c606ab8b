"""The stolen-objects feeds (JSON, Atom, and a JSON Feed with a hash per entry) that other registries and
marketplaces poll, each with a detached Ed25519 signature at its address + ".sig"."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from datetime import datetime, timezone

from flask import Blueprint, Response, current_app, jsonify, request
from lxml import etree
from sqlalchemy import and_, or_, select

from registry.clean_text import strip_forbidden
from registry.extensions import db
from registry.federation.entries import EXTENSION, JSON_FEED_VERSION, WITHDRAWN, with_hash
from registry.models import ObjectRecord, RecordChange
from registry.objectid.standard import LOSS_STATUSES
from registry.offline_bank.signing import SigningKeyError, fingerprint, public_key_text, sign
from registry.policy import ANONYMOUS, withheld_fields
from registry.services.exchange import public_url, record_to_exchange
from registry.services.photos import media_store
from registry.services.redlists import tag_codes_by_record

bp = Blueprint("feeds", __name__)
log = logging.getLogger(__name__)
FEED_SIZE = 200
ATOM = "http://www.w3.org/2005/Atom"


class _BadSince(ValueError):
    pass


def _since() -> datetime | None:
    since = request.args.get("since", "").strip()
    if not since:
        return None
    try:
        moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        raise _BadSince() from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _stamp(moment: datetime) -> str:
    """A time as RFC 3339 in UTC, as Atom and JSON Feed require (SQLite gives back times without their zone)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat()


def _public_exchange(record: ObjectRecord, codes: list[str]) -> dict:
    """The record as anyone may read it: the feeds are public, so the fields a visitor may not see
    (policy.FIELD_VISIBILITY: the police case reference, the notes on the loss, who registered it) are left empty."""
    return record_to_exchange(record, codes, withheld_fields(ANONYMOUS, record.status, record.institution_id))


def _lost_records() -> list[ObjectRecord]:
    """This registry's records reported stolen, missing or looted, newest change first; `?since=` for what changed after."""
    statement = (select(ObjectRecord).where(ObjectRecord.status.in_(LOSS_STATUSES), ObjectRecord.source_id.is_(None),
                                            ObjectRecord.deleted_at.is_(None))
                 .order_by(ObjectRecord.updated_at.desc()).limit(FEED_SIZE))
    since = _since()
    if since:
        statement = statement.where(ObjectRecord.updated_at > since)
    return list(db.session.scalars(statement))


def _bad_since():
    response = jsonify(error="since must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z", status=400)
    response.status_code = 400
    return response


def _stolen_json_bytes() -> bytes:
    records = _lost_records()
    codes = tag_codes_by_record([r.id for r in records])
    return json.dumps({
        "title": "Objects reported stolen, missing or looted",
        "updated": (_stamp(records[0].updated_at) if records else None),
        "items": [{**_public_exchange(r, codes[r.id]), "url": public_url(f"/objects/{r.id}"), "updated": _stamp(r.updated_at)} for r in records],
    }, sort_keys=True).encode()


def _stolen_atom_bytes() -> bytes:
    records = _lost_records()
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _text(feed, "title", "Objects reported stolen, missing or looted")
    _text(feed, "id", public_url("/feeds/stolen.atom"))
    _text(feed, "updated", _stamp(records[0].updated_at if records else datetime(1970, 1, 1, tzinfo=timezone.utc)))
    etree.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=public_url("/feeds/stolen.atom"))
    for record in records:
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", public_url(f"/objects/{record.id}"))
        _text(entry, "title", f"{record.status.upper()}: {record.title or record.object_type} ({record.institution.name}, {record.object_number})", record.id)
        _text(entry, "updated", _stamp(record.updated_at))
        author = etree.SubElement(entry, f"{{{ATOM}}}author")
        _text(author, "name", record.institution.name, record.id)
        etree.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=public_url(f"/objects/{record.id}"))
        for photo in record.current_photos[:1]:
            etree.SubElement(entry, f"{{{ATOM}}}link", rel="enclosure", type="image/jpeg", href=public_url(f"/media/display/{photo.sha256}.jpg"))
        summary = "; ".join(filter(None, (record.object_type, record.materials, record.date_period, record.measurements_text,
                                          record.distinguishing_features)))
        _text(entry, "summary", summary, record.id)
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _json_feed_bytes() -> bytes:
    """A JSON Feed 1.1 of this registry's published lost records, oldest change first, `?since=` (inclusive) for
    what changed at or after it: records reported lost or changed, recovered ones, and withdrawn ones (no details,
    as they are no longer published), FEED_SIZE at a time with `next_url` to the rest."""
    since = _since()
    records = _changed_records(since)
    codes = tag_codes_by_record([r.id for r in records])
    feed = {
        "version": JSON_FEED_VERSION, "title": f"{current_app.config['PUBLISHER']}: objects reported stolen, missing or looted",
        "home_page_url": public_url("/"), "feed_url": public_url("/feeds/stolen.feed.json"),
        EXTENSION: {"publisher": current_app.config["PUBLISHER"], "since": since.isoformat() if since else None},
        "items": [_json_feed_item(r, codes[r.id]) for r in records],
    }
    if len(records) == FEED_SIZE:
        feed["next_url"] = public_url(f"/feeds/stolen.feed.json?since={_stamp(records[-1].updated_at)}").replace("+", "%2B")
    return json.dumps(feed, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _changed_records(since: datetime | None) -> list[ObjectRecord]:
    published = ObjectRecord.status.in_(LOSS_STATUSES | ({"recovered"} if since else set()))
    condition = published
    if since is not None:
        status_changed = select(RecordChange.record_id).where(RecordChange.action == "status", RecordChange.changed_at >= since)
        condition = and_(ObjectRecord.updated_at >= since, or_(published, ObjectRecord.id.in_(status_changed)))
    statement = (select(ObjectRecord).where(condition, ObjectRecord.source_id.is_(None), ObjectRecord.deleted_at.is_(None))
                 .order_by(ObjectRecord.updated_at, ObjectRecord.id).limit(FEED_SIZE))
    return list(db.session.scalars(statement))


def _json_feed_item(record: ObjectRecord, codes: list[str]) -> dict:
    url = public_url(f"/objects/{record.id}")
    item = {"id": url, "url": url, "date_modified": _stamp(record.updated_at)}
    if record.status not in LOSS_STATUSES | {"recovered"}:
        return {**item, EXTENSION: with_hash({"status": WITHDRAWN})}
    photos = [{"url": public_url(f"/media/display/{p.sha256}.jpg"), "sha256": _display_sha256(p.sha256)} for p in record.current_photos]
    exchanged = _public_exchange(record, codes)
    exchanged.pop("photos")
    return {**item, "title": f"{record.status.upper()}: {record.title or record.object_type} ({record.institution.name}, {record.object_number})",
            "content_text": "; ".join(filter(None, (record.object_type, record.materials, record.date_period))),
            **({"image": photos[0]["url"]} if photos else {}),
            EXTENSION: with_hash({"status": record.status, "record": exchanged, "photos": photos})}


def _display_sha256(sha256: str) -> str:
    try:
        data = media_store().read("display", sha256)
    except ValueError:  # not a content hash
        return ""
    return hashlib.sha256(data).hexdigest() if data is not None else ""


FEEDS = {"stolen.json": (_stolen_json_bytes, "application/json"), "stolen.atom": (_stolen_atom_bytes, "application/atom+xml"),
         "stolen.feed.json": (_json_feed_bytes, "application/feed+json")}


def _serve(name: str, signature: bool):
    build, mimetype = FEEDS[name]
    try:
        data = build()
    except _BadSince:
        return _bad_since()
    if not signature:
        return Response(data, mimetype=mimetype)
    from registry.services.offline_bank import signing_key

    try:
        key = signing_key()
    except SigningKeyError:
        response = jsonify(error="this registry has no signing key: its feeds are not signed", status=404)
        response.status_code = 404
        return response
    response = Response(base64.b64encode(sign(key, data)) + b"\n", mimetype="text/plain")
    response.headers["X-Signing-Key"] = fingerprint(public_key_text(key))
    return response


@bp.get("/feeds/stolen.json")
def stolen_json():
    """Published lost objects as JSON: each entry is the exchange record plus its page URL and last change."""
    return _serve("stolen.json", signature=False)


@bp.get("/feeds/stolen.atom")
def stolen_atom():
    """Published lost objects as an Atom feed."""
    return _serve("stolen.atom", signature=False)


@bp.get("/feeds/stolen.feed.json")
def stolen_json_feed():
    """Published lost objects as a JSON Feed 1.1 with a content hash per entry (what other registries pull)."""
    return _serve("stolen.feed.json", signature=False)


@bp.get("/feeds/stolen.json.sig")
def stolen_json_signature():
    """The detached Ed25519 signature (base64) of /feeds/stolen.json with the same query string."""
    return _serve("stolen.json", signature=True)


@bp.get("/feeds/stolen.atom.sig")
def stolen_atom_signature():
    """The detached Ed25519 signature (base64) of /feeds/stolen.atom with the same query string."""
    return _serve("stolen.atom", signature=True)


@bp.get("/feeds/stolen.feed.json.sig")
def stolen_json_feed_signature():
    """The detached Ed25519 signature (base64) of /feeds/stolen.feed.json with the same query string."""
    return _serve("stolen.feed.json", signature=True)


def _text(parent, tag: str, value: str, record_id: int | None = None) -> None:
    """Text stored before characters XML forbids were refused has them left out, and its record is logged."""
    clean = strip_forbidden(value)
    if clean != value:
        log.warning("record %s: characters XML 1.0 forbids left out of its Atom %s", record_id, tag)
    etree.SubElement(parent, f"{{{ATOM}}}{tag}").text = clean
