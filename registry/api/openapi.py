"""What the OpenAPI document says beyond the views' own decorators, so that it tells the truth (issue 24): the
error body every error has, text that may not hold the characters XML forbids, and the error statuses a call can
meet. Schemathesis checks the document against the running API (tests/api/test_fuzz.py)."""

from __future__ import annotations

from typing import Callable

from flask_smorest import Api
from marshmallow import fields

from registry.api.schemas import ApiErrorSchema

# Text without the characters registry.clean_text refuses (input_guard answers 400 for them); a JSON Schema regex.
# Unpaired surrogates, refused too, are left out: JSON text cannot carry them unescaped, and generators mishandle them.
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*$"

ERROR_DESCRIPTIONS = {
    400: "A body or parameter that cannot be read (not JSON, a control character in text), or an Object ID rule broken",
    401: "No valid API token: send `Authorization: Bearer <token>`",
    403: "Your role may not do this",
    404: "No such record, photo or check that you may see",
    409: "Someone else saved the record first (nothing was written), or the object number is taken",
    413: "The request is larger than the registry accepts",
    415: "The body is not of the media type this call reads",
    422: "A field refused: `details` names it and says why",
    429: "Too many calls: wait as many seconds as `Retry-After` says",
    503: "The registry cannot reach its database for the moment; try again in a few minutes",
    507: "The registry's photo storage is full; nothing was saved",
}
# Statuses any call can meet: a missing or revoked token, a rate limit, the database out of reach.
ANY_CALL = (401, 429, 503)


class RegistryApi(Api):
    """flask-smorest's Api, documenting errors as the API answers them: {error, status, details}."""

    ERROR_SCHEMA = ApiErrorSchema


def init_spec(api: Api) -> None:
    """Teach the document's generator the rules it cannot see in the schemas (call before registering blueprints)."""
    api.ma_plugin.converter.add_attribute_function(_text_pattern)


# Bodies that ignore fields they do not know still refuse those fields' text when it holds such characters.
_FORM_BODIES = ("RecordCreateForm", "CheckForm")  # multipart: every value is text
_JSON_BODIES = ("RecordCreate", "RecordUpdate")


def document_ignored_fields(api: Api) -> None:
    """Say what the bodies that ignore unknown fields accept in them (call after registering the blueprint)."""
    clean_text = {"type": "string", "pattern": TEXT_PATTERN}
    schemas = api.spec.components.schemas
    schemas["CleanValue"] = {"description": "Any JSON value whose texts hold no character XML 1.0 forbids",
                             "nullable": True, "anyOf": [
                                 clean_text, {"type": "number"}, {"type": "boolean"},
                                 {"type": "array", "items": {"$ref": "#/components/schemas/CleanValue"}},
                                 {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/CleanValue"}}]}
    for name in _FORM_BODIES:
        schemas[name]["additionalProperties"] = clean_text
    for name in _JSON_BODIES:
        schemas[name]["additionalProperties"] = {"$ref": "#/components/schemas/CleanValue"}


def _text_pattern(self, field: fields.Field, ret: dict, **kwargs) -> dict:
    """Free text (not an enumeration, a date or a file) may not hold the characters XML 1.0 forbids."""
    if ret.get("type") == "string" and not {"enum", "format", "pattern"} & ret.keys():
        return {"pattern": TEXT_PATTERN}
    return {}


def errors(bp, *statuses: int, described: dict[int, str] | None = None) -> Callable:
    """Decorator documenting the error statuses a view can answer (besides ANY_CALL), each with the error body.

    :param described: what a status means for this view, where more can be said than ERROR_DESCRIPTIONS does.
    """
    descriptions = {**ERROR_DESCRIPTIONS, **(described or {})}

    def document(view: Callable) -> Callable:
        for status in sorted({*statuses, *ANY_CALL}, reverse=True):
            view = bp.alt_response(status, schema=ApiErrorSchema, description=descriptions[status])(view)
        return view

    return document
