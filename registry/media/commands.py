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


@media_group.command("migrate")
@click.option("--to", "destination", required=True,
              help="Where the photo files go: s3://bucket/prefix (S3, MinIO, Ceph) or a local folder.")
@click.option("--endpoint-url", help="The S3 endpoint when it is not AWS (default: REGISTRY_S3_ENDPOINT_URL).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def migrate_command(destination: str, endpoint_url: str | None, as_json: bool) -> None:
    """Copy every photo file (originals, display copies, thumbnails) from the configured storage to another.

    Resumable: files already at the destination are skipped, so run it again after an interruption. Then set
    REGISTRY_MEDIA_STORE (and REGISTRY_S3_ENDPOINT_URL) to the destination, restart the application servers, and run
    it once more to copy the photos written in between.
    """
    import sys

    from flask import current_app

    from registry.services.photos import media_store
    from registry.storage import open_storage
    from registry.storage.migrate import copy_files

    source = media_store().storage
    target = open_storage(destination, endpoint_url=endpoint_url or current_app.config.get("S3_ENDPOINT_URL") or None,
                          region=current_app.config.get("S3_REGION") or None)
    click.echo(f"Copying photo files from {source.describe()} to {target.describe()}", err=True)

    def progress(done: int) -> None:
        if done % 1000 == 0:
            click.echo(f"  {done} files looked at", err=True)
            sys.stderr.flush()

    report = copy_files(source, target, progress)
    summary = {"copied": report.copied, "already_there": report.already_there, "bytes_copied": report.bytes_copied,
               "damaged": report.damaged}
    if as_json:
        click.echo(json.dumps(summary))
    else:
        click.echo(f"{report.copied} file(s) copied ({report.bytes_copied / 1e6:.1f} MB), {report.already_there} already there.")
        for key in report.damaged:
            click.echo(f"  not copied, its bytes do not match its name: {key}")
    if report.damaged:
        raise SystemExit(1)


def init_app(app) -> None:
    """Register the media commands on the app's CLI."""
    app.cli.add_command(media_group)
