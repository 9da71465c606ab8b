"""Exchange in the API: export the records you may see as CSV or LIDO, import a CSV or LIDO file."""

from __future__ import annotations

from flask import Response, request
from flask_login import current_user
from marshmallow import Schema, fields, pre_load, validate
from sqlalchemy import select

from registry.actors import web_actor
from registry.api import bp
from registry.api.errors import ApiError
from registry.api.openapi import errors
from registry.api.schemas import with_files
from registry.auth.access import current_principal
from registry.extensions import db
from registry.models import Institution, ObjectRecord
from registry.services import exchange as exchange_service
from registry.services import importer
from registry.services.institutions import CREATE_AS_ADMIN
from registry.services.search import visible_to

MAX_IMPORT_BYTES = 50 * 1024 * 1024


class ExportArgsSchema(Schema):
    """Export format and filter."""

    format = fields.String(load_default="lido", validate=validate.OneOf(["csv", "lido"]))
    status = fields.String(load_default="", validate=validate.OneOf(["", "inventory", "stolen", "missing", "looted", "recovered"]))


class ImportFormSchema(Schema):
    """A CSV or LIDO file to import (multipart)."""

    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "lido"]))
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary", "description": "The CSV or LIDO XML file"})

    @pre_load
    def _file_sent(self, data, **kwargs):
        files = with_files(data, "file")
        return {**files, "file": files["file"][0]} if "file" in files else files


class ImportReportSchema(Schema):
    """What an import did."""

    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    rejected = fields.Integer()
    rejected_rows = fields.List(fields.Dict())
    warnings = fields.List(fields.String())


@bp.get("/exports/records")
@bp.arguments(ExportArgsSchema, location="query")
@bp.response(200, description="The records you may see, as CSV or LIDO 1.1 XML")
@errors(bp, 422)
def export_records(args: dict):
    """Export the records you may see as CSV (the import columns) or LIDO 1.1 XML."""
    statement = select(ObjectRecord).join(Institution).where(visible_to(current_principal())).order_by(Institution.name, ObjectRecord.object_number)
    if args["status"]:
        statement = statement.where(ObjectRecord.status == args["status"])
    data = exchange_service.export_records(db.session.scalars(statement), args["format"], current_principal())
    mimetype = "text/csv" if args["format"] == "csv" else "application/xml"
    return Response(data, mimetype=mimetype)



@bp.post("/imports")
@bp.arguments(ImportFormSchema, location="form", content_type="multipart/form-data")
@bp.response(200, ImportReportSchema)
@errors(bp, 400, 403, 413, 422, described={400: "The file cannot be read as CSV or LIDO"})
def import_records(form: dict):
    """Import records from a CSV or LIDO file (a registrar imports into their own institution). Resumable and idempotent."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError("send the file in the multipart field 'file'")
    data = upload.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise ApiError(f"the file is larger than {MAX_IMPORT_BYTES // 1_048_576} MB; split it")
    try:
        if form["format"] == "lido":
            records = importer.read_lido_records(data)
        else:
            records = importer.read_csv_records(data.decode("utf-8-sig"))
    except (importer.ImportFileError, UnicodeDecodeError) as exc:
        raise ApiError(f"the file cannot be read: {exc}") from exc
    institution = current_user.institution.name if current_principal().role == "registrar" else None
    if institution:
        records = [(position, {**record, "institution": institution}) for position, record in records]
    report = importer.import_records(records, None, institution, web_actor(), photos_required=False,
                                     unknown_institution_remedy=CREATE_AS_ADMIN)
    return report.as_dict()
