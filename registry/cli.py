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
    from flask import current_app

    from registry.demo.accounts import ensure_demo_accounts

    accounts = ensure_demo_accounts(current_app.instance_path, cli_actor())
    click.echo("Demo accounts (passwords generated on this machine, kept in instance/demo-accounts.txt):")
    for account in accounts:
        click.echo(f"  {account['role']:16} {account['email']:32} password: {account['password']}")


IMPORT_EXIT_CODES = """\b
Exit codes:
  0  every row was imported (created, updated or unchanged)
  1  the import could not run or stopped: the file cannot be read, or the media store cannot be written
     (the rows before were imported; run the same command again)
  2  wrong usage: a bad option, or --institution names an institution that does not exist
     (nothing was imported; the closest names are suggested)
  3  the import ran to the end but one or more rows were rejected (each with its reason in the report)"""
EXIT_ROWS_REJECTED = 3


@click.command("import-objects", epilog=IMPORT_EXIT_CODES)
@click.argument("data_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "lido"]), help="File format (default: from the extension; .xml is LIDO).")
@click.option("--photos", "photos_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder the photo file names are relative to.")
@click.option("--institution", help="Registering institution for records that do not name one (it must exist).")
@click.option("--create-institution", is_flag=True,
              help="Create the institutions named (by --institution or the file) that do not exist yet.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def import_objects_command(data_file: Path, fmt: str | None, photos_dir: Path | None, institution: str | None,
                           create_institution: bool, as_json: bool) -> None:
    """Bulk-import Object ID records from a CSV file or a LIDO XML file.

    Each record is committed on its own: a rejected record leaves nothing behind, and re-running the
    same file updates what changed and creates nothing twice (so an interrupted import can be resumed).
    An institution that does not exist is refused (a misspelt name would create a second one), with the
    closest names, unless --create-institution is given.
    """
    from registry.imaging import MediaStoreError
    from registry.services.importer import ImportFileError, import_records, read_csv_records, read_lido_records, read_text_file
    from registry.services.institutions import find_institution, unknown_institution_message

    if institution and not create_institution and find_institution(institution) is None:
        if as_json:
            click.echo(json.dumps({"error": unknown_institution_message(institution)}))
        raise click.UsageError(unknown_institution_message(institution))
    fmt = fmt or ("lido" if data_file.suffix.lower() == ".xml" else "csv")
    try:
        records = read_lido_records(data_file.read_bytes()) if fmt == "lido" else read_csv_records(read_text_file(data_file))
    except ImportFileError as exc:
        _fail(str(exc), as_json)
    try:
        with click.progressbar(length=len(records), label="Importing", file=sys.stderr) as bar:
            report = import_records(records, photos_dir, institution, cli_actor(), on_row=lambda: bar.update(1),
                                    photos_required=fmt == "csv", create_institutions=create_institution)
    except MediaStoreError as exc:
        # Each row is committed on its own: the rows before this one are in; the same command resumes the import.
        _fail(f"{exc}: the import stopped at this row; the rows before it were imported. Run the same command again "
              "once the media store can be written.", as_json)
    _print_import_report(report, as_json)
    if report.rejections:
        click.get_current_context().exit(EXIT_ROWS_REJECTED)


def _print_import_report(report, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.as_dict()))
        return
    click.echo(f"created: {report.created}, updated: {report.updated}, unchanged: {report.unchanged}, rejected: {len(report.rejections)}")
    for rejection in report.rejections:
        click.echo(f"  row {rejection.row} ({rejection.object_number or 'no object number'}): {rejection.reason}")
    for warning in report.warnings:
        click.echo(f"  warning: {warning}")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "lido"]), default="lido", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of standard output.")
@click.option("--status", multiple=True, type=click.Choice(["inventory", "stolen", "missing", "looted", "recovered"]),
              help="Only records with this status (repeatable).")
@click.option("--institution", help="Only this institution's records.")
def export_command(fmt: str, output: Path | None, status: tuple[str, ...], institution: str | None) -> None:
    """Export records as CSV (the import columns) or LIDO 1.1 XML."""
    from sqlalchemy import select

    from registry.extensions import db
    from registry.models import Institution, ObjectRecord
    from registry.services.exchange import export_records

    statement = (select(ObjectRecord).join(Institution).where(ObjectRecord.deleted_at.is_(None))
                 .order_by(Institution.name, ObjectRecord.object_number))
    if status:
        statement = statement.where(ObjectRecord.status.in_(status))
    if institution:
        statement = statement.where(Institution.name == institution)
    data = export_records(db.session.scalars(statement), fmt)
    if output:
        output.write_bytes(data)
        click.echo(f"Wrote {output}.", err=True)
    else:
        sys.stdout.buffer.write(data)


