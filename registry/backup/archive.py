"""Backing up, verifying and restoring the registry: the database copy, the photo files, and the manifest.

A backup is a folder (or a .tar / .tar.gz of one)::

    manifest.json        what it holds: rows per table, SHA-256 of every photo file (written last)
    database.pgdump      pg_dump custom format (PostgreSQL), or database.sqlite (SQLite's online backup)
    media/<key>          every file of the photo storage, at its storage key (originals/, display/, thumb/)

Photo files are named by content hash and never change, so a backup into a folder that already holds an earlier
backup, or with ``link_dest`` naming an earlier backup folder, copies only the photos that are new (the others are
kept, or hard-linked from the earlier backup at no cost in space).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tarfile
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy.engine import Engine

from registry.backup import database
from registry.backup.database import DUMP_FILES, DatabaseCopyError
from registry.backup.manifest import MEDIA, Manifest, Verification, sha256_of, sha256_of_file
from registry.storage import FileStorage, StoredFileMissing

TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz")


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


def backup(engine: Engine, storage: FileStorage, output: Path, link_dest: Path | None = None,
           progress: Callable[[str], None] = lambda message: None) -> Manifest:
    """Take a consistent backup of the database and every photo file into ``output`` (a folder, or a .tar/.tar.gz).

    The database is copied first; photo files are written before the rows that name them are committed and are never
    changed, so every file the copy names exists when the files are copied after it.

    :param link_dest: an earlier backup folder: photo files it holds are hard-linked, not copied again.
    """
    if output.name.endswith(TAR_SUFFIXES):
        with _work_folder(output.parent) as folder:
            manifest = backup(engine, storage, folder, link_dest, progress)
            _pack(folder, output)
            return manifest
    started = time.perf_counter()
    output.mkdir(parents=True, exist_ok=True)
    earlier = _earlier_hashes(output, link_dest)
    with contextlib.suppress(FileNotFoundError):
        (output / "manifest.json").unlink()  # an interrupted run must not leave the old manifest describing new files
    dump_file = output / DUMP_FILES.get(engine.dialect.name, "database")
    progress(f"copying the {engine.dialect.name} database")
    try:
        tables = database.dump(engine, dump_file)
        with engine.connect() as connection:
            revision = database.schema_revision(connection)
    except DatabaseCopyError as exc:
        raise BackupError(str(exc)) from exc
    progress(f"copying photo files from {storage.describe()}")
    media, copied = _copy_media(storage, output / MEDIA, earlier, link_dest)
    manifest = Manifest(
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        dialect=engine.dialect.name,
        database_file=dump_file.name,
        database_sha256=sha256_of_file(dump_file),
        schema_revision=revision,
        tables=tables,
        media=media,
        media_bytes=sum((output / MEDIA / key).stat().st_size for key in media),
        copied=copied,
    )
    manifest.took_seconds = round(time.perf_counter() - started, 3)
    manifest.write(output)
    return manifest


def verify_backup(source: Path) -> tuple[Manifest, Verification]:
    """Check a backup against its manifest: the database copy's hash and soundness (SQLite: integrity check and rows
    per table; PostgreSQL: the archive's table of contents names every table), and every photo file's SHA-256."""
    with _unpacked(source) as folder:
        manifest = _read_manifest(folder)
        result = Verification()
        dump_file = folder / manifest.database_file
        if not dump_file.is_file():
            result.problems.append(f"the database copy {manifest.database_file} is missing")
        elif sha256_of_file(dump_file) != manifest.database_sha256:
            result.problems.append(f"the database copy {manifest.database_file} is not the one the manifest names")
        else:
            _verify_database_copy(manifest, dump_file, result)
        for key, expected in sorted(manifest.media.items()):
            path = folder / MEDIA / key
            result.checked_files += 1
            if not path.is_file():
                result.problems.append(f"photo file {key} is missing")
            elif sha256_of_file(path) != expected:
                result.problems.append(f"photo file {key} does not have the SHA-256 the manifest names")
        return manifest, result


def restore(engine: Engine, storage: FileStorage, source: Path, force: bool = False,
            progress: Callable[[str], None] = lambda message: None) -> tuple[Manifest, Verification]:
    """Restore a backup into the configured database and photo storage, then check them against the manifest.

    :param force: replace a database and a photo storage that are not empty (their contents are lost: files the
        backup does not hold are removed).
    :raises BackupError: the backup is unsound, is of another kind of database, or the target is not empty.
    """
    with _unpacked(source) as folder:
        manifest, sound = verify_backup(folder)
        if not sound.ok:
            raise BackupError("the backup does not match its manifest, nothing was restored: " + "; ".join(sound.problems[:5]))
        if manifest.dialect != engine.dialect.name:
            raise BackupError(f"this is a backup of a {manifest.dialect} database and the registry is configured for "
                              f"{engine.dialect.name}: restore it into a {manifest.dialect} database")
        if not force:
            _refuse_unless_empty(engine, storage)
        progress(f"restoring the {manifest.dialect} database")
        try:
            database.restore(engine, folder / manifest.database_file, force)
        except DatabaseCopyError as exc:
            raise BackupError(str(exc)) from exc
        progress(f"restoring {len(manifest.media)} photo files into {storage.describe()}")
        _restore_media(storage, folder / MEDIA, manifest, force)
        return manifest, check_restored(engine, storage, manifest)


def check_restored(engine: Engine, storage: FileStorage, manifest: Manifest) -> Verification:
    """Compare a registry with a backup's manifest: rows per table, and the SHA-256 of every photo file it names."""
    result = Verification()
    with engine.connect() as connection:
        result.compare_counts(manifest.tables, database.row_counts(connection))
    for key, expected in sorted(manifest.media.items()):
        result.checked_files += 1
        try:
            if sha256_of(storage.get(key)) != expected:
                result.problems.append(f"photo file {key} differs from the backup's")
        except StoredFileMissing:
            result.problems.append(f"photo file {key} is missing")
    return result


