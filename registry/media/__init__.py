"""Serving the display copies and thumbnails of photos (never the originals, which keep their metadata)."""

from flask import Blueprint, Response, abort
from sqlalchemy import String, cast, select

from registry.auth.access import current_principal
from registry.extensions import db
from registry.models import Check, ObjectRecord, Photo
from registry.policy import can_view_check, can_view_record, can_view_removed_photo
from registry.services.photos import media_store

bp = Blueprint("media", __name__)


@bp.get("/<kind>/<sha256>.jpg")
def photo_file(kind: str, sha256: str):
    """Send a stored display copy or thumbnail, if it shows a record or a check the user may view."""
    try:
        media_store().key(kind, sha256)
    except ValueError:
        abort(404)
    if not _may_view(sha256):
        abort(404)
    data = media_store().read(kind, sha256)
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/jpeg")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def _may_view(sha256: str) -> bool:
    principal = current_principal()
    records = db.session.execute(
        select(ObjectRecord.status, ObjectRecord.institution_id, Photo.removed_at)
        .join(Photo, Photo.record_id == ObjectRecord.id).where(Photo.sha256 == sha256)
    ).all()
    # a removed photo is no longer shown at its old address, but to those who may read the record's history
    if any(can_view_record(principal, status, institution_id)
           and (removed_at is None or can_view_removed_photo(principal, institution_id))
           for status, institution_id, removed_at in records):
        return True
    if principal.is_anonymous:
        return False
    checks = db.session.execute(
        select(Check.user_id, Check.agency).where(cast(Check.query_photos, String).contains(sha256)).limit(50)
    ).all()
    return any(can_view_check(principal, user_id, agency) for user_id, agency in checks)
