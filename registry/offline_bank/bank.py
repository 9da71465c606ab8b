"""The .oidb file: published lost records with their matching signatures, signed with Ed25519, base or delta.

Layout: MAGIC, a 4-byte header length, the header (JSON), the payload (sections named in the header), and the
64-byte Ed25519 signature of everything before it. The signature is verified before anything else is read.
"""

from __future__ import annotations

import json
import lzma
import struct
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from registry.offline_bank.signing import BadSignature, fingerprint, public_key_text, sign, verify
from registry.offline_bank.thinning import COLOUR_BINS, BankFeatures

MAGIC = b"OIDBANK1"
FORMAT = 3  # 2: number sections compressed; 3: a photo's object colours beside its frame's
SIGNATURE_BYTES = 64
KEY_BYTES = 48  # a photo's index key (matching.signature.KEY_WORDS x 8)
COLOUR_BYTES = 2 * COLOUR_BINS  # its colour histograms, the frame's and its object's (float16): 152
SIZE_BYTES = 8
# Sections of numbers compressed with zlib (ids in order, lengths, histograms); keys, keypoints and thumbnails
# are written as they are (they barely compress).
ZLIB_SECTIONS = frozenset({"photo_ids", "colours", "sizes", "keypoint_lengths", "thumbnail_ids", "thumbnail_lengths"})
# What a record of the bank says: only what a check needs and may show.
RECORD_FIELDS = ("id", "object_number", "institution", "title", "object_type", "status", "contact", "url", "photos")


class BankRefused(ValueError):
    """A bank that must not be used: tampered, signed with another key, expired, or not a bank; says which."""


@dataclass
class BankPhoto:
    """A registered photo in a bank: its record, its index key and what is kept of its re-ranking features."""

    photo_id: int
    record_id: int
    index_key: bytes
    features: BankFeatures


@dataclass
class BankContent:
    """What one bank file carries (a base: every lost record; a delta: those changed since `since`)."""

    registry: str
    version: int
    created_at: datetime
    expires_at: datetime
    algorithm_version: str
    since: int | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    photos: list[BankPhoto] = field(default_factory=list)
    thumbnails: dict[int, bytes] = field(default_factory=dict)  # record id -> small WebP
    removed: list[int] = field(default_factory=list)  # record ids no longer lost (deltas)
    keypoints_per_photo: int | None = None  # the most kept per photo when the bank was thinned to fit its size

    @property
    def kind(self) -> str:
        """"base" or "delta"."""
        return "base" if self.since is None else "delta"


def write_bank(content: BankContent, key: Ed25519PrivateKey) -> bytes:
    """The signed bytes of a bank file."""
    sections: dict[str, bytes] = {
        "records": lzma.compress(json.dumps([{k: r.get(k) for k in RECORD_FIELDS} for r in content.records],
                                            ensure_ascii=False, separators=(",", ":")).encode()),
        "photo_ids": np.array([[p.photo_id, p.record_id] for p in content.photos], "<i8").reshape(-1, 2).tobytes(),
        "keys": b"".join(p.index_key for p in content.photos),
        "colours": b"".join(p.features.colour for p in content.photos),
        "sizes": b"".join(p.features.size for p in content.photos),
        "keypoint_lengths": np.array([len(p.features.keypoints) for p in content.photos], "<u4").tobytes(),
        "keypoints": b"".join(p.features.keypoints for p in content.photos),
        "thumbnail_ids": np.array(list(content.thumbnails), "<i8").tobytes(),
        "thumbnail_lengths": np.array([len(t) for t in content.thumbnails.values()], "<u4").tobytes(),
        "thumbnails": b"".join(content.thumbnails.values()),
    }
    sections = {name: zlib.compress(data, 6) if name in ZLIB_SECTIONS else data for name, data in sections.items()}
    offsets, position = {}, 0
    for name, data in sections.items():
        offsets[name] = [position, len(data)]
        position += len(data)
    header = json.dumps({
        "format": FORMAT, "kind": content.kind, "registry": content.registry, "version": content.version,
        "since": content.since, "created_at": content.created_at.isoformat(), "expires_at": content.expires_at.isoformat(),
        "algorithm_version": content.algorithm_version, "key": fingerprint(public_key_text(key)),
        "records": len(content.records), "photos": len(content.photos), "removed": content.removed,
        "keypoints_per_photo": content.keypoints_per_photo, "sections": offsets,
    }, separators=(",", ":")).encode()
    signed = MAGIC + struct.pack("<I", len(header)) + header + b"".join(sections.values())
    return signed + sign(key, signed)


def read_bank(data: bytes, public_key: Ed25519PublicKey, now: datetime | None = None,
              allow_expired: bool = False) -> BankContent:
    """Verify a bank's signature, then its expiry, then read it.

    :param now: the time to judge expiry by (default: now, UTC).
    :param allow_expired: read an expired file (a base that the newest delta vouches for is judged by that delta).
    :raises BankRefused: for a file that is not a bank, does not verify with `public_key`, or has expired.
    """
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4 + SIGNATURE_BYTES:
        raise BankRefused("this is not an offline bank file (.oidb): it does not start as one")
    signed, signature = data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]
    try:
        verify(public_key, signature, signed)
    except BadSignature:
        raise BankRefused("the bank's signature does not verify with the registry's public key "
                          f"({fingerprint(public_key_text(public_key))}): the file was altered or damaged after it "
                          "was signed, or it comes from another registry. Do not use it; get a new copy") from None
    header_length = struct.unpack_from("<I", signed, len(MAGIC))[0]
    start = len(MAGIC) + 4
    header = json.loads(signed[start:start + header_length])
    if header.get("format") != FORMAT:
        raise BankRefused(f"bank format {header.get('format')} is not one this version reads ({FORMAT})")
    content = _content(header)
    if not allow_expired:
        refuse_if_expired(content, now)
    payload = signed[start + header_length:]
    _read_sections(content, header["sections"], payload)
    return content


