"""Records in exchange form (CSV and LIDO XML) for export, and the stolen-objects feed."""

from __future__ import annotations

import logging
from typing import Any, Iterable

from flask import current_app, has_request_context, url_for

from registry.clean_text import strip_forbidden_in
from registry.exchange.csv_io import records_to_csv
from registry.exchange.lido import records_to_lido
from registry.models import ObjectRecord
from registry.policy import Principal, withheld_fields
from registry.services.importer import FIELD_KEYS
from registry.services.redlists import tag_codes_by_record

log = logging.getLogger(__name__)


# The CLI is the server operator's door: every field.
OPERATOR = Principal(role="admin")
OUTSIDE_A_REQUEST_URL = "http://127.0.0.1:5000"  # the CLI's links when neither PUBLIC_URL nor SERVER_NAME is set


def public_url(path: str) -> str:
    """An absolute URL on this registry: under REGISTRY_PUBLIC_URL when set (e.g. https://registry.example.org), else
    where the request came to (any host and port the registry is served on), else OUTSIDE_A_REQUEST_URL."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/") + path
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("home.index", _external=True).rstrip("/") + path
    return OUTSIDE_A_REQUEST_URL + path


def record_to_exchange(record: ObjectRecord, tag_codes: list[str] | None = None,
                       withheld: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A record as the plain dict the CSV and LIDO writers take (photos as links to their served copies).

    Characters XML cannot carry, in text stored before they were refused, are left out (and the record logged), so
    that one old record cannot make an export or a feed fail.

    :param tag_codes: the record's category codes when already fetched for many records.
    :param withheld: fields the reader may not see (policy.withheld_fields): written empty.
    """
    exchanged: dict[str, Any] = {key: getattr(record, key) for key in FIELD_KEYS}
    exchanged["documented_on"] = record.documented_on.isoformat() if record.documented_on else None
    exchanged.update(
        institution=record.institution.name,
        status=record.status,
        loss_date=record.loss_date.isoformat() if record.loss_date else None,
        loss_place=record.loss_place,
        case_reference=record.case_reference,
        loss_notes=record.loss_notes,
        red_list_categories=tag_codes if tag_codes is not None else tag_codes_by_record([record.id])[record.id],
        provenance=record.provenance or [],
        photos=[{"url": public_url(f"/media/display/{p.sha256}.jpg"), "sha256": p.sha256, "filename": p.original_filename,
                 "caption": p.caption} for p in record.current_photos],
    )
    for name in withheld & exchanged.keys():
        exchanged[name] = [] if isinstance(exchanged[name], list) else None if name == "loss_date" else ""
    clean, fields = strip_forbidden_in(exchanged)
    if fields:
        log.warning("record %s: characters XML 1.0 forbids left out of the exported %s", record.id, ", ".join(fields))
    return clean


def export_records(records: Iterable[ObjectRecord], fmt: str, principal: Principal = OPERATOR) -> bytes:
    """Records as CSV (UTF-8) or LIDO 1.1 XML, without the fields `principal` may not see (the operator sees all)."""
    records = list(records)
    codes = tag_codes_by_record([record.id for record in records])
    exchanged = [record_to_exchange(record, codes[record.id], withheld_fields(principal, record.status, record.institution_id))
                 for record in records]
    if fmt == "csv":
        return records_to_csv(exchanged).encode("utf-8")
    if fmt == "lido":
        return records_to_lido(exchanged, publisher=current_app.config.get("PUBLISHER", "Object ID Registry"))
    raise ValueError(f"unknown export format {fmt!r}: use csv or lido")
