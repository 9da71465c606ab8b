"""Reading another registry's signed JSON Feed: each page's detached signature, then each entry's content hash."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import quote, urlsplit, urlunsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from registry.federation.entries import EXTENSION, JSON_FEED_VERSION, content_hash
from registry.offline_bank.signing import BadSignature, verify

FEED_PATH = "/feeds/stolen.feed.json"
MAX_FEED_BYTES = 50 * 1024 * 1024
MAX_PHOTO_BYTES = 20 * 1024 * 1024
TIMEOUT = 30  # seconds per request


class FeedRefused(ValueError):
    """A feed that cannot be used: unreachable, unsigned, tampered or signed by another key; the message says which."""


@dataclass
class FeedEntry:
    """One entry of a verified feed: its id (the record's address at the source), when it changed, its content, or
    why it was refused (its content hash does not match)."""

    entry_id: str
    date_modified: str
    content: dict[str, Any] | None
    problem: str = ""


def feed_url(url: str) -> str:
    """The JSON Feed's address from what was given: the feed itself, or the registry's home address."""
    url = url.strip().rstrip("/")
    if urlsplit(url).scheme not in ("http", "https"):
        raise FeedRefused(f"{url!r} is not an http(s) address")
    return url if url.endswith(".json") else url + FEED_PATH


def signature_url(url: str) -> str:
    """The detached signature's address: the feed's path + ".sig", with the same query string."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path + ".sig", parts.query, ""))


def verified_pages(url: str, since: str, public_key: Ed25519PublicKey) -> Iterator[list[FeedEntry]]:
    """The feed's entries changed at or after `since` (all when empty), a page at a time, each page's signature
    verified before it is read.

    :raises FeedRefused: when a page cannot be fetched, is not signed, or its signature does not verify.
    """
    page: str | None = url + (f"?since={quote(since)}" if since else "")
    seen: set[str] = set()
    while page and page not in seen:
        seen.add(page)
        body = fetch(page, MAX_FEED_BYTES)
        _verify_page(page, body, public_key)
        feed = json.loads(body)
        if feed.get("version") != JSON_FEED_VERSION:
            raise FeedRefused(f"{page} is not a JSON Feed 1.1")
        yield [_entry(item) for item in feed.get("items") or []]
        page = feed.get("next_url")


def _verify_page(page: str, body: bytes, public_key: Ed25519PublicKey) -> None:
    try:
        signature = base64.b64decode(fetch(signature_url(page), 1024).strip(), validate=True)
        verify(public_key, signature, body)
    except (BadSignature, binascii.Error, ValueError) as exc:
        raise FeedRefused(f"the feed {page} is refused: its signature ({signature_url(page)}) does not verify with the "
                          f"public key given for this registry ({exc}); nothing of it was imported") from None


def _entry(item: dict[str, Any]) -> FeedEntry:
    content = item.get(EXTENSION) or {}
    entry = FeedEntry(str(item.get("id") or ""), str(item.get("date_modified") or ""), content)
    if not entry.entry_id or content.get("content_sha256") != content_hash(content):
        entry.content, entry.problem = None, "its content does not match its content_sha256"
    return entry


def fetch(url: str, limit: int) -> bytes:
    """GET `url` and return at most `limit` bytes.

    :raises FeedRefused: when it cannot be fetched, answers an error or is larger than `limit`.
    """
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": "object-id-registry"}),
                                    timeout=TIMEOUT) as response:
            data = response.read(limit + 1)
    except (urllib.error.URLError, OSError) as exc:
        raise FeedRefused(f"{url} cannot be fetched: {getattr(exc, 'reason', exc)}") from None
    if len(data) > limit:
        raise FeedRefused(f"{url} is larger than {limit // 1_048_576} MB")
    return data


def fetch_photo(photo: dict[str, Any]) -> bytes:
    """A photo of an entry, checked against the SHA-256 the signed entry gives for it.

    :raises FeedRefused: when it cannot be fetched or is not the photo the entry names.
    """
    data = fetch(str(photo.get("url") or ""), MAX_PHOTO_BYTES)
    if hashlib.sha256(data).hexdigest() != photo.get("sha256"):
        raise FeedRefused(f"the photo {photo.get('url')} is not the one the signed entry names (its SHA-256 differs)")
    return data
