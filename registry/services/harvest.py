"""Harvesting museums' collection systems (OAI-PMH, LIDO) into the registry, incrementally, per institution."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

from registry.extensions import db
from registry.harvest.oai import HarvestError, list_records
from registry.models import HarvestSource
from registry.services.importer import UNREADABLE, ImportFileError, import_records, read_lido_records

__all__ = ["HarvestError", "harvest", "harvest_all", "harvest_source"]


def harvest_source(url: str, metadata_prefix: str, set_spec: str = "", institution: str = "") -> HarvestSource:
    """The endpoint (and set) as remembered for the next harvests, added on its first harvest."""
    source = db.session.scalar(select(HarvestSource).where(
        HarvestSource.url == url, HarvestSource.metadata_prefix == metadata_prefix, HarvestSource.set_spec == set_spec))
    if source is None:
        source = HarvestSource(url=url, metadata_prefix=metadata_prefix, set_spec=set_spec, institution=institution,
                               last_datestamp="", last_report={})
        db.session.add(source)
    elif institution:
        source.institution = institution
    db.session.commit()  # remembered before its records are imported (each row's rollback would forget it)
    return source


def harvest(source: HarvestSource, actor: str, since: str | None = None, photos_dir: Path | None = None,
            create_institutions: bool = False) -> dict[str, Any]:
    """Harvest what changed at the endpoint since the last harvest (or `since`) and import it record by record, as
    `registry import-objects` does: a record whose status changed there (stolen, missing) changes here.

    :raises HarvestError: when the endpoint cannot be harvested; nothing is remembered as harvested then.
    """
    if source.metadata_prefix != "lido":
        raise HarvestError(f"metadata prefix {source.metadata_prefix!r}: the registry reads LIDO (lido)")
    started = datetime.now(timezone.utc)
    records: list[tuple[int, dict[str, Any]]] = []
    newest, deleted = source.last_datestamp, 0
    for harvested in list_records(source.url, source.metadata_prefix, source.set_spec, since if since is not None else source.last_datestamp):
        newest = max(newest, harvested.datestamp)
        if harvested.deleted:
            deleted += 1  # the museum deleted its record: the registry's, evidence, stays
            continue
        records.extend((len(records) + 1, record) for record in _records_of(harvested.identifier, harvested.metadata))
    report = import_records(records, photos_dir, source.institution or None, actor, photos_required=False,
                            create_institutions=create_institutions).as_dict()
    report.update(harvested=len(records), deleted_at_source=deleted, since=since if since is not None else source.last_datestamp,
                  url=source.url, set=source.set_spec)
    source.last_datestamp, source.last_harvested_at, source.last_report = newest, started, report
    db.session.commit()
    return report


def _records_of(identifier: str, metadata: bytes) -> list[dict[str, Any]]:
    try:
        return [record for _, record in read_lido_records(metadata)]
    except ImportFileError as exc:
        return [{"object_number": "", "photos": [], UNREADABLE: f"OAI record {identifier}: {exc}"}]


def harvest_all(actor: str) -> list[dict[str, Any]]:
    """Harvest every endpoint harvested before, each from where it stopped (for cron or a systemd timer)."""
    reports = []
    for source in db.session.scalars(select(HarvestSource).order_by(HarvestSource.institution, HarvestSource.url)):
        try:
            reports.append(harvest(source, actor))
        except HarvestError as exc:
            db.session.rollback()
            reports.append({"url": source.url, "set": source.set_spec, "error": str(exc)})
    return reports
