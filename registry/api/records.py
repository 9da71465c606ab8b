"""Records in the API: search with pagination, read, create (with photos), update, change status, add and remove photos.

Writes are optimistic: a record's JSON carries its `version` and GET answers it as an ETag; a change sent with that
version (If-Match, or `version` in the body) is refused with 409 when someone else saved the record since.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from flask import request, url_for
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from registry.actors import web_actor
from registry.api import bp
from registry.api.errors import ApiError
from registry.api.openapi import errors
from registry.api.schemas import (
    ConflictErrorSchema, PhotoUploadSchema, RecordCreateFormSchema, RecordCreateSchema, RecordPageSchema,
    RecordQueryArgsSchema, RecordSchema, RecordUpdateSchema, StatusSchema,
)
from registry.auth.access import current_principal
from registry.extensions import db
from registry.imaging import DecodedPhoto, PhotoRejected
from registry.models import ObjectRecord, Photo
from registry.objectid.standard import LOSS_FIELDS, InvalidRecord
from registry.policy import can_change_record, can_view_record, withheld_fields
from registry.services import objects as record_service
from registry.services.photos import attach_photos, decode_upload, read_upload, remove_photo
from registry.services.redlists import tag_codes_by_record
from registry import replica
from registry.services.search import RecordQuery, search_statement, size_bounds

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
    record.api_withheld = sorted(withheld_fields(current_principal(), record.status, record.institution_id))
    record.api_institution_contact = None if "institution_contact" in record.api_withheld else record.institution.contact
    return record


def _visible_record(record_id: int) -> ObjectRecord:
    record = db.session.get(ObjectRecord, record_id)
    if record is None or record.deleted_at is not None or not can_view_record(current_principal(), record.status, record.institution_id):
        raise ApiError(f"no record {record_id} that you may see", 404)
    return record


def _changeable_record(record_id: int, action: str) -> ObjectRecord:
    record = _visible_record(record_id)
    if not can_change_record(current_principal(), action, record.institution_id):
        raise ApiError("only a registrar of the record's institution may change it", 403)
    return record


ETAG_HEADER = {"description": "The record's version as an entity tag, `\"<id>-<version>\"`: send it back as If-Match with a change",
               "schema": {"type": "string"}}
IF_MATCH = {
    "in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
    "description": "The ETag of the record as you read it. If the record was saved since, nothing is written and the "
                   "answer is 409 with both values. The same as sending `version` in the body; without either, the "
                   "change is made to whatever version is current (a write racing another inside the server still "
                   "gets 409, never overwrites it).",
}


def _etag(record: ObjectRecord) -> str:
    return f'"{record.id}-{record.version}"'


def _answer(record: ObjectRecord, status: int = 200, headers: dict[str, str] | None = None):
    """The record as answered, with its ETag."""
    return _present(record), status, {"ETag": _etag(record), **(headers or {})}


def _version_asked(record: ObjectRecord, body_version: int | None) -> int | None:
    """The version a change was made from: If-Match's or the body's `version`; None when neither was sent.

    If-Match is compared by the version it names, weak or strong (a proxy that compresses the answer may weaken
    the ETag on its way to the client); `*` names whatever version is current.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header or request.if_match.star_tag:
        return body_version
    versions = set()
    for tag in request.if_match.as_set(include_weak=True):
        record_id, _, version = tag.rpartition("-")
        if record_id != str(record.id) or not (version.isascii() and version.isdigit()):
            raise ApiError(f"If-Match must be an ETag this API gave for record {record.id}, like {_etag(record)}", 400)
        versions.add(int(version))
    if not versions:
        raise ApiError(f"If-Match must be an ETag this API gave for record {record.id}, like {_etag(record)}", 400)
    asked = record.version if record.version in versions else max(versions)
    if body_version is not None and body_version != asked:
        raise ApiError(f"If-Match names version {asked} but the body's version is {body_version}; send one of them", 400)
    return asked


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _conflict(exc: record_service.RecordChanged, record: ObjectRecord, sent: dict[str, Any]) -> ApiError:
    """409: the record's current value of each field sent beside the value sent (the session was rolled back, so
    the record reads as committed now)."""
    return ApiError(str(exc), 409, details={
        "current_version": exc.current_version,
        "your_version": exc.your_version,
        "current": {name: _plain(getattr(record, name)) for name in sent},
        "yours": {name: _plain(value) for name, value in sent.items()},
    })


