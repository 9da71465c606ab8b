"""The manifest of a backup: what it holds (rows per table, SHA-256 of every photo file) and how to check it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "object-id-registry-backup/1"
MANIFEST = "manifest.json"
MEDIA = "media"


@dataclass
class Manifest:
    """What a backup holds; written last, so a backup without one is unfinished."""

    created_at: str
    dialect: str  # sqlite or postgresql
    database_file: str
    database_sha256: str
    schema_revision: str | None
    tables: dict[str, int]
    media: dict[str, str]  # storage key -> SHA-256 of the file's bytes
    media_bytes: int = 0
    took_seconds: float = 0.0
    format: str = FORMAT
    copied: dict[str, int] = field(default_factory=dict)  # media files copied, linked or kept from earlier

    def write(self, folder: Path) -> None:
        """Write the manifest into the backup folder (atomically: a reader never sees half of it)."""
        temp = folder / f".{MANIFEST}.tmp"
        temp.write_text(json.dumps(asdict(self), indent=1, sort_keys=True), encoding="utf-8")
        temp.replace(folder / MANIFEST)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """Read a backup folder's manifest. :raises ValueError: none, or not one of ours."""
        path = folder / MANIFEST
        if not path.is_file():
            raise ValueError(f"{folder} holds no {MANIFEST}: it is not a backup, or the backup did not finish")
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"{path} is not a registry backup of format {FORMAT} (it says {data.get('format')!r})")
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})


def sha256_of_file(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def sha256_of(data: bytes) -> str:
    """The SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class Verification:
    """What a check of a backup, or of a restored registry, against its manifest found."""

    checked_files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def compare_counts(self, expected: dict[str, int], actual: dict[str, int]) -> None:
        """Note every table whose row count differs from the manifest's."""
        for table in sorted(set(expected) | set(actual)):
            if expected.get(table) != actual.get(table):
                self.problems.append(f"table {table}: {actual.get(table)} rows, the manifest says {expected.get(table)}")
