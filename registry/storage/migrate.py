"""Copying every photo file from one storage to another (a local folder to S3, or back), resumably."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable

from registry.storage.errors import StoredFileMissing
from registry.storage.interface import FileStorage


@dataclass
class MigrationReport:
    """What a copy did: files copied, found already there (an earlier, interrupted run), and any refused."""

    copied: int = 0
    already_there: int = 0
    bytes_copied: int = 0
    damaged: list[str] = field(default_factory=list)  # originals whose bytes do not have the hash they are named by


def copy_files(source: FileStorage, target: FileStorage, progress: Callable[[int], None] = lambda done: None) -> MigrationReport:
    """Copy every file of ``source`` that ``target`` lacks, key for key.

    Files never change under a key (they are named by content hash), so a file already in the target is the same
    file, and a run that stopped half way is resumed by running it again. Each write is whole or absent (a rename in
    a folder, a single PUT in S3). An original whose bytes do not match the hash it is named by is not copied.
    """
    report = MigrationReport()
    for done, key in enumerate(source.keys(), start=1):
        if target.exists(key):
            report.already_there += 1
        else:
            try:
                data = source.get(key)
            except StoredFileMissing:
                continue
            if _names_another_content(key, data):
                report.damaged.append(key)
            else:
                target.put(key, data)
                report.copied += 1
                report.bytes_copied += len(data)
        progress(done)
    return report


def _names_another_content(key: str, data: bytes) -> bool:
    if not key.startswith("originals/"):
        return False
    named = key.rsplit("/", 1)[-1].split(".", 1)[0]
    return hashlib.sha256(data).hexdigest() != named