def _write(operation: Callable[[], Any], record: ObjectRecord | None = None, sent: dict[str, Any] | None = None):
    """Run a write service; nothing of it is kept when it fails.

    A broken Object ID rule becomes a 400 with its message (an object number already taken: 409); a record someone else saved since the version the
    change was made from (or while it was being written) a 409 comparing `sent` with the record's current values.
    """
    try:
        return operation()
    except InvalidRecord as exc:
        db.session.rollback()
        raise ApiError(str(exc), 409 if isinstance(exc, record_service.ObjectNumberTaken) else 400) from exc
    except record_service.RecordChanged as exc:
        db.session.rollback()
        raise _conflict(exc, record, sent or {}) from exc


def _creation_request() -> tuple[dict[str, Any], list[FileStorage]]:
    """The new record's fields and photos: a JSON body, or multipart form fields and files in `photos`."""
    if request.mimetype == "multipart/form-data":
        data = bp.ARGUMENTS_PARSER.parse(RecordCreateFormSchema, location="form")
        data.pop("photos", None)
        return data, [upload for upload in request.files.getlist("photos") if upload and upload.filename]
    return bp.ARGUMENTS_PARSER.parse(RecordCreateSchema, location="json"), []


def _decoded(uploads: list[FileStorage]) -> list[DecodedPhoto]:
    """Every uploaded photo decoded and checked, before anything is written; 422 naming the first refused one."""
    if len(uploads) > MAX_PHOTOS:
        raise ApiError(f"send at most {MAX_PHOTOS} photos in one request")
    decoded = []
    for position, upload in enumerate(uploads, start=1):
        try:
            decoded.append(decode_upload(read_upload(upload), upload.filename))
        except PhotoRejected as exc:
            reason = exc.args[0]
            raise ApiError(f"photo {position} of {len(uploads)} ({upload.filename}) was refused, so nothing was saved: {reason}",
                           422, details={"photo": position, "filename": upload.filename, "reason": reason}) from exc
    return decoded


@bp.get("/records")
@bp.arguments(RecordQueryArgsSchema, location="query")
@bp.response(200, RecordPageSchema)
@errors(bp, 422, described={422: "A parameter refused: a size bound out of range, or a minimum above its maximum"})
def list_records(args: dict):
    """Search the records you may see (published ones, and your institution's inventory), newest first.

    Sizes are searched in centimetres and kilograms (`height_min`, `height_max`, ... `weight_max`), whatever unit a
    record was entered in.
    """
    query = RecordQuery(text=args["q"], object_type=args["object_type"], material=args["material"], status=args["status"],
                        year_from=args["year_from"], year_to=args["year_to"], institution_id=args["institution_id"],
                        sizes=size_bounds(args))
    page = replica.paginate(search_statement(query, current_principal()), page=args["page"], per_page=args["per_page"], error_out=False)
    codes = tag_codes_by_record([record.id for record in page.items])
    return {"total": page.total, "page": page.page, "pages": page.pages, "per_page": page.per_page,
            "records": [_present(record, codes[record.id]) for record in page.items]}


@bp.get("/records/<int:record_id>")
@bp.response(200, RecordSchema, headers={"ETag": ETAG_HEADER})
@errors(bp, 404)
def get_record(record_id: int):
    """One record, with its version as the ETag header."""
    return _answer(_visible_record(record_id))


@bp.post("/records")
@bp.doc(requestBody={"required": True, "content": {"application/json": {"schema": RecordCreateSchema},
                                                   "multipart/form-data": {"schema": RecordCreateFormSchema}}})
@bp.response(201, RecordSchema, headers={"ETag": ETAG_HEADER, "Location": {"schema": {"type": "string"}}})
@errors(bp, 400, 403, 409, 413, 415, 422, 507, described={
    400: "An Object ID rule broken (e.g. year_from after year_to)", 409: "The object number is already registered",
    422: "An invalid field, or a refused photo: `details` says which (`photo`: its position from 1, `filename`, "
         "`reason`); nothing is created"})
