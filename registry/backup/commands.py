"""`registry backup`, `registry restore` and `registry verify-backup`: the operator's door to registry/backup/."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _say(message: str) -> None:
    click.echo(message, err=True)


def _report(verification, as_json: bool, extra: dict) -> None:
    if as_json:
        click.echo(json.dumps({**extra, "ok": verification.ok, "checked_files": verification.checked_files,
                               "problems": verification.problems}))
    else:
        for problem in verification.problems:
            click.echo(f"  problem: {problem}")
    if not verification.ok:
        sys.exit(1)


@click.command("backup")
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path),
              help="Backup folder (an earlier backup there is brought up to date), or a .tar / .tar.gz file.")
@click.option("--link-dest", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="An earlier backup folder: photo files it holds are hard-linked instead of copied.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
def backup_command(output: Path, link_dest: Path | None, as_json: bool) -> None:
    """Back up the database and every photo file, with a manifest (rows per table, SHA-256 of every photo)."""
    from registry.backup import BackupError, backup
    from registry.extensions import db
    from registry.services.photos import media_store

    try:
        manifest = backup(db.engine, media_store().storage, output, link_dest, progress=_say)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    summary = {"output": str(output), "dialect": manifest.dialect, "rows": sum(manifest.tables.values()),
               "tables": len(manifest.tables), "photo_files": len(manifest.media), "photo_bytes": manifest.media_bytes,
               **manifest.copied, "took_seconds": manifest.took_seconds}
    if as_json:
        click.echo(json.dumps(summary))
        return
    click.echo(f"Backed up {summary['rows']} rows in {summary['tables']} tables and {summary['photo_files']} photo files "
               f"({manifest.copied.get('copied', 0)} copied, {manifest.copied.get('kept', 0)} already there, "
               f"{manifest.copied.get('linked', 0)} linked) to {output} in {manifest.took_seconds:.1f} s.")


@click.command("verify-backup")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def verify_backup_command(source: Path, as_json: bool) -> None:
    """Check a backup against its manifest (database copy and every photo file's SHA-256); exit 1 on any problem."""
    from registry.backup import BackupError, verify_backup

    try:
        manifest, result = verify_backup(source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    if not as_json:
        verdict = "sound" if result.ok else f"NOT sound ({len(result.problems)} problem(s))"
        click.echo(f"Backup of {manifest.created_at} ({manifest.dialect}, {sum(manifest.tables.values())} rows, "
                   f"{result.checked_files} photo files checked): {verdict}.")
    _report(result, as_json, {"created_at": manifest.created_at})


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database and photo storage that are not empty (their contents are lost).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def restore_command(source: Path, force: bool, as_json: bool) -> None:
    """Restore a backup into the configured, empty database and photo storage; then check both against its manifest.

    Stop the application servers first, and start them again afterwards: each loads its photo index as it starts.
    """
    from flask import current_app

    from registry.backup import BackupError, restore
    from registry.extensions import db
    from registry.services.index import forget_live_index
    from registry.services.photos import media_store

    db.session.remove()  # this command's own open transaction would hold the locks that replacing the tables needs
    try:
        manifest, result = restore(db.engine, media_store().storage, source, force=force, progress=_say)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        db.session.remove()
    forget_live_index(current_app)
    if not as_json:
        verdict = "every table's rows and every photo's SHA-256 are as in the manifest" if result.ok else "MISMATCH"
        click.echo(f"Restored the backup of {manifest.created_at}: {verdict}.")
        if manifest.schema_revision:
            click.echo("Next: `registry db upgrade` (if this version's schema is newer), then `registry reindex`.")
    _report(result, as_json, {"created_at": manifest.created_at})


def init_app(app) -> None:
    """Register the backup commands on the app's CLI."""
    for command in (backup_command, restore_command, verify_backup_command):
        app.cli.add_command(command)