@click.command("reindex")
@click.option("--batch", default=50, show_default=True, help="Photos committed per batch (an interrupted run resumes).")
def reindex_command(batch: int) -> None:
    """Compute matching signatures for photos that lack one of the current algorithm version."""
    from registry.matching import ALGORITHM_VERSION
    from registry.extensions import db
    from registry.services.index import photos_needing_signatures, reindex_photo
    from registry.services.photos import decode_stored

    photo_ids = photos_needing_signatures()
    with click.progressbar(photo_ids, label=f"Indexing ({ALGORITHM_VERSION})", file=sys.stderr) as bar:
        for done, photo_id in enumerate(bar, start=1):
            reindex_photo(photo_id, decode_stored)
            if done % batch == 0:
                db.session.commit()
    db.session.commit()
    click.echo(f"Indexed {len(photo_ids)} photo(s) with {ALGORITHM_VERSION}.")


@click.command("match")
@click.argument("photos", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--description", default="", help="What is known of the object (inscriptions, marks, damage...).")
@click.option("--object-type", default="", help="Type of object, e.g. statuette.")
@click.option("--materials", default="", help="Materials, e.g. bronze.")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 50), help="Candidates per photo.")
@click.option("--all-statuses", is_flag=True, help="Search every record, not only stolen, missing or looted ones.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array, one element per photo.")
@click.option("--user", "user_email", help="The account the check is made for (e-mail): logged as theirs (their agency "
              "sees it) and told by the standing watch when the object is reported lost later.")
def match_command(photos, description, object_type, materials, top, all_statuses, as_json, user_email) -> None:
    """Check photos of a suspect object against the registry; the check is logged."""
    from dataclasses import replace

    from registry.imaging import PhotoRejected
    from registry.services.accounts import find_user
    from registry.services.checks import OPERATOR, QueryPhoto, run_check
    from registry.services.photos import decode_query_upload

    principal = OPERATOR
    if user_email:
        user = find_user(user_email)
        if user is None or not user.active:
            raise click.ClickException(f"no active account has the e-mail {user_email}")
        principal = replace(OPERATOR, user_id=user.id, agency=user.agency or "")  # the operator still sees every record

    queries, failures = [], {}
    for path in photos:
        try:
            queries.append(QueryPhoto(str(path), decode_query_upload(path.read_bytes(), path.name)))
        except (OSError, PhotoRejected) as exc:
            failures[str(path)] = str(exc) if isinstance(exc, PhotoRejected) else f"{path}: cannot read the file ({exc.strerror})"
            click.echo(f"error: {failures[str(path)]}", err=True)
    fields = {"description": description, "object_type": object_type, "materials": materials}
    results = run_check(queries, fields, cli_actor(), "cli", top=top, all_statuses=all_statuses,
                        principal=principal)[1] if queries else []
    _warn_if_photos_unindexed()
    by_label = {r["query"]: r for r in results}
    ordered = [by_label.get(str(p)) or {"query": str(p), "took_ms": 0.0, "candidates": [], "error": failures[str(p)]} for p in photos]
    if as_json:
        click.echo(json.dumps(ordered))
    else:
        _print_matches(ordered)
    if failures and not results:
        sys.exit(2)


def _warn_if_photos_unindexed() -> None:
    from registry import matching
    from registry.services.index import live_index

    missing = live_index().photos_not_searched
    if missing:
        click.echo(f"warning: {missing} registered photo(s) have no signature of the current matching algorithm "
                   f"({matching.ALGORITHM_VERSION}) and were not searched: run `registry reindex`", err=True)


def _print_matches(results: list[dict]) -> None:
    for result in results:
        click.echo(f"{result['query']} ({result['took_ms']:.0f} ms)")
        if result.get("error"):
            click.echo(f"  error: {result['error']}")
        for c in result["candidates"]:
            click.echo(f"  {c['verdict']:9} {c['score']:.2f}  {c['institution']} {c['object_number']} [{c['status']}]  record {c['record_id']}")
        if not result["candidates"] and not result.get("error"):
            click.echo("  no candidate")


@click.group("redlists")
def redlists_group() -> None:
    """Red Lists: import, export and look up categories of objects at risk."""