def refuse_if_expired(content: BankContent, now: datetime | None = None) -> None:
    """Refuse a bank past its expiry: its list of lost objects is too old to be relied on.

    :raises BankRefused: saying when it expired.
    """
    now = now or datetime.now(timezone.utc)
    if now >= content.expires_at:
        raise BankRefused(f"the bank (version {content.version}, made {content.created_at:%Y-%m-%d}) expired on "
                          f"{content.expires_at:%Y-%m-%d %H:%M} UTC: objects reported since are missing from it. "
                          "Get a newer bank or a delta")


def _content(header: dict[str, Any]) -> BankContent:
    return BankContent(
        registry=header["registry"], version=int(header["version"]), since=header.get("since"),
        created_at=datetime.fromisoformat(header["created_at"]), expires_at=datetime.fromisoformat(header["expires_at"]),
        algorithm_version=header["algorithm_version"], removed=list(header.get("removed") or []),
        keypoints_per_photo=header.get("keypoints_per_photo"),
    )


def _read_sections(content: BankContent, offsets: dict[str, list[int]], payload: bytes) -> None:
    part = {name: payload[start:start + length] for name, (start, length) in offsets.items()}
    part = {name: zlib.decompress(data) if name in ZLIB_SECTIONS else data for name, data in part.items()}
    content.records = json.loads(lzma.decompress(part["records"]))
    ids = np.frombuffer(part["photo_ids"], "<i8").reshape(-1, 2).tolist()
    ends = np.cumsum(np.frombuffer(part["keypoint_lengths"], "<u4"), dtype=np.int64).tolist()
    starts = [0] + ends[:-1]
    keys, colours, sizes, keypoints = part["keys"], part["colours"], part["sizes"], part["keypoints"]
    content.photos = [
        BankPhoto(photo_id, record_id, keys[i * KEY_BYTES:(i + 1) * KEY_BYTES],
                  BankFeatures(colours[i * COLOUR_BYTES:(i + 1) * COLOUR_BYTES], sizes[i * SIZE_BYTES:(i + 1) * SIZE_BYTES],
                               keypoints[starts[i]:ends[i]]))
        for i, (photo_id, record_id) in enumerate(ids)
    ]
    thumb_ids = np.frombuffer(part["thumbnail_ids"], "<i8")
    thumb_ends = np.cumsum(np.frombuffer(part["thumbnail_lengths"], "<u4"), dtype=np.int64)
    starts = np.concatenate([[0], thumb_ends[:-1]]).astype(np.int64)
    content.thumbnails = {int(r): part["thumbnails"][int(s):int(e)] for r, s, e in zip(thumb_ids, starts, thumb_ends)}


@dataclass
class Bank:
    """A base bank with its deltas applied: the records a check matches against."""

    registry: str
    version: int
    expires_at: datetime
    algorithm_version: str
    records: dict[int, dict[str, Any]]
    photos: dict[int, BankPhoto]
    thumbnails: dict[int, bytes]
    files: list[str] = field(default_factory=list)  # what was applied, for the report


def assemble(contents: list[BankContent], now: datetime | None = None) -> Bank:
    """A base and its deltas, in the order given, as one bank.

    The set is as current as its newest file: a delta since the base's version vouches for the whole, so an
    older base with a fresh delta is used, and a set whose newest file has expired is refused.

    :raises BankRefused: when the first is not a base, a delta does not follow on (a version is missing), the
        files come from different registries or algorithm versions, or the newest has expired.
    """
    if not contents or contents[0].kind != "base":
        raise BankRefused("give the base bank first, then its deltas (a delta alone holds only what changed)")
    base = contents[0]
    bank = Bank(base.registry, base.version, base.expires_at, base.algorithm_version, {}, {}, {},
                [f"base version {base.version}"])
    _apply(bank, base)
    for delta in contents[1:]:
        _check_follows(bank, delta)
        if delta.version <= bank.version:
            bank.files.append(f"delta to version {delta.version}: already included, skipped")
            continue
        _apply(bank, delta)
        bank.version, bank.expires_at = delta.version, delta.expires_at
        bank.files.append(f"delta {delta.since} -> {delta.version}")
    refuse_if_expired(BankContent(bank.registry, bank.version, base.created_at, bank.expires_at, ""), now)
    return bank


def _check_follows(bank: Bank, delta: BankContent) -> None:
    if delta.kind != "delta":
        raise BankRefused("only one base bank may be given; the other files must be deltas")
    if delta.registry != bank.registry or delta.algorithm_version != bank.algorithm_version:
        raise BankRefused(f"the delta comes from {delta.registry!r} ({delta.algorithm_version}), the base from "
                          f"{bank.registry!r} ({bank.algorithm_version}): they do not belong together")
    if delta.since > bank.version:
        raise BankRefused(f"the delta since version {delta.since} does not follow on from version {bank.version}: "
                          f"the changes between them are missing; get a delta since {bank.version}")


def _apply(bank: Bank, content: BankContent) -> None:
    changed = {record["id"] for record in content.records} | set(content.removed)
    for record_id in changed:
        old = bank.records.pop(record_id, None)
        for photo_id in (old or {}).get("photos", []):
            bank.photos.pop(photo_id, None)
        bank.thumbnails.pop(record_id, None)
    for record in content.records:
        bank.records[record["id"]] = record
    for photo in content.photos:
        bank.photos[photo.photo_id] = photo
    bank.thumbnails.update(content.thumbnails)


def records_of(contents: Iterable[BankContent]) -> int:
    """How many records the given files carry in all (for reports)."""
    return sum(len(c.records) for c in contents)
