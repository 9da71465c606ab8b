"""Checks in the API: run one, and read the check log."""

from __future__ import annotations

from flask import current_app, request

from registry.actors import web_actor
from registry.api import bp
from registry.api.errors import ApiError
from registry.api.openapi import errors
from registry.api.schemas import CheckFormSchema, CheckLogArgsSchema, CheckLogSchema, CheckResultSchema
from registry.auth.access import current_principal
from registry.extensions import db
from registry.imaging import PhotoRejected
from registry.limits.rates import limit_checks
from registry.models import Check
from registry.policy import allowed, can_view_check
from registry.services.checks import QueryPhoto, photos_not_kept, run_check, visible_checks, with_enquiry_contacts
from registry.services.index import live_index
from registry.services.photos import decode_query_upload, read_upload


@bp.post("/checks")
@limit_checks
@bp.arguments(CheckFormSchema, location="form", content_type="multipart/form-data")
@bp.response(200, CheckResultSchema(many=True))
@errors(bp, 400, 403, 413, 422, 507, described={
    403: "all_statuses without the right", 422: "A photo that is not a sound image, or a field refused",
    429: "Too many checks from this token; the Retry-After header says when to try again"})
def create_check(form: dict):
    """Check a suspect object's photos against the registry.

    Multipart: `photos` (one or more files) and the optional fields below. Answers one element per
    photo, in the order sent, with candidates best first and the Red List categories it may fall into.
    The check is logged. While registered photos still lack a signature of the current matching
    algorithm (after an upgrade, until `registry reindex` has run), the answer carries the header
    `X-Photos-Not-Searched` with their number. The submitted photos are kept with the logged check; when the
    registry's photo storage is full or cannot be written, the check still answers, with the header
    `X-Photos-Not-Kept` giving how many were not kept (the check log says which, and why).
    """
    principal = current_principal()
    if form["all_statuses"] and not allowed(principal, "checks.run_all_statuses"):
        raise ApiError("your role may only check against records reported stolen, missing or looted (all_statuses=false)", 403)
    photos = _photos()
    fields = {name: form[name] for name in ("description", "object_type", "materials", "height_cm", "width_cm", "depth_cm", "diameter_cm", "weight_kg")}
    check, results = run_check(photos, fields, web_actor(), "api", top=form["top"], all_statuses=form["all_statuses"],
                               principal=principal, keep_photos=True)
    headers = {"X-Photos-Not-Searched": live_index().photos_not_searched, "X-Photos-Not-Kept": photos_not_kept(check)}
    return with_enquiry_contacts(results, principal), 200, {name: str(count) for name, count in headers.items() if count}


def _photos() -> list[QueryPhoto]:
    uploads = [u for u in request.files.getlist("photos") if u and u.filename]
    most = current_app.config["MAX_PHOTOS_PER_CHECK"]
    if not uploads:
        raise ApiError("send at least one photo in the multipart field 'photos'")
    if len(uploads) > most:
        raise ApiError(f"send at most {most} photos per check")
    photos = []
    for upload in uploads:  # one at a time: each photo's pixels are let go of before the next is decoded
        try:
            photos.append(QueryPhoto(upload.filename, decode_query_upload(read_upload(upload), upload.filename)).prepare())
        except PhotoRejected as exc:
            raise ApiError(str(exc), 422) from exc
    return photos


@bp.get("/checks")
@bp.arguments(CheckLogArgsSchema, location="query")
@bp.response(200, CheckLogSchema(many=True))
@errors(bp, 422)
def list_checks(args: dict):
    """The check log: your own checks; law enforcement its agency's; admins all. Newest first."""
    statement = visible_checks(current_principal())
    return db.paginate(statement, page=args["page"], per_page=args["per_page"], error_out=False).items


@bp.get("/checks/<int:check_id>")
@bp.response(200, CheckLogSchema)
@errors(bp, 404)
def get_check(check_id: int):
    """One logged check."""
    check = db.session.get(Check, check_id)
    if check is None or not can_view_check(current_principal(), check.user_id, check.agency):
        raise ApiError(f"no check {check_id} that you may see", 404)
    return check


