"""Marshmallow schemas of the API: what it accepts and answers, and what the OpenAPI document describes."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_dump, pre_load, validate, validates_schema

from registry.objectid.provenance import ACQUISITION_METHODS, EVENT_TEXT_LIMITS, MOST_EVENTS
from registry.objectid.standard import MAKER_QUALIFIERS, STATUSES
from registry.services.search import SIZE_LIMITS, SIZE_UNITS, InvalidSearch, check_size_ranges, size_bounds

_text = {"load_default": "", "validate": validate.Length(max=10000)}
_positive = {"allow_none": True, "load_default": None, "validate": validate.Range(min=0, min_inclusive=False)}
_version = {"validate": validate.Range(min=1, max=2**31 - 1),
            "metadata": {"description": "The record's version you started from (its `version`, or the number in its ETag). "
                                        "If the record was saved since, nothing is written and the answer is 409. "
                                        "Leave it out (and If-Match) to write over whatever version is current."}}


def _photos(required: bool = True) -> fields.List:
    return fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}), required=required,
                       validate=validate.Length(min=1, max=12),
                       metadata={"description": "One to twelve image files (JPEG, PNG, WebP, HEIC or TIFF)"})


def with_files(data, *names: str) -> dict:
    """Multipart form fields with the files sent under ``names`` (webargs reads either the fields or the files; the
    document describes both as one body, and a required file is then checked like any other field)."""
    merged = {key: data[key] for key in data}
    for name in names:
        files = [upload for upload in request.files.getlist(name) if upload and upload.filename]
        if files:
            merged[name] = files
    return merged


class UtcDateTime(fields.DateTime):
    """A moment as RFC 3339 in UTC with its offset (2026-12-03T08:00:00+00:00); SQLite gives moments back without
    one, and they were stored in UTC."""

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        if value is not None:
            value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class ApiErrorSchema(Schema):
    """Every error the API answers: a message a person can act on, the status, and details when there are any."""

    error = fields.String(required=True)
    status = fields.Integer(required=True)
    details = fields.Dict(keys=fields.String(), required=False)


class ConflictSchema(Schema):
    """What a write refused because the record changed since the version it started from is answered with."""

    current_version = fields.Integer(metadata={"description": "The record's version now"})
    your_version = fields.Integer(metadata={"description": "The version the write started from"})
    current = fields.Dict(metadata={"description": "The record's current value of each field you sent"})
    yours = fields.Dict(metadata={"description": "The value you sent for each field (none of them was written)"})


class ConflictErrorSchema(ApiErrorSchema):
    """409: someone else saved the record first; nothing was written."""

    details = fields.Nested(ConflictSchema, required=True)


class PhotoSchema(Schema):
    """A photo of a record (served without metadata)."""

    id = fields.Integer()
    sha256 = fields.String()
    filename = fields.String(attribute="original_filename")
    width = fields.Integer()
    height = fields.Integer()
    url = fields.String()
    thumbnail_url = fields.String()


class ProvenanceEventSchema(Schema):
    """One event of a record's provenance and ownership history."""

    class Meta:
        unknown = EXCLUDE

    owner = fields.String(load_default="", validate=validate.Length(max=EVENT_TEXT_LIMITS["owner"]),
                          metadata={"description": "Who owned the object (a person, dealer, institution)"})
    place = fields.String(load_default="", validate=validate.Length(max=EVENT_TEXT_LIMITS["place"]))
    date = fields.String(load_default="", validate=validate.Length(max=EVENT_TEXT_LIMITS["date"]),
                         metadata={"description": "When, as written: 1932, c. 1650, 1950-1962, 18th century, 1962-05-03"})
    year_from = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "Read from `date`"})
    year_to = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "Read from `date`"})
    method = fields.String(load_default="unknown", validate=validate.OneOf(["", *ACQUISITION_METHODS]),
                           metadata={"description": "How the owner acquired the object"})
    source = fields.String(load_default="", validate=validate.Length(max=EVENT_TEXT_LIMITS["source"]),
                           metadata={"description": "The document or reference that shows it (bill of sale, will, catalogue...)"})