def _read_manifest(folder: Path) -> Manifest:
    try:
        return Manifest.read(folder)
    except ValueError as exc:
        raise BackupError(str(exc)) from exc


def _verify_database_copy(manifest: Manifest, dump_file: Path, result: Verification) -> None:
    try:
        if manifest.dialect == "sqlite":
            verdict = database.sqlite_integrity(dump_file)
            if verdict != "ok":
                result.problems.append(f"the SQLite copy is damaged: {verdict}")
            result.compare_counts(manifest.tables, database.sqlite_row_counts(dump_file))
        else:
            missing = set(manifest.tables) - database.pg_dump_tables(dump_file)
            if missing:
                result.problems.append(f"the PostgreSQL archive holds no data for: {', '.join(sorted(missing))}")
    except Exception as exc:  # noqa: BLE001 (any failure to read the copy is a finding, not a crash)
        result.problems.append(f"the database copy cannot be read: {exc}")


def _earlier_hashes(output: Path, link_dest: Path | None) -> dict[str, str]:
    """SHA-256 by key of the photo files an earlier backup (in ``output`` itself, or ``link_dest``) holds."""
    hashes: dict[str, str] = {}
    for folder in filter(None, (link_dest, output)):
        with contextlib.suppress(ValueError):
            hashes.update(Manifest.read(folder).media)
    return hashes


def _copy_media(storage: FileStorage, target: Path, earlier: dict[str, str],
                link_dest: Path | None) -> tuple[dict[str, str], dict[str, int]]:
    media: dict[str, str] = {}
    copied = {"copied": 0, "linked": 0, "kept": 0}
    for key in storage.keys():
        path = target / key
        if key in earlier and path.is_file() and path.stat().st_size > 0:
            media[key], copied["kept"] = earlier[key], copied["kept"] + 1
            continue
        if key in earlier and link_dest is not None and (link_dest / MEDIA / key).is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            os.link(link_dest / MEDIA / key, path)
            media[key], copied["linked"] = earlier[key], copied["linked"] + 1
            continue
        try:
            data = storage.get(key)
        except StoredFileMissing:  # removed between the listing and the read (a purge): not named by the copy
            continue
        _write_whole(path, data)
        media[key], copied["copied"] = sha256_of(data), copied["copied"] + 1
    return media, copied


def _restore_media(storage: FileStorage, source: Path, manifest: Manifest, force: bool) -> None:
    if force:
        for key in list(storage.keys()):
            if key not in manifest.media:
                storage.delete(key)
    for key, expected in manifest.media.items():
        if force and storage.exists(key) and sha256_of(storage.get(key)) == expected:
            continue
        storage.put(key, (source / key).read_bytes())


def _refuse_unless_empty(engine: Engine, storage: FileStorage) -> None:
    if not database.is_empty(engine):
        raise BackupError("the database is not empty: restore into an empty database, or pass --force to replace "
                          "its contents (they are lost)")
    if next(iter(storage.keys()), None) is not None:
        raise BackupError(f"the photo storage ({storage.describe()}) is not empty: restore into an empty one, or pass "
                          "--force to replace its contents (they are lost)")


def _write_whole(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_bytes(data)
    temp.replace(path)


@contextlib.contextmanager
def _work_folder(near: Path) -> Iterator[Path]:
    near.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".registry-backup-", dir=near))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _pack(folder: Path, output: Path) -> None:
    mode = "w:gz" if output.name.endswith((".gz", ".tgz")) else "w"
    temp = output.with_name(f".{output.name}.tmp")
    with tarfile.open(temp, mode) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.add(path, arcname=path.relative_to(folder).as_posix())
    temp.replace(output)


@contextlib.contextmanager
def _unpacked(source: Path) -> Iterator[Path]:
    if source.is_dir():
        yield source
        return
    if not source.is_file() or not source.name.endswith(TAR_SUFFIXES):
        raise BackupError(f"{source} is neither a backup folder nor a .tar / .tar.gz backup")
    with _work_folder(Path(tempfile.gettempdir())) as folder:
        with tarfile.open(source) as archive:
            archive.extractall(folder, filter="data")
        yield folder
