"""Checking a suspect object: its photos and description against the registry, with the check logged."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import Any

from flask import current_app
from sqlalchemy import Select, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from registry import matching
from registry.extensions import db
from registry.imaging import DecodedPhoto, MediaStoreError, MediaStoreFull
from registry.imaging.store import served_copies
from registry.models import Check, CheckPhotoSignature, FederationSource, ObjectRecord
from registry.models.matching import LOOKUP_CHANNEL
from registry.policy import PUBLISHED_STATUSES, Principal, allowed, can_view_record, rule
from registry.observability.metrics import check_timed, index_synced
from registry.replica import begin_reads, reads
from registry.services.index import live_index, load_features, load_second_features
from registry.services.exchange import public_url
from registry.services.photos import media_store
from registry.services.redlists import categories_for_check, describes_object, red_lists_with_categories, stored_red_list_set
from registry.services.same_photo import with_records_sharing_photos

# The CLI is run by the operator of the server, who has the database anyway: it sees every record.
OPERATOR = Principal(role="admin")
log = logging.getLogger(__name__)
QUERY_FIELD_NAMES = ("description", "object_type", "materials", "height_cm", "width_cm", "depth_cm", "diameter_cm", "weight_kg")


@dataclass
class QueryPhoto:
    """A submitted photo and the label it is reported under (its path or file name as given).

    :meth:`prepare` takes from its pixels all a check needs (the signature, the stored copies) and lets go of them,
    so the pages and the API decode a check's photos one at a time: twelve 25-megapixel photos held together, with
    the matcher's work on each, took a worker from 1.2 GB to 3.2 GB (issue 24).
    """

    label: str
    decoded: DecodedPhoto
    signature: matching.QuerySignature | None = None
    signature_ms: float = 0.0
    copies: dict[str, bytes] | None = None

    def prepare(self) -> QueryPhoto:
        """Compute the signature and the served copies now, and drop the decoded picture."""
        started = time.perf_counter()
        self.signature = matching.compute_query(self.decoded.image)
        self.signature_ms = (time.perf_counter() - started) * 1000
        self.copies = served_copies(self.decoded.image)
        self.decoded = replace(self.decoded, image=None)
        return self

    @property
    def thumbnail_jpeg(self) -> bytes:
        """The photo as a small JPEG (the media store's thumbnail)."""
        return (self.copies or served_copies(self.decoded.image))["thumb"]


def visible_checks(principal: Principal) -> Select[tuple[Check]]:
    """The check log a principal may read, newest first: admins all; law enforcement its agency's; others their own."""
    statement = select(Check).order_by(Check.id.desc())
    if rule("checks.view", principal.role) == "yes":
        return statement
    if principal.user_id is None:
        return statement.where(false())
    mine = Check.user_id == principal.user_id
    if principal.role == "law_enforcement" and principal.agency:
        return statement.where(or_(mine, Check.agency == principal.agency))
    return statement.where(mine)


def clean_query_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Keep the description fields a check understands, dropping empty ones."""
    return {name: fields[name] for name in QUERY_FIELD_NAMES if fields.get(name) not in (None, "")}


def run_check(
    photos: list[QueryPhoto],
    query_fields: dict[str, Any],
    actor: str,
    channel: str,
    top: int = 5,
    all_statuses: bool = False,
    principal: Principal = OPERATOR,
    keep_photos: bool = False,
) -> tuple[Check, list[dict[str, Any]]]:
    """Match each photo against the registry and log the check.

    :param photos: the suspect object's photos, checked one by one.
    :param query_fields: description, object_type, materials and measurements (cm/kg) as given.
    :param all_statuses: search every record, not only those reported stolen, missing or looted.
    :param principal: who asks; candidates they may not view (another institution's inventory) are left out.
    :param keep_photos: store the submitted photos in the media store with the check, as evidence (the pages and
        the API; the CLI's photos are the operator's own files). Each of the check's `query_photos` says whether
        it was kept ("kept"), and if the store refused it, why ("not_kept": "full" or "unwritable").
    :return: the logged Check and one result per photo, in order:
        {"query", "took_ms", "candidates": [{"record_id", "object_number", "institution", "status", "score", "verdict", "evidence"}],
         "red_list_categories": [{"red_list", "code", "name", "score", "may_fall_into", "evidence", "reasons"}],
         "red_lists_compared": [{"slug", "name", "year", "status", "categories", "demonstration"}]}
        (`red_lists_compared` names the lists whose categories the description was compared with; empty without one.)
    """
    begin_reads()  # the index and the candidates' records are read as the database stands now (replica.py)
    kept = keep_query_photos(photos) if keep_photos else [{"kept": False}] * len(photos)
    index = live_index()
    index.sync()
    index_synced(index)
    fields = clean_query_fields(query_fields)
    red_set = stored_red_list_set()
    compared = red_lists_with_categories(red_set) if describes_object(fields) else []
    results = [_check_one(photo, fields, index, top, all_statuses, principal) for photo in photos]
    for result in results:
        result["red_list_categories"] = categories_for_check(fields, result["candidates"], red_set.categories)
        result["red_lists_compared"] = compared
    check = Check(
        actor=actor,
        user_id=principal.user_id,
        agency=principal.agency,
        channel=channel,
        all_statuses=all_statuses,
        query_fields=fields,
        query_photos=[{"label": p.label, "sha256": p.decoded.sha256, "hashes": r.pop("_hashes"), **k}
                      for p, r, k in zip(photos, results, kept)],
        results=results,
        records_searched=index.size(all_statuses),
        took_ms=round(sum(r["took_ms"] for r in results), 3),
    )
    signatures = {p.decoded.sha256: r.pop("_signature") for p, r in zip(photos, results)}
    if channel != LOOKUP_CHANNEL:  # a registrar's own photos before registering are not watched
        _keep_signatures(signatures)
    db.session.add(check)
    db.session.commit()
    return check, results


def _keep_signatures(signatures: dict[str, matching.PhotoSignature]) -> None:
    """Keep each check photo's signature (once per photo, whichever check sent it first) for the standing watch:
    a record reported lost later is searched for among them (services.watch), from every door, the CLI's too."""
    stored = set(db.session.scalars(select(CheckPhotoSignature.sha256).where(
        CheckPhotoSignature.sha256.in_(list(signatures)), CheckPhotoSignature.algorithm_version == matching.ALGORITHM_VERSION)))
    for sha256, signature in signatures.items():
        if sha256 in stored:
            continue
        older = db.session.scalar(select(CheckPhotoSignature).where(CheckPhotoSignature.sha256 == sha256))
        if older is not None:  # of an older algorithm: replaced
            db.session.delete(older)
            db.session.flush()
        try:  # the same photo in a check at the same moment: the other one's row serves both
            with db.session.begin_nested():
                db.session.add(CheckPhotoSignature(sha256=sha256, algorithm_version=matching.ALGORITHM_VERSION,
                                                   index_key=signature.index_key, features=signature.features))
        except IntegrityError:
            pass


def run_lookup(photos: list[QueryPhoto], actor: str, principal: Principal, top: int = 10) -> tuple[Check, list[dict[str, Any]]]:
    """Before registering an object: is it already registered? The same check, of every status, within what the
    principal may view (another institution's inventory is left out, as in any check).

    Logged in the check log as a pre-registration lookup (channel "lookup"), so that who searched what stays on
    record, but it is not a due-diligence check: no certificate is issued for it (services.certificates), it is in
    no agency's log, and the registrar's photos are compared, not kept.
    """
    return run_check(photos, {}, actor, LOOKUP_CHANNEL, top=top, all_statuses=True, principal=principal, keep_photos=False)


def keep_query_photos(photos: list[QueryPhoto]) -> list[dict[str, Any]]:
    """Store each submitted photo (original, display copy, thumbnail) so the check can be shown later as evidence.

    :return: per photo {"kept": True}, or {"kept": False, "not_kept": "full" | "unwritable"}.
    """
    # A full or unwritable media store does not stop a check. The officer at a border who sends it needs the answer
    # now, and the photo's bytes are still in their hands; a 507 would leave the object unchecked. What is lost is the
    # registry's copy of the evidence: the check log says so per photo (its SHA-256 and hashes are still logged),
    # the page and the API (X-Photos-Not-Kept) tell the user, and the error is logged for the administrator.
    # (Registering a photo is different: a record's photo that cannot be stored is refused with 503/507.)
    store = media_store()
    kept: list[dict[str, Any]] = []
    for photo in photos:
        try:
            store.save(photo.decoded, photo.copies)
        except MediaStoreError as exc:
            log.error("photo of a check not kept: %s", exc)
            kept.append({"kept": False, "not_kept": "full" if isinstance(exc, MediaStoreFull) else "unwritable"})
        else:
            kept.append({"kept": True})
    return kept


def photos_not_kept(check: Check) -> int:
    """How many of a check's submitted photos the media store refused (0 for a check whose photos were kept)."""
    return sum(1 for photo in check.query_photos if photo.get("not_kept"))


def _check_one(photo: QueryPhoto, fields: dict[str, Any], index, top: int, all_statuses: bool, principal: Principal) -> dict[str, Any]:
    started = time.perf_counter()
    query = photo.signature or matching.compute_query(photo.decoded.image)
    described = time.perf_counter()
    candidates = index.search(query, matching.candidates_to_verify(query), all_statuses)
    searched = time.perf_counter()
    matches = matching.rank(query, candidates, load_features, fields or None, _record_fields, top, load_second_features)
    matches = with_records_sharing_photos(
        matches, query, candidates, index.everything if all_statuses else index.reported,
        lambda twins: matching.rank(query, twins, load_features, fields or None, _record_fields, len(twins)))
    took_ms = (time.perf_counter() - started) * 1000 + (photo.signature_ms if photo.signature else 0.0)
    _add_outlines(matches, query)
    describe_ms = photo.signature_ms if photo.signature else (described - started) * 1000
    check_timed(describe=describe_ms / 1000, search=searched - described, rank=time.perf_counter() - searched,
                total=took_ms / 1000)
    return {
        "query": photo.label,
        "took_ms": round(took_ms, 3),
        "candidates": _describe(matches, principal),
        "_hashes": query.hash_hex,
        "_signature": matching.signature_of_query(query),
    }


def _add_outlines(matches: list[matching.RecordMatch], query: matching.QuerySignature) -> None:
    """Put in each found record's evidence the matched area to outline on the submitted and the registered photo
    (matching.outline; after the answer is timed: it is for the page, not the verdict)."""
    from registry.matching.outline import matched_outlines
    from registry.models import Photo

    found = [m for m in matches if m.verdict != "no_match" and m.evidence.get("record_photo_id") is not None]
    blobs = load_features([int(m.evidence["record_photo_id"]) for m in found]) if found else {}
    for match in found:
        photo_id = int(match.evidence["record_photo_id"])
        photo = reads().get(Photo, photo_id)
        if photo is None or photo_id not in blobs:
            continue
        try:  # the display copy (2 048 px at most, the thumbnail's proportions): the box is in fractions of the sides
            image = media_store().open_display(photo.sha256)
        except (OSError, ValueError, KeyError, MediaStoreError) as exc:  # its file is not here (StoredFileMissing)
            log.info("no outline for photo %s: %s", photo_id, exc)
            continue
        match.evidence.update(matched_outlines(query, match.evidence["query_variant"], blobs[photo_id], image))


def _describe(matches: list[matching.RecordMatch], principal: Principal) -> list[dict[str, Any]]:
    records = {
        record.id: record
        for record in reads().scalars(
            select(ObjectRecord).options(selectinload(ObjectRecord.institution)).where(ObjectRecord.id.in_([m.record_id for m in matches]))
        )
    }
    names = _source_names({record.source_id for record in records.values() if record.source_id is not None})
    described = [
        {
            "record_id": match.record_id,
            "object_number": records[match.record_id].object_number,
            "institution": records[match.record_id].source_institution or records[match.record_id].institution.name,
            "status": records[match.record_id].status,
            "score": round(float(match.score), 4),
            "verdict": match.verdict,
            "evidence": match.evidence,
            "sources": [_source(records[match.record_id], names)],
        }
        for match in matches
        if match.record_id in records and records[match.record_id].deleted_at is None
        and can_view_record(principal, records[match.record_id].status, records[match.record_id].institution_id)
    ]
    return _one_per_object(described)


def _source_names(source_ids: set[int]) -> dict[int, str]:
    if not source_ids:
        return {}
    return dict(reads().execute(select(FederationSource.id, FederationSource.name).where(FederationSource.id.in_(source_ids))).all())


def _source(record: ObjectRecord, names: dict[int, str]) -> dict[str, Any]:
    """Where a candidate comes from: this registry, or the registry it was pulled from (with its page there)."""
    if record.source_id is None:
        return {"registry": current_app.config["PUBLISHER"], "record_id": record.id, "url": public_url(f"/objects/{record.id}")}
    return {"registry": names.get(record.source_id, "?"), "record_id": record.id, "url": record.source_url}


def _one_per_object(candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One candidate per object: the same object (same institution and object number) reported in several registries
    is the best-scored candidate with every source, whether the others were verified too or not (ranking stops at a
    clear match)."""
    kept: dict[tuple[str, str], dict[str, Any]] = {}
    for candidate in candidates:
        key = _object_key(candidate["institution"], candidate["object_number"])
        if key in kept:
            kept[key]["sources"].extend(candidate["sources"])
        else:
            kept[key] = candidate
    _add_other_reports(kept)
    return list(kept.values())


def _object_key(institution: str, object_number: str) -> tuple[str, str]:
    return " ".join(institution.casefold().split()), " ".join(object_number.casefold().split())


def _add_other_reports(kept: dict[tuple[str, str], dict[str, Any]]) -> None:
    """Add the sources of published records of the same objects that the ranking did not list."""
    numbers = {candidate["object_number"] for candidate in kept.values()}
    if not numbers:
        return
    statement = (select(ObjectRecord).options(selectinload(ObjectRecord.institution))
                 .where(ObjectRecord.object_number.in_(numbers), ObjectRecord.status.in_(PUBLISHED_STATUSES),
                        ObjectRecord.deleted_at.is_(None)))
    others = list(reads().scalars(statement))
    names = _source_names({record.source_id for record in others if record.source_id is not None})
    for record in others:
        candidate = kept.get(_object_key(record.source_institution or record.institution.name, record.object_number))
        if candidate is not None and all(source["record_id"] != record.id for source in candidate["sources"]):
            candidate["sources"].append(_source(record, names))


def _record_fields(record_ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = reads().scalars(select(ObjectRecord).where(ObjectRecord.id.in_(record_ids)))
    return {
        record.id: {
            "description": " ".join(filter(None, (record.title, record.subject, record.description, record.inscriptions, record.distinguishing_features))),
            "object_type": record.object_type,
            "materials": record.materials,
            **{name: getattr(record, name) for name in ("height_cm", "width_cm", "depth_cm", "diameter_cm", "weight_kg")},
        }
        for record in rows
    }


def enquiry_contacts(results: list[dict[str, Any]], principal: Principal) -> dict[int, dict[str, Any]]:
    """Whom to contact about each record a check found (a match or a possible match) that the principal may view:
    its institution's name and enquiry contact, and the police case reference, as far as the principal's role may
    see them (policy: checks.view_contact, checks.view_case_reference).

    :return: {record id: {"institution", "contact": {postal_address, phone, enquiry_email, website} | None,
        "case_reference": str | None}}; None where the role may not see it.
    """
    found = {c["record_id"] for r in results for c in r.get("candidates", []) if c.get("verdict") != "no_match"}
    if not found:
        return {}
    records = reads().scalars(
        select(ObjectRecord).options(selectinload(ObjectRecord.institution)).where(ObjectRecord.id.in_(found)))
    see_contact, see_case = allowed(principal, "checks.view_contact"), allowed(principal, "checks.view_case_reference")
    return {
        record.id: {
            "institution": record.institution.name,
            "contact": record.institution.contact if see_contact else None,
            "case_reference": (record.case_reference or "") if see_case else None,
        }
        for record in records
        if can_view_record(principal, record.status, record.institution_id)
    }


def with_enquiry_contacts(results: list[dict[str, Any]], principal: Principal) -> list[dict[str, Any]]:
    """A copy of a check's results where each match and possible match carries ``enquiry`` (see
    :func:`enquiry_contacts`; the logged check itself keeps none: contacts change, and who reads it varies)."""
    contacts = enquiry_contacts(results, principal)
    return [{**r, "candidates": [{**c, "enquiry": contacts[c["record_id"]]} if c["record_id"] in contacts else c
                                 for c in r.get("candidates", [])]} for r in results]
