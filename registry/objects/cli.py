"""`registry search`: the records search of the page and the API, from the command line (with the operator's full view)."""

from __future__ import annotations

import json

import click

from registry.objectid.standard import STATUSES
from registry.services.search import SIZE_UNITS

LIMIT_DEFAULT = 50


def _size_options(command):
    """--height-min ... --weight-max, in cm (kg for weight)."""
    for name in reversed(SIZE_UNITS):
        for end in ("max", "min"):
            command = click.option(f"--{name}-{end}", f"{name}_{end}", type=float,
                                   help=f"{name.title()} {'at least' if end == 'min' else 'at most'} this many "
                                        f"{SIZE_UNITS[name]}.")(command)
    return command


@click.command("search")
@click.option("--text", default="", help="Words to find in any text field (all must appear).")
@click.option("--object-type", default="", help="Type of object contains this.")
@click.option("--material", default="", help="Materials contain this.")
@click.option("--status", type=click.Choice(STATUSES), help="Only records with this status.")
@click.option("--institution", help="Only this institution's records (its exact name).")
@click.option("--year-from", type=int, help="Dated in or after this year (negative for BCE).")
@click.option("--year-to", type=int, help="Dated in or before this year.")
@_size_options
@click.option("--limit", default=LIMIT_DEFAULT, show_default=True, type=click.IntRange(1, 10000), help="At most this many records.")
@click.option("--json", "as_json", is_flag=True, help='Print one JSON object: {"total": N, "records": [...]}.')
def search_command(text, object_type, material, status, institution, year_from, year_to, limit, as_json, **sizes) -> None:
    """Search the records, newest first, as the records page and the API do (every record: the CLI is the
    operator's door). Exits 1 when the search cannot be run (a size range that runs backwards, an unknown institution)."""
    from sqlalchemy import func, select

    from registry.cli import _fail
    from registry.extensions import db
    from registry.models import Institution
    from registry.policy import Principal
    from registry.services.search import InvalidSearch, RecordQuery, check_size_ranges, search_statement, size_bounds

    institution_id = None
    if institution:
        institution_id = db.session.scalar(select(Institution.id).where(Institution.name == institution.strip()))
        if institution_id is None:
            _fail(f"no institution named {institution!r}", as_json)
    bounds = size_bounds(sizes)
    try:
        check_size_ranges(bounds)
    except InvalidSearch as exc:
        _fail(_as_option(exc), as_json)
    query = RecordQuery(text=text, object_type=object_type, material=material, status=status or "", year_from=year_from,
                        year_to=year_to, institution_id=institution_id, sizes=bounds)
    statement = search_statement(query, Principal(role="admin"))
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    records = list(db.session.scalars(statement.limit(limit)))
    if as_json:
        click.echo(json.dumps({"total": total, "records": [_as_dict(record) for record in records]}, ensure_ascii=False))
        return
    for record in records:
        click.echo(f"{record.id:>6}  {record.institution.name} {record.object_number}  [{record.status}]  "
                   f"{record.title or record.object_type}{_sizes_text(record)}")
    click.echo(f"{total} record(s) found" + (f", {len(records)} shown." if total > len(records) else "."), err=True)


def _as_option(error) -> str:
    """The search's message after the option it is about (height_max -> --height-max)."""
    return f"--{error.field.replace('_', '-')}: {error}"


def _as_dict(record) -> dict:
    return {
        "id": record.id, "institution": record.institution.name, "object_number": record.object_number,
        "object_type": record.object_type, "title": record.title, "status": record.status,
        "height_cm": record.height_cm, "width_cm": record.width_cm, "depth_cm": record.depth_cm,
        "diameter_cm": record.diameter_cm, "weight_kg": record.weight_kg,
    }


def _sizes_text(record) -> str:
    parts = [f"{name[0].upper()} {value:g} {unit}" for name, unit in SIZE_UNITS.items()
             if (value := getattr(record, f"{name}_{unit}")) is not None]
    return f"  ({', '.join(parts)})" if parts else ""
