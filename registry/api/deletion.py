"""Deleting a record through the API: the record becomes a tombstone (services/deletion.py)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from registry.actors import web_actor
from registry.api import bp
from registry.api.errors import ApiError, ApiErrorSchema
from registry.api.records import IF_MATCH, _changeable_record, _version_asked, _write
from registry.api.schemas import ConflictErrorSchema
from registry.services import deletion


class RecordDeletionSchema(Schema):
    """Why a record is deleted (required), and the version it was deleted from."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=deletion.REASON_LENGTH),
                           metadata={"description": "Kept in the record's history with who and when, as evidence."})
    version = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


class TombstoneSchema(Schema):
    """What is left of a deleted record for everyone: who deleted it, when and why."""

    id = fields.Integer()
    object_number = fields.String()
    deleted_at = fields.DateTime()
    deleted_by = fields.String()
    reason = fields.String(attribute="deletion_reason")


@bp.delete("/records/<int:record_id>")
@bp.arguments(RecordDeletionSchema)
@bp.doc(parameters=[IF_MATCH])
@bp.response(200, TombstoneSchema)
@bp.alt_response(400, schema=ApiErrorSchema)
@bp.alt_response(403, schema=ApiErrorSchema)
@bp.alt_response(404, schema=ApiErrorSchema)
@bp.alt_response(409, schema=ConflictErrorSchema, description="Someone else saved the record since your version; nothing was deleted")
def delete_record(data: dict, record_id: int):
    """Delete a record (an admin, or a registrar of its institution), saying why.

    The record leaves every search, export, feed and the photo index; its history, and the checks and certificates
    that named it, are kept; its photo files are purged after the retention period.
    """
    record = _changeable_record(record_id, "records.delete")
    version = _version_asked(record, data.get("version"))
    try:
        _write(lambda: deletion.delete_record(record, data["reason"], web_actor(), version=version), record, {})
    except deletion.DeletionRefused as exc:
        raise ApiError(str(exc), 400) from exc
    return record