class RecordFieldsSchema(Schema):
    """The Object ID fields that can be written."""

    class Meta:
        unknown = EXCLUDE

    object_type = fields.String(validate=validate.Length(min=1, max=200))
    materials = fields.String(**_text)
    techniques = fields.String(**_text)
    measurements_text = fields.String(**_text)
    height_cm = fields.Float(**_positive)
    width_cm = fields.Float(**_positive)
    depth_cm = fields.Float(**_positive)
    diameter_cm = fields.Float(**_positive)
    weight_kg = fields.Float(**_positive)
    inscriptions = fields.String(**_text)
    distinguishing_features = fields.String(**_text)
    title = fields.String(load_default="", validate=validate.Length(max=300))
    subject = fields.String(**_text)
    date_period = fields.String(load_default="", validate=validate.Length(max=200))
    year_from = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=-100000, max=2100))
    year_to = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=-100000, max=2100))
    maker = fields.String(load_default="", validate=validate.Length(max=300))
    maker_qualifier = fields.String(load_default="", validate=validate.OneOf(MAKER_QUALIFIERS))
    description = fields.String(**_text)
    place_of_origin = fields.String(load_default="", validate=validate.Length(max=300))
    related_written_material = fields.String(**_text)
    related_objects = fields.String(**_text)
    documented_on = fields.Date(allow_none=True, load_default=None)
    provenance = fields.List(fields.Nested(ProvenanceEventSchema), validate=validate.Length(max=MOST_EVENTS), metadata={
        "description": "Provenance and ownership history, oldest first; sending it replaces the whole list (each "
                       "change is in the record's history). JSON bodies only."})


class RecordCreateSchema(RecordFieldsSchema):
    """A new record: its institution (a registrar's own is used), number, type, and optionally its status."""

    institution = fields.String(load_default="", validate=validate.Length(max=200))
    object_number = fields.String(required=True, validate=validate.Length(min=1, max=100))
    object_type = fields.String(required=True, validate=validate.Length(min=1, max=200))
    status = fields.String(load_default="inventory", validate=validate.OneOf(STATUSES))


class RecordCreateFormSchema(RecordCreateSchema):
    """A new record with its photos, as multipart form data: the record's fields as form fields, and `photos`.

    A field sent empty counts as not sent (an HTML form sends every field).
    """

    photos = _photos(required=False)

    @pre_load
    def _empty_is_absent(self, data, **kwargs):
        return with_files({name: data[name] for name in data if data[name] != ""}, "photos")


class RecordUpdateSchema(RecordFieldsSchema):
    """A change to a record: only the fields sent are changed."""

    object_number = fields.String(validate=validate.Length(min=1, max=100))
    version = fields.Integer(**_version)

    class Meta:
        unknown = EXCLUDE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class StatusSchema(Schema):
    """Report a record stolen, missing, looted, recovered, or back in inventory."""

    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    loss_date = fields.Date(allow_none=True, load_default=None)
    loss_place = fields.String(load_default="", validate=validate.Length(max=300))
    case_reference = fields.String(load_default="", validate=validate.Length(max=100))
    loss_notes = fields.String(**_text)
    version = fields.Integer(allow_none=True, load_default=None, **_version)


