"""Due-diligence certificates: issue a signed statement of a check, verify it, alert its holder on a later match."""

from __future__ import annotations

import hashlib
import io
import hmac
import json
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from registry import matching
from registry.extensions import db
from registry.i18n import in_language
from registry.messages import N_, ReadableError
from registry.models import (
    Certificate, CertificateAlert, CertificatePhoto, Check, Notification, ObjectRecord, User,
)
from registry.models.matching import LOOKUP_CHANNEL
from registry.models.objects import utcnow
from registry.policy import Principal
from registry.services.accounts import audit
from registry.services.exchange import public_url
from registry.services.mail import queue_mail
from registry.templating import status_label
from registry.services.photos import media_store
from registry.services.redlists import red_lists_compared

CODE_LENGTH = 24
NUMBER_ATTEMPTS = 20  # tries at a free certificate number when other certificates are being issued at the same moment


class CertificateError(ReadableError):
    """A certificate that cannot be issued; the message says why."""


def _key() -> bytes:
    configured = current_app.config.get("CERTIFICATE_KEY")
    if configured:
        return configured.encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"due-diligence-certificates", hashlib.sha256).digest()


def canonical(content: dict[str, Any]) -> bytes:
    """The exact bytes that are signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(content: dict[str, Any]) -> str:
    """HMAC-SHA256 of the canonical content."""
    return hmac.new(_key(), canonical(content), hashlib.sha256).hexdigest()


def _outcome(results: list[dict[str, Any]]) -> str:
    verdicts = {c["verdict"] for r in results for c in r.get("candidates", [])}
    if "match" in verdicts:
        return "match"
    return "possible" if "possible" in verdicts else "no_match"


def _holder(user: User) -> dict[str, str]:
    return {"name": user.name, "email": user.email, "role": user.role,
            "organisation": user.organisation or user.agency or (user.institution.name if user.institution else "")}


def _content(check: Check, user: User, number: str) -> dict[str, Any]:
    from registry.services.checks import enquiry_contacts  # services.checks reaches this module through photos

    red_lists = red_lists_compared(check.query_fields or {}, check.results or [])
    enquiries = enquiry_contacts(check.results or [], Principal(role=user.role, user_id=user.id,
                                                                 institution_id=user.institution_id, agency=user.agency or ""))
    return {
        "number": number,
        "issued_at": utcnow().isoformat(timespec="seconds"),
        "holder": _holder(user),
        "check": {
            "id": check.id, "at": check.created_at.isoformat(timespec="seconds"), "all_statuses": check.all_statuses,
            "description": check.query_fields, "photos": check.query_photos, "photos_searched": check.records_searched,
            "records_in_registry": db.session.scalar(select(func.count()).select_from(ObjectRecord)),
        },
        "red_lists": [{"slug": r.slug, "name": r.name, "year": r.year} for r in red_lists],
        "results": [
            {"query": r["query"],
             # a record below the "possible" threshold is no finding: a certificate that named it would read as one
             "candidates": [{**{k: c[k] for k in ("object_number", "institution", "status", "score", "verdict")},
                             **({"enquiry": enquiries[c["record_id"]]} if c["record_id"] in enquiries else {})}
                            for c in r["candidates"] if c["verdict"] != "no_match"],
             "red_list_categories": [{k: c[k] for k in ("code", "name", "score")} for c in r.get("red_list_categories", [])]}
            for r in check.results
        ],
        "outcome": _outcome(check.results),
    }


def issue_certificate(check: Check, user: User) -> Certificate:
    """Issue the certificate of a check the user ran (one per check), committed and audited.

    Numbers follow on from the certificates issued so far. Two issued at the same moment would take the same
    number: the database's unique constraint refuses the second, which takes the next number and tries again
    (the same on SQLite and PostgreSQL; no number is skipped when nothing fails).
    """
    if check.user_id != user.id:
        raise CertificateError(N_("a certificate can only be issued for a check you ran yourself"))
    if check.channel == LOOKUP_CHANNEL:
        raise CertificateError(N_("a pre-registration lookup is not a due-diligence check: no certificate is issued for it"))
    check_id = check.id
    existing = _certificate_of(check_id)
    if existing is not None:
        return existing
    photos = [signature for photo in check.query_photos if (signature := _photo_signature(photo["sha256"])) is not None]
    sequence = 0
    for _attempt in range(NUMBER_ATTEMPTS):
        sequence = max(db.session.scalar(select(func.count()).select_from(Certificate)) + 1, sequence + 1)
        certificate = _new_certificate(check, user, f"DD-{utcnow().year}-{sequence:06d}", photos)
        db.session.add(certificate)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()  # this service owns the transaction: it commits below
            existing = _certificate_of(check_id)
            if existing is not None:
                return existing  # the same check's certificate, issued meanwhile (a second click, another tab)
            continue
        audit(user.label, "certificate", certificate.id, "certificate_issued", new=f"{certificate.number} for check {check_id}",
              actor_user_id=user.id)
        db.session.commit()
        return certificate
    raise CertificateError(N_("no certificate number was free after several tries; please issue the certificate again"))


def _certificate_of(check_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.check_id == check_id))


def _new_certificate(check: Check, user: User, number: str, photos: list[tuple[str, matching.PhotoSignature]]) -> Certificate:
    content = _content(check, user, number)
    signature = sign(content)
    certificate = Certificate(number=number, verification_code=signature[:CODE_LENGTH], user=user, check=check,
                              content=content, signature=signature)
    for sha256, photo_signature in photos:
        certificate.photos.append(CertificatePhoto(sha256=sha256, algorithm_version=matching.ALGORITHM_VERSION,
                                                   index_key=photo_signature.index_key, features=photo_signature.features))
    return certificate


def _photo_signature(sha256: str) -> tuple[str, matching.PhotoSignature] | None:
    data = media_store().read("display", sha256)
    if data is None:
        return None  # a check without stored photos (from the CLI, or not kept) cannot raise later alerts
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return sha256, matching.compute_signature(image.convert("RGB"))


def verify(code: str) -> tuple[str, Certificate | None]:
    """("genuine" | "altered" | "unknown", certificate): is there a certificate with this code, unaltered?"""
    code = (code or "").strip().lower().replace("-", "").replace(" ", "")
    certificate = db.session.scalar(select(Certificate).where(Certificate.verification_code == code)) if code else None
    if certificate is None:
        return "unknown", None
    expected = sign(certificate.content)
    genuine = hmac.compare_digest(expected, certificate.signature) and expected.startswith(code)
    return ("genuine" if genuine else "altered"), certificate


def has_certificates() -> bool:
    """True when any certificate has photos to compare (else a lost record's photos need not be described)."""
    return db.session.scalar(select(CertificatePhoto.id).limit(1)) is not None


def matching_certificates(queries: list[matching.QuerySignature]) -> dict[int, float]:
    """{certificate id: best score} of the certificates whose photos show the object of these query photos (the
    photos of a record now lost: the standing watch, services.watch, alerts their holders with :func:`raise_alert`)."""
    index = _certificate_index()
    scores: dict[int, float] = {}
    for query in queries if len(index) else []:
        candidates = index.search(query, matching.candidates_to_verify(query))
        for match in matching.rank(query, candidates, _certificate_features, top=5):
            if match.verdict == "match":
                scores[match.record_id] = max(scores.get(match.record_id, 0.0), float(match.score))
    return scores


def _certificate_index() -> matching.HashIndex:
    """Certificates' photos as an index whose "record" ids are certificate ids."""
    index = matching.HashIndex()
    rows = db.session.execute(select(CertificatePhoto.id, CertificatePhoto.certificate_id, CertificatePhoto.index_key)
                              .where(CertificatePhoto.algorithm_version == matching.ALGORITHM_VERSION))
    for photo_id, certificate_id, key in rows:
        index.add(photo_id, certificate_id, key)
    return index


def _certificate_features(photo_ids: list[int]) -> dict[int, bytes]:
    rows = db.session.execute(select(CertificatePhoto.id, CertificatePhoto.features).where(CertificatePhoto.id.in_(photo_ids)))
    return {photo_id: features for photo_id, features in rows}


def raise_alert(certificate_id: int, record: ObjectRecord, score: float) -> CertificateAlert | None:
    """Alert a certificate's holder (dashboard, e-mail) that `record`, now lost, matches its photos; None when the
    holder was already alerted of that record (not committed)."""
    exists = db.session.scalar(select(CertificateAlert).where(CertificateAlert.certificate_id == certificate_id,
                                                             CertificateAlert.record_id == record.id))
    if exists is not None:
        return None
    certificate = db.session.get(Certificate, certificate_id)
    alert = CertificateAlert(certificate=certificate, record_id=record.id, score=float(score))
    db.session.add(alert)
    holder = db.session.get(User, certificate.user_id)
    with in_language(holder.language if holder else None):
        status = status_label(record.status).lower()
        subject = gettext("Certificate %(number)s: the object may be reported %(status)s", number=certificate.number,
                          status=status)
        body = gettext("A record reported %(status)s (%(institution)s, %(number)s) matches the photos of your "
                       "due-diligence check of %(date)s. Do not sell or move the object; contact the registering "
                       "institution or the police.", status=status, institution=record.institution.name,
                       number=record.object_number, date=certificate.content["check"]["at"])
    db.session.add(Notification(user_id=certificate.user_id, subject=subject, body=body, link=f"/objects/{record.id}",
                                details={"certificate": certificate.number, "record_id": record.id,
                                         "check_id": certificate.check_id, "score": round(float(score), 4)}))
    if holder is not None and holder.active:
        queue_mail(holder.email, subject, body + "\n\n" + public_url(f"/objects/{record.id}"))
    return alert


