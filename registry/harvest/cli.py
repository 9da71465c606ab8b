"""`registry harvest`: import what changed in museums' collection systems (OAI-PMH, LIDO)."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("harvest")
@click.argument("url", required=False)
@click.option("--metadata-prefix", default="lido", show_default=True, help="The endpoint's metadata format (LIDO).")
@click.option("--set", "set_spec", default="", help="Only this OAI-PMH set.")
@click.option("--from", "since", help="Only records changed since this date (default: where the last harvest stopped).")
@click.option("--institution", default="", help="Registering institution for records that do not name one (remembered).")
@click.option("--photos", "photos_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder the records' image links are found in (web links are never fetched).")
@click.option("--create-institution", is_flag=True, help="Create an institution a record names that does not exist yet.")
@click.option("--all", "every", is_flag=True, help="Harvest every endpoint harvested before, each from where it stopped.")
@click.option("--json", "as_json", is_flag=True, help="Print the report(s) as one JSON array.")
def harvest_command(url, metadata_prefix, set_spec, since, institution, photos_dir, create_institution, every, as_json) -> None:
    """Harvest an OAI-PMH endpoint (resumption tokens followed) and import its LIDO records, incrementally."""
    from registry.cli import cli_actor
    from registry.services.harvest import HarvestError, harvest, harvest_all, harvest_source

    if bool(url) == every:
        raise click.ClickException("give an endpoint URL, or --all for every endpoint harvested before")
    if every:
        reports = harvest_all(cli_actor())
    else:
        try:
            reports = [harvest(harvest_source(url, metadata_prefix, set_spec, institution), cli_actor(), since, photos_dir,
                               create_institution)]
        except HarvestError as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(reports))
    else:
        for report in reports:
            if report.get("error"):
                click.echo(f"{report['url']}: error: {report['error']}")
                continue
            click.echo(f"{report['url']} {report['set']}: {report['harvested']} record(s) since {report['since'] or 'the start'}; "
                       f"created {report['created']}, updated {report['updated']}, unchanged {report['unchanged']}, "
                       f"rejected {report['rejected']}, deleted at the source {report['deleted_at_source']}")
            for rejected in report["rejected_rows"]:
                click.echo(f"  rejected #{rejected['row']} ({rejected['object_number'] or 'no object number'}): {rejected['reason']}")
    if any(report.get("error") for report in reports):
        raise SystemExit(1)
