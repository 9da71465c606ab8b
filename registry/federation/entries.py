"""The per-entry content of the signed JSON Feed, and its hash (the same on both sides of a pull)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EXTENSION = "_object_id_registry"  # JSON Feed extension key (custom keys begin with "_")
WITHDRAWN = "withdrawn"  # an entry whose record is no longer published at the source


def canonical(value: Any) -> bytes:
    """The bytes a value is hashed and signed as: JSON with sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of an entry's content (its extension object without the hash itself)."""
    return hashlib.sha256(canonical({k: v for k, v in content.items() if k != "content_sha256"})).hexdigest()


def with_hash(content: dict[str, Any]) -> dict[str, Any]:
    """The entry content with its content_sha256 added."""
    return {**content, "content_sha256": content_hash(content)}
