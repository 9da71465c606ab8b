"""`registry media ...`: the photo storage, for the server's operator (purging deleted records' photos, migrating)."""

from __future__ import annotations

import json

import click


@click.group("media")
def media_group() -> None:
    """Photo files: purge those of deleted records after retention; move them to another storage."""


@media_group.command("purge-deleted")
@click.option("--days", type=click.IntRange(0), help="Retention in days (default: REGISTRY_DELETED_PHOTO_RETENTION_DAYS).")
@click.option("--dry-run", is_flag=True, help="Say what would be purged, and purge nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def purge_deleted_command(days: int | None, dry_run: bool, as_json: bool) -> None:
    """Remove the photo files of records deleted longer ago than the retention period.

    Files that are evidence (the same photo submitted in a check or covered by a certificate, or shown by a record
    not deleted) are kept. Each purge is written to the record's history. Run it daily (cron or a systemd timer).
    """
    from flask import current_app

    from registry.cli import cli_actor
    from registry.services.deletion import purge_deleted_photos
    from registry.services.photos import media_store

    retention = current_app.config["DELETED_PHOTO_RETENTION_DAYS"] if days is None else days
    report = purge_deleted_photos(media_store(), int(retention), cli_actor(), dry_run=dry_run)
    summary = {"retention_days": int(retention), "dry_run": dry_run, "photos": report.photos, "records": len(report.records),
               "files_removed": report.files_removed, "files_kept_as_evidence": report.files_kept_as_evidence}
    if as_json:
        click.echo(json.dumps(summary))
        return
    verb = "would be purged" if dry_run else "purged"
    click.echo(f"{report.photos} photo(s) of {len(report.records)} deleted record(s) {verb} (retention {retention} days): "
               f"{report.files_removed} file(s) removed, {report.files_kept_as_evidence} photo(s) kept as evidence.")


def init_app(app) -> None:
    """Register the media commands on the app's CLI."""
    app.cli.add_command(media_group)