class RecordSchema(RecordFieldsSchema):
    """A record as answered."""

    id = fields.Integer()
    institution = fields.Function(lambda record: record.institution.name)
    object_number = fields.String()
    status = fields.String()
    loss_date = fields.Date(allow_none=True)
    loss_place = fields.String()
    case_reference = fields.String()
    loss_notes = fields.String()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    photos = fields.List(fields.Nested(PhotoSchema), attribute="api_photos")
    red_list_categories = fields.List(fields.String(), attribute="api_categories")
    url = fields.String(attribute="api_url")
    institution_contact = fields.Dict(attribute="api_institution_contact", allow_none=True, metadata={
        "description": "Whom to contact about the object: its institution's postal_address, phone, enquiry_email and "
                       "website (null where withheld from you)"})
    withheld_fields = fields.List(fields.String(), attribute="api_withheld", metadata={
        "description": "Fields of this record your role may not see in its status (registry/policy.py "
                       "FIELD_VISIBILITY): they are answered empty"})
    version = fields.Integer(metadata={"description": "Goes up by one each time the record's fields or status are saved; "
                                                      "send it back (or the ETag as If-Match) with a change"})

    @post_dump(pass_original=True)
    def _withhold(self, data, record, **kwargs):
        """Answer empty what the reader may not see (the record itself is never changed)."""
        for name in getattr(record, "api_withheld", ()):
            if name in data:
                data[name] = [] if isinstance(data[name], list) else None if not isinstance(data[name], str) else ""
        return data


def _size_bound(name: str, end: str) -> fields.Float:
    """A search parameter bounding one measurement (its rules are services.search.check_size_ranges)."""
    return fields.Float(allow_none=True, load_default=None, metadata={
        "description": f"Only records whose {name} is {'at least' if end == 'min' else 'at most'} this many "
                       f"{SIZE_UNITS[name]} (0 to {SIZE_LIMITS[name]:g}; records that do not give their {name} are left "
                       "out). A bound out of range, or a minimum above its maximum, is refused with 422."})


class RecordQueryArgsSchema(Schema):
    """Search parameters (all optional, combined with AND)."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default="", validate=validate.Length(max=500))
    object_type = fields.String(load_default="", validate=validate.Length(max=200))
    material = fields.String(load_default="", validate=validate.Length(max=200))
    status = fields.String(load_default="", validate=validate.OneOf(["", *STATUSES]))
    year_from = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=-100000, max=2100))
    year_to = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=-100000, max=2100))
    institution_id = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    height_min = _size_bound("height", "min")
    height_max = _size_bound("height", "max")
    width_min = _size_bound("width", "min")
    width_max = _size_bound("width", "max")
    depth_min = _size_bound("depth", "min")
    depth_max = _size_bound("depth", "max")
    weight_min = _size_bound("weight", "min")
    weight_max = _size_bound("weight", "max")

    @validates_schema
    def _check_sizes(self, data, **kwargs):
        try:
            check_size_ranges(size_bounds(data))
        except InvalidSearch as exc:
            raise ValidationError(str(exc), exc.field) from exc


class RecordPageSchema(Schema):
    """One page of records."""

    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()
    per_page = fields.Integer()
    records = fields.List(fields.Nested(RecordSchema))


class PhotoUploadSchema(Schema):
    """Photos sent as multipart form data (the field `photos`, once per file)."""

    photos = _photos()


class CheckFormSchema(Schema):
    """What is known of the checked object (multipart form fields beside the photos)."""

    class Meta:
        unknown = EXCLUDE

    description = fields.String(load_default="", validate=validate.Length(max=5000))
    object_type = fields.String(load_default="", validate=validate.Length(max=200))
    materials = fields.String(load_default="", validate=validate.Length(max=500))
    height_cm = fields.Float(**_positive)
    width_cm = fields.Float(**_positive)
    depth_cm = fields.Float(**_positive)
    diameter_cm = fields.Float(**_positive)
    weight_kg = fields.Float(**_positive)
    top = fields.Integer(load_default=5, validate=validate.Range(min=1, max=50))
    all_statuses = fields.Boolean(load_default=False)
    photos = _photos()

    @pre_load
    def _photos_sent(self, data, **kwargs):
        return with_files(data, "photos")


class CandidateSchema(Schema):
    """A record a checked photo may show."""

    record_id = fields.Integer()
    object_number = fields.String()
    institution = fields.String()
    status = fields.String()
    score = fields.Float()
    verdict = fields.String(validate=validate.OneOf(["match", "possible", "no_match"]))
    evidence = fields.Dict()
    enquiry = fields.Nested(lambda: EnquirySchema(), metadata={
        "description": "Matches and possible matches only: whom to contact and the case reference to quote"})


class ContactSchema(Schema):
    """An institution's contact details for stolen-object enquiries (empty strings where not given)."""

    postal_address = fields.String()
    phone = fields.String()
    enquiry_email = fields.String()
    website = fields.String()


