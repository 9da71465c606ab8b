"""The `registry` command: the Flask CLI of the app plus the registry's own commands."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup


def main() -> None:
    """Entry point of the `registry` console script."""
    from registry import create_app

    cli = FlaskGroup(create_app=create_app, help="The Object ID Registry.")
    cli.main(prog_name="registry")


def cli_actor() -> str:
    """Name the person running a CLI command, for the history."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in some containers
        return "cli"


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the registry already holds records.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demonstration collection (generated photos; nothing downloaded)."""
    from registry.demo import seed_demo

    created = seed_demo(cli_actor(), only_if_empty=if_empty, progress=_progress)
    click.echo(f"Demo collection: {created} record(s) created.")


@click.command("import-objects")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--photos", "photos_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder the file names in the photos column are relative to.")
@click.option("--institution", help="Registering institution for rows without an institution column.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def import_objects_command(csv_file: Path, photos_dir: Path | None, institution: str | None, as_json: bool) -> None:
    """Bulk-import Object ID records from a CSV file.

    Each row is committed on its own: a rejected row leaves nothing behind, and re-running the same
    file updates what changed and creates nothing twice (so an interrupted import can be resumed).
    """
    from registry.services.importer import ImportFileError, import_rows, iter_csv_text, read_rows

    try:
        _, rows = read_rows(iter_csv_text(csv_file))
    except ImportFileError as exc:
        _fail(str(exc), as_json)
    with click.progressbar(length=len(rows), label="Importing", file=sys.stderr) as bar:
        report = import_rows(rows, photos_dir, institution, cli_actor(), on_row=lambda: bar.update(1))
    if as_json:
        click.echo(json.dumps(report.as_dict()))
        return
    click.echo(f"created: {report.created}, updated: {report.updated}, unchanged: {report.unchanged}, rejected: {len(report.rejections)}")
    for rejection in report.rejections:
        click.echo(f"  row {rejection.row} ({rejection.object_number or 'no object number'}): {rejection.reason}")


def _fail(message: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"error": message}))
    raise click.ClickException(message)


def _progress(iterable, label: str):
    return click.progressbar(iterable, label=label, file=sys.stderr)


def init_app(app: Flask) -> None:
    """Register the registry's commands on the app's CLI."""
    for command in (seed_demo_command, import_objects_command):
        app.cli.add_command(command)
