"""Serving the display copies and thumbnails of photos (never the originals, which keep their metadata)."""

from flask import Blueprint, abort, send_file

from registry.services.photos import media_store

bp = Blueprint("media", __name__)


@bp.get("/<kind>/<sha256>.jpg")
def photo_file(kind: str, sha256: str):
    """Send a stored display copy or thumbnail by content hash."""
    try:
        path = media_store().path(kind, sha256)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