def create_record():
    """Register an object, with its photos if you like (a registrar registers for their own institution).

    Send the record as JSON, or as multipart form data: the same fields as form fields (an empty one counts as not
    sent), and one or more image files in `photos`. The record and all its photos are saved in one transaction:
    if any photo is refused (not a sound image, too large...), nothing is created and the answer is 422 naming the
    photo and the reason. More photos can be added later with POST /records/{id}/photos.
    """
    principal = current_principal()
    data, uploads = _creation_request()
    photos = _decoded(uploads)
    institution = current_user.institution.name if principal.role == "registrar" else data.pop("institution", "")
    data.pop("institution", None)
    status = data.pop("status")
    record = _write(lambda: record_service.create_record(
        institution, data, web_actor(), photos=photos, filenames=[upload.filename for upload in uploads],
        status_fields={"status": status},
    ))
    return _answer(record, 201, {"Location": url_for("api.get_record", record_id=record.id, _external=True)})


@bp.patch("/records/<int:record_id>")
@bp.arguments(RecordUpdateSchema)
@bp.doc(parameters=[IF_MATCH])
@bp.response(200, RecordSchema, headers={"ETag": ETAG_HEADER})
@bp.alt_response(409, schema=ConflictErrorSchema, description="Someone else saved the record since your version; nothing was written")
@errors(bp, 400, 403, 404, 415, 422, described={400: "An Object ID rule broken (e.g. year_from after year_to)"})
def update_record(data: dict, record_id: int):
    """Change fields of a record; each change goes to its history.

    Send the version you started from (If-Match: its ETag, or `version` in the body): if the record was saved
    since, nothing is written and the answer is 409 with the record's current value of each field beside yours.
    """
    record = _changeable_record(record_id, "records.edit")
    version = _version_asked(record, data.pop("version", None))
    _write(lambda: record_service.update_record(record, data, web_actor(), version=version), record, data)
    return _answer(record)


@bp.post("/records/<int:record_id>/status")
@bp.arguments(StatusSchema)
@bp.doc(parameters=[IF_MATCH])
@bp.response(200, RecordSchema, headers={"ETag": ETAG_HEADER})
@bp.alt_response(409, schema=ConflictErrorSchema, description="Someone else saved the record since your version; nothing was written")
@errors(bp, 400, 403, 404, 415, 422, described={400: "An Object ID rule broken (e.g. a loss date in the future)"})
def change_status(data: dict, record_id: int):
    """Report a record stolen, missing, looted or recovered, with the loss details.

    Like a change of fields, it can carry the version it was made from (If-Match or `version`); 409 if it is stale.
    """
    record = _changeable_record(record_id, "records.change_status")
    version = _version_asked(record, data.pop("version", None))
    status_fields = {name: data.get(name) for name in ("status", *LOSS_FIELDS)}
    _write(lambda: record_service.change_status(record, status_fields, web_actor(), version=version), record, status_fields)
    return _answer(record)


@bp.post("/records/<int:record_id>/photos")
@bp.arguments(PhotoUploadSchema, location="files")
@bp.response(201, RecordSchema, headers={"ETag": ETAG_HEADER})
@errors(bp, 400, 403, 404, 413, 422, 507, described={422: "A photo that is not a sound image; nothing is stored"})
def add_photos(_files: dict, record_id: int):
    """Add photos (multipart field `photos`); every photo is checked before any is stored.

    Photos are added beside the record's fields, never over them, so this takes no version (nor changes it).
    """
    record = _changeable_record(record_id, "records.edit")
    uploads = [u for u in request.files.getlist("photos") if u and u.filename]
    if not uploads:
        raise ApiError(f"send 1 to {MAX_PHOTOS} photos in the multipart field 'photos'")
    decoded = _decoded(uploads)
    attach_photos(record, decoded, [u.filename for u in uploads], web_actor())
    db.session.commit()
    return _answer(record, 201)


@bp.delete("/records/<int:record_id>/photos/<int:photo_id>")
@bp.response(204)
@errors(bp, 403, 404)
def delete_photo(record_id: int, photo_id: int):
    """Take a photo off a record (kept as evidence, marked removed)."""
    record = _changeable_record(record_id, "records.edit")
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.record_id != record.id or photo.removed_at is not None:
        raise ApiError(f"record {record_id} has no photo {photo_id}", 404)
    remove_photo(photo, web_actor())
    return ""