class EnquirySchema(Schema):
    """Whom to contact about a found record; null where the caller's role may not see it."""

    institution = fields.String()
    contact = fields.Nested(ContactSchema, allow_none=True)
    case_reference = fields.String(allow_none=True, metadata={"description": "The police case reference (signed-in roles)"})


class CategoryFitSchema(Schema):
    """A Red List category an object may fall into, and why."""

    red_list = fields.String()
    code = fields.String()
    name = fields.String()
    score = fields.Float()
    may_fall_into = fields.Boolean(metadata={"description": "Above the calibrated threshold on two independent kinds "
                                                            "of evidence (or tagged on a matching record)"})
    evidence = fields.List(fields.String(), metadata={"description": "Kinds of evidence that agreed: type, material, "
                                                                     "period, region, technique, tagged record"})
    reasons = fields.List(fields.String())


class RedListComparedSchema(Schema):
    """A Red List whose categories the object was compared with."""

    slug = fields.String()
    name = fields.String()
    year = fields.Integer()
    status = fields.String()
    categories = fields.Integer()
    demonstration = fields.Boolean()


class CheckResultSchema(Schema):
    """The answer for one checked photo."""

    query = fields.String()
    took_ms = fields.Float()
    candidates = fields.List(fields.Nested(CandidateSchema))
    red_list_categories = fields.List(fields.Nested(CategoryFitSchema))
    red_lists_compared = fields.List(fields.Nested(RedListComparedSchema),
                                     metadata={"description": "The Red Lists whose categories the description was "
                                                              "compared with (empty when no description was given)"})


class CheckLogSchema(Schema):
    """A logged check."""

    id = fields.Integer()
    created_at = UtcDateTime()
    actor = fields.String()
    agency = fields.String()
    channel = fields.String()
    all_statuses = fields.Boolean()
    query_fields = fields.Dict()
    query_photos = fields.List(fields.Dict())
    results = fields.List(fields.Nested(CheckResultSchema))


class CheckLogArgsSchema(Schema):
    """Paging through the check log."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class RedListSchema(Schema):
    """A Red List and its categories (codes and English names)."""

    slug = fields.String()
    name = fields.String()
    region = fields.String()
    countries = fields.List(fields.String())
    year = fields.Integer()
    publisher = fields.String()
    languages = fields.List(fields.String())
    url = fields.String()
    status = fields.String()
    demonstration = fields.Boolean()
    notes = fields.String()
    categories = fields.List(fields.Dict())


class LookupArgsSchema(Schema):
    """What is known of an object, for a Red List look-up."""

    class Meta:
        unknown = EXCLUDE

    text = fields.String(load_default="", validate=validate.Length(max=2000))
    region = fields.String(load_default="", validate=validate.Length(max=200))
    object_type = fields.String(load_default="", validate=validate.Length(max=200))
    materials = fields.String(load_default="", validate=validate.Length(max=500))
    techniques = fields.String(load_default="", validate=validate.Length(max=500))
    year_from = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=-100000, max=2100))
    year_to = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=-100000, max=2100))
    lang = fields.String(load_default="en", validate=validate.OneOf(["en", "fr", "es"]))
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class LookupFitSchema(CategoryFitSchema):
    """A look-up answer entry: a category fit with what disagreed."""

    disagreements = fields.List(fields.String())


class LookupResultSchema(Schema):
    """Categories that fit, best first, with the advice to give."""

    advice = fields.String()
    categories = fields.List(fields.Nested(LookupFitSchema))
