"""Records holding the same photo as a record a check matched: the same object registered twice (by two
institutions, or twice by one), each of which the check must list.

Ranking stops verifying once a photo is clearly verified, so of several records holding one photo it verifies
only the first. Here each matched photo's twins are found, by SHA-256 (the same file) and by an identical index
signature (the same picture saved again), and each is verified on its own.
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy import select

from registry import matching
from registry.extensions import db
from registry.models import Photo

MAX_TWINS = 50  # records verified per matched photo (a photo on more records than this is a stock picture)
_SIGNATURE_DISTANCES = ("phash", "dhash", "colour", "combined", "variant", "rotation", "orb_code")


def with_records_sharing_photos(
    matches: list[matching.RecordMatch],
    query: matching.QuerySignature,
    candidates: list[matching.Candidate],
    searched: matching.HashIndex,
    verify: Callable[[list[matching.Candidate]], list[matching.RecordMatch]],
) -> list[matching.RecordMatch]:
    """``matches`` with, after each match or possible match, the other records holding its photo (verified, and
    marked ``evidence["same_photo_as"]`` with the record first found).

    :param candidates: what the index returned for the query (twins saved again are among them).
    :param searched: the index the check searched (a twin outside it, e.g. an inventory record in a check of lost
        objects only, is not listed).
    :param verify: ranks one candidate against the query (``matching.rank`` with the check's fields).
    """
    listed = {m.record_id for m in matches}
    expanded: list[matching.RecordMatch] = []
    for match in matches:
        expanded.append(match)
        if match.verdict == "no_match" or match.evidence.get("record_photo_id") is None:
            continue
        for twin in _twin_candidates(match, candidates, searched, listed):
            for found in verify([twin]):
                if found.record_id not in listed and found.verdict != "no_match":
                    found.evidence["same_photo_as"] = match.record_id
                    expanded.append(found)
                    listed.add(found.record_id)
    return expanded


def _twin_candidates(match: matching.RecordMatch, candidates: list[matching.Candidate], searched: matching.HashIndex,
                     listed: set[int]) -> list[matching.Candidate]:
    photo_id = int(match.evidence["record_photo_id"])
    found = next((c for c in candidates if c.photo_id == photo_id), None)
    if found is None:
        return []
    twins = {c.photo_id: c for c in candidates if c.record_id not in listed and _same_signature(c, found)}
    for twin_photo_id, record_id in _photos_with_the_same_file(photo_id):
        if record_id not in listed and twin_photo_id in searched and twin_photo_id not in twins:
            twins[twin_photo_id] = matching.Candidate(twin_photo_id, record_id, dict(found.distances))
    return _one_per_record(list(twins.values()))[:MAX_TWINS]


def _same_signature(candidate: matching.Candidate, other: matching.Candidate) -> bool:
    return candidate.photo_id != other.photo_id and all(
        candidate.distances.get(k) == other.distances.get(k) for k in _SIGNATURE_DISTANCES)


def _photos_with_the_same_file(photo_id: int) -> list[tuple[int, int]]:
    """(photo id, record id) of the other live photos with this photo's SHA-256."""
    sha256 = select(Photo.sha256).where(Photo.id == photo_id).scalar_subquery()
    rows = db.session.execute(
        select(Photo.id, Photo.record_id)
        .where(Photo.sha256 == sha256, Photo.id != photo_id, Photo.removed_at.is_(None))
        .order_by(Photo.id)
        .limit(MAX_TWINS * 2)
    )
    return [(int(p), int(r)) for p, r in rows]


def _one_per_record(twins: list[matching.Candidate]) -> list[matching.Candidate]:
    seen: dict[int, matching.Candidate] = {}
    for twin in sorted(twins, key=lambda c: c.photo_id):
        seen.setdefault(twin.record_id, twin)
    return list(seen.values())

