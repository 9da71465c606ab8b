"""POST /api/v1/checks: check a suspect object's photos (multipart) against the registry."""

from __future__ import annotations

from flask import jsonify, request

from registry.actors import web_actor
from registry.api import bp
from registry.api.errors import ApiError
from registry.auth.access import current_principal
from registry.imaging import PhotoRejected
from registry.policy import allowed
from registry.services.checks import QueryPhoto, run_check
from registry.services.photos import decode_upload, media_store

MAX_TOP = 50
_MEASUREMENTS = ("height_cm", "width_cm", "depth_cm", "diameter_cm", "weight_kg")


@bp.post("/checks")
def create_check():
    """Check photos (form field `photos`, repeatable) with optional description, object_type, materials,
    height_cm, width_cm, depth_cm, diameter_cm, weight_kg, top (1-50, default 5) and all_statuses (true/false).

    Answers a JSON array, one element per photo in the order sent:
    {"query", "took_ms", "candidates": [{"record_id", "object_number", "institution", "status", "score", "verdict", "evidence"}]}.
    """
    photos = _photos()
    fields = {name: request.form.get(name, "") for name in ("description", "object_type", "materials")}
    fields.update({name: _positive_number(name) for name in _MEASUREMENTS})
    principal = current_principal()
    all_statuses = _flag("all_statuses")
    if all_statuses and not allowed(principal, "checks.run_all_statuses"):
        raise ApiError("your role may only check against records reported stolen, missing or looted (all_statuses=false)", 403)
    _, results = run_check(photos, fields, web_actor(), "api", top=_top(), all_statuses=all_statuses, principal=principal)
    response = jsonify(results)
    response.status_code = 200
    return response


def _photos() -> list[QueryPhoto]:
    uploads = [u for u in request.files.getlist("photos") if u and u.filename]
    if not uploads:
        raise ApiError("send at least one photo in the multipart field 'photos'")
    photos = []
    for upload in uploads:
        try:
            photos.append(QueryPhoto(upload.filename, decode_upload(upload.read(), upload.filename)))
        except PhotoRejected as exc:
            raise ApiError(str(exc), 422) from exc
    store = media_store()
    for photo in photos:
        store.save(photo.decoded)
    return photos


def _positive_number(name: str) -> float | None:
    text = request.form.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError as exc:
        raise ApiError(f"{name} must be a number (centimetres or kilograms), not {text!r}") from exc
    if not value > 0 or value == float("inf"):
        raise ApiError(f"{name} must be a positive number")
    return value


def _top() -> int:
    text = request.form.get("top", "5").strip() or "5"
    if not text.isdigit() or not 1 <= int(text) <= MAX_TOP:
        raise ApiError(f"top must be a whole number from 1 to {MAX_TOP}")
    return int(text)


def _flag(name: str) -> bool:
    text = request.form.get(name, "false").strip().lower()
    if text not in ("true", "false", "1", "0", "yes", "no", ""):
        raise ApiError(f"{name} must be true or false")
    return text in ("true", "1", "yes")