@redlists_group.command("import")
@click.argument("data_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def redlists_import_command(data_file: Path | None, as_json: bool) -> None:
    """Import a Red List file (YAML or JSON, see registry/redlists/FORMAT.md); without FILE, the shipped
    ICOM index and demonstration categories. A file with any error changes nothing."""
    from registry.redlists import RedListFileError, load, load_default
    from registry.services.redlists import import_red_list_set, known_red_list_slugs

    try:
        red_set = load(data_file, known_red_lists=known_red_list_slugs()) if data_file else load_default()
    except RedListFileError as exc:
        _fail(str(exc), as_json)
    counts = import_red_list_set(red_set)
    if as_json:
        click.echo(json.dumps(counts.as_dict()))
    else:
        click.echo(", ".join(f"{name.replace('_', ' ')}: {value}" for name, value in counts.as_dict().items()))


@redlists_group.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of standard output.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
def redlists_export_command(output: Path | None, fmt: str) -> None:
    """Export every stored Red List and category in the import format."""
    from registry.redlists import dumps
    from registry.services.redlists import stored_red_list_set

    text = dumps(stored_red_list_set(), fmt)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@redlists_group.command("lookup")
@click.option("--text", default="", help="Free description in English, French or Spanish.")
@click.option("--region", default="", help="Country or region of origin.")
@click.option("--object-type", default="")
@click.option("--materials", default="")
@click.option("--year-from", type=int)
@click.option("--year-to", type=int)
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 50))
@click.option("--json", "as_json", is_flag=True, help='Print a JSON array: [{"red_list", "code", "name", "score", "may_fall_into", "evidence", "reasons"}].')
def redlists_lookup_command(text, region, object_type, materials, year_from, year_to, limit, as_json) -> None:
    """Which Red List categories an object may fall into, best first, with the reasons."""
    from registry.services.redlists import fit_as_dict, look_up_categories

    query = {"text": text, "region": region, "object_type": object_type, "materials": materials,
             "year_from": year_from, "year_to": year_to}
    if not any(v not in (None, "") for v in query.values()):
        _fail("describe the object: give --text or at least one facet", as_json)
    fits = [fit_as_dict(fit) for fit in look_up_categories(query)[:limit]]
    if as_json:
        click.echo(json.dumps(fits, ensure_ascii=False))
        return
    for fit in fits:
        flag = "may fall into" if fit["may_fall_into"] else "weak"
        click.echo(f"{fit['score']:.2f} {flag:13} {fit['code']:12} {fit['name']} ({fit['red_list']}): {'; '.join(fit['reasons'])}")
    if not fits:
        click.echo("No Red List category fits.")


@click.group("users")
def users_group() -> None:
    """Accounts: create, disable, reset passwords (for the server's operator)."""


@users_group.command("create")
@click.argument("email")
@click.option("--name", default="", help="Full name.")
@click.option("--role", type=click.Choice(["admin", "registrar", "law_enforcement", "dealer"]), required=True)
@click.option("--institution", default="", help="Institution of a registrar.")
@click.option("--agency", default="", help="Agency of a law-enforcement officer.")
@click.option("--organisation", default="", help="Dealer's business or auction house.")
@click.password_option(help="Initial password (prompted when not given).")
def users_create_command(email, name, role, institution, agency, organisation, password) -> None:
    """Create an account."""
    from registry.services.accounts import AccountError, create_user

    try:
        create_user(email, name, role, password, cli_actor(), institution=institution, agency=agency, organisation=organisation)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {role} account {email}.")


@users_group.command("disable")
@click.argument("email")
def users_disable_command(email: str) -> None:
    """Disable an account (its sessions and API tokens stop working)."""
    from registry.services.accounts import find_user, set_active

    user = find_user(email) or _no_such_user(email)
    set_active(user, False, cli_actor())
    click.echo(f"Disabled {user.email}.")


@users_group.command("reset-password")
@click.argument("email")
@click.password_option(help="New password (prompted when not given).")
def users_reset_password_command(email: str, password: str) -> None:
    """Set a new password; every address held back from signing in to the account may try again."""
    from registry.services.accounts import AccountError, find_user, set_password

    user = find_user(email) or _no_such_user(email)
    try:
        set_password(user, password, cli_actor())
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Password of {user.email} reset.")


def _no_such_user(email: str):
    raise click.ClickException(f"no account with e-mail {email}")


def _fail(message: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"error": message}))
    raise click.ClickException(message)


def _progress(iterable, label: str):
    return click.progressbar(iterable, label=label, file=sys.stderr)


def init_app(app: Flask) -> None:
    """Register the registry's commands on the app's CLI."""
    for command in (seed_demo_command, import_objects_command, export_command, reindex_command, match_command, redlists_group, users_group):
        app.cli.add_command(command)
    app.cli.add_command(_lazy("registry.objects.cli", "search_command"))
    app.cli.add_command(_lazy("registry.catalogue.cli", "catalogue_command"))
    app.cli.add_command(_lazy("registry.offline_bank.cli", "offline_bank_group"))
    app.cli.add_command(_lazy("registry.federation.cli", "federation_group"))
    for name in ("backup_command", "restore_command", "verify_backup_command"):
        app.cli.add_command(_lazy("registry.backup.commands", name))
    app.cli.add_command(_lazy("registry.harvest.cli", "harvest_command"))
    app.cli.add_command(_lazy("registry.watch.cli", "watch_group"))
    app.cli.add_command(_lazy("registry.media.commands", "media_group"))


def _lazy(module: str, name: str) -> click.Command:
    """A command from a feature's own module (imported when the app is made, not when this module is)."""
    import importlib

    return getattr(importlib.import_module(module), name)
