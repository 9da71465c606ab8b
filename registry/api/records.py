"""Records in the API: search with pagination, read, create, update, change status, add and remove photos."""

from __future__ import annotations


from flask import request, url_for
from flask_login import current_user

from registry.actors import web_actor
from registry.api import bp
from registry.api.errors import ApiError, ApiErrorSchema
from registry.api.schemas import (
    PhotoUploadSchema, RecordCreateSchema, RecordPageSchema, RecordQueryArgsSchema, RecordSchema, RecordUpdateSchema, StatusSchema,
)
from registry.auth.access import current_principal
from registry.extensions import db
from registry.imaging import PhotoRejected
from registry.models import ObjectRecord, Photo
from registry.objectid.standard import LOSS_FIELDS, InvalidRecord
from registry.policy import can_change_record, can_view_record
from registry.services import objects as record_service
from registry.services.photos import attach_photos, decode_upload, remove_photo
from registry.services.redlists import tag_codes_by_record
from registry.services.search import RecordQuery, search_statement

MAX_PHOTOS = 12


def _present(record: ObjectRecord, tag_codes: list[str] | None = None) -> ObjectRecord:
    """Attach the derived values the record schema answers with (photo URLs, tags, page URL).

    :param tag_codes: the record's category codes when already fetched for a whole page.
    """
    record.api_photos = [
        {"id": p.id, "sha256": p.sha256, "original_filename": p.original_filename, "width": p.width, "height": p.height,
         "url": url_for("media.photo_file", kind="display", sha256=p.sha256, _external=True),
         "thumbnail_url": url_for("media.photo_file", kind="thumb", sha256=p.sha256, _external=True)}
        for p in record.current_photos
    ]
    record.api_categories = tag_codes if tag_codes is not None else tag_codes_by_record([record.id])[record.id]
    record.api_url = url_for("objects.sheet", record_id=record.id, _external=True)
    return record


def _visible_record(record_id: int) -> ObjectRecord:
    record = db.session.get(ObjectRecord, record_id)
    if record is None or not can_view_record(current_principal(), record.status, record.institution_id):
        raise ApiError(f"no record {record_id} that you may see", 404)
    return record


def _changeable_record(record_id: int, action: str) -> ObjectRecord:
    record = _visible_record(record_id)
    if not can_change_record(current_principal(), action, record.institution_id):
        raise ApiError("only a registrar of the record's institution may change it", 403)
    return record


def _write(operation):
    """Run a write service; a broken Object ID rule becomes a 400 with its message, and nothing is kept."""
    try:
        return operation()
    except InvalidRecord as exc:
        db.session.rollback()
        raise ApiError(str(exc), 400) from exc


@bp.get("/records")
@bp.arguments(RecordQueryArgsSchema, location="query")
@bp.response(200, RecordPageSchema)
def list_records(args: dict):
    """Search the records you may see (published ones, and your institution's inventory), newest first."""
    query = RecordQuery(text=args["q"], object_type=args["object_type"], material=args["material"], status=args["status"],
                        year_from=args["year_from"], year_to=args["year_to"], institution_id=args["institution_id"])
    page = db.paginate(search_statement(query, current_principal()), page=args["page"], per_page=args["per_page"], error_out=False)
    codes = tag_codes_by_record([record.id for record in page.items])
    return {"total": page.total, "page": page.page, "pages": page.pages, "per_page": page.per_page,
            "records": [_present(record, codes[record.id]) for record in page.items]}


@bp.get("/records/<int:record_id>")
@bp.response(200, RecordSchema)
@bp.alt_response(404, schema=ApiErrorSchema)
def get_record(record_id: int):
    """One record."""
    return _present(_visible_record(record_id))


@bp.post("/records")
@bp.arguments(RecordCreateSchema)
@bp.response(201, RecordSchema)
@bp.alt_response(400, schema=ApiErrorSchema, description="An Object ID rule broken (e.g. object number taken)")
@bp.alt_response(403, schema=ApiErrorSchema)
def create_record(data: dict):
    """Register an object (a registrar registers for their own institution). Add photos with POST /records/{id}/photos."""
    principal = current_principal()
    institution = current_user.institution.name if principal.role == "registrar" else data.pop("institution", "")
    data.pop("institution", None)
    status = data.pop("status")
    record = _write(lambda: record_service.create_record(institution, data, web_actor(), status_fields={"status": status}))
    return _present(record)


@bp.patch("/records/<int:record_id>")
@bp.arguments(RecordUpdateSchema)
@bp.response(200, RecordSchema)
@bp.alt_response(400, schema=ApiErrorSchema)
@bp.alt_response(403, schema=ApiErrorSchema)
@bp.alt_response(404, schema=ApiErrorSchema)
def update_record(data: dict, record_id: int):
    """Change fields of a record; each change goes to its history."""
    record = _changeable_record(record_id, "records.edit")
    _write(lambda: record_service.update_record(record, data, web_actor()))
    return _present(record)


@bp.post("/records/<int:record_id>/status")
@bp.arguments(StatusSchema)
@bp.response(200, RecordSchema)
@bp.alt_response(400, schema=ApiErrorSchema)
@bp.alt_response(403, schema=ApiErrorSchema)
@bp.alt_response(404, schema=ApiErrorSchema)
def change_status(data: dict, record_id: int):
    """Report a record stolen, missing, looted or recovered, with the loss details."""
    record = _changeable_record(record_id, "records.change_status")
    _write(lambda: record_service.change_status(record, {name: data.get(name) for name in ("status", *LOSS_FIELDS)}, web_actor()))
    return _present(record)


@bp.post("/records/<int:record_id>/photos")
@bp.arguments(PhotoUploadSchema, location="files")
@bp.response(201, RecordSchema)
@bp.alt_response(400, schema=ApiErrorSchema)
@bp.alt_response(422, schema=ApiErrorSchema, description="A photo that is not a sound image; nothing is stored")
def add_photos(_files: dict, record_id: int):
    """Add photos (multipart field `photos`); every photo is checked before any is stored."""
    record = _changeable_record(record_id, "records.edit")
    uploads = [u for u in request.files.getlist("photos") if u and u.filename]
    if not uploads or len(uploads) > MAX_PHOTOS:
        raise ApiError(f"send 1 to {MAX_PHOTOS} photos in the multipart field 'photos'")
    try:
        decoded = [decode_upload(u.read(), u.filename) for u in uploads]
    except PhotoRejected as exc:
        raise ApiError(str(exc), 422) from exc
    attach_photos(record, decoded, [u.filename for u in uploads], web_actor())
    db.session.commit()
    return _present(record)


@bp.delete("/records/<int:record_id>/photos/<int:photo_id>")
@bp.response(204)
@bp.alt_response(404, schema=ApiErrorSchema)
def delete_photo(record_id: int, photo_id: int):
    """Take a photo off a record (kept as evidence, marked removed)."""
    record = _changeable_record(record_id, "records.edit")
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.record_id != record.id or photo.removed_at is not None:
        raise ApiError(f"record {record_id} has no photo {photo_id}", 404)
    remove_photo(photo, web_actor())
    return ""


