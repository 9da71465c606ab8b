"""JSON errors for the API, always {"error": "<what went wrong and what to do>", "status": <code>[, "details": {...}]}."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, TooManyRequests

from registry.api import bp
from registry.api.schemas import ApiErrorSchema
from registry.limits.bodies import too_large_message
from registry.limits.rates import too_many_checks_message

__all__ = ["ApiError", "ApiErrorSchema", "error_response"]


class ApiError(Exception):
    """An error answered to an API client with its HTTP status."""

    def __init__(self, message: str, status: int = 400, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.details = details


def error_response(message: str, status: int, details: dict[str, Any] | None = None):
    """A JSON error body with the given status."""
    body: dict[str, Any] = {"error": message, "status": status}
    if details:
        body["details"] = details
    response = jsonify(body)
    response.status_code = status
    return response


def _flatten(messages: Any, prefix: str = "") -> list[str]:
    if isinstance(messages, dict):
        return [line for key, value in messages.items() for line in _flatten(value, f"{prefix}{key}." if not str(key).isdigit() else prefix)]
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{prefix.rstrip('.')}: {' '.join(messages)}" if prefix else " ".join(messages)]
    if isinstance(messages, list):
        return [line for m in messages for line in _flatten(m, prefix)]
    return [f"{prefix.rstrip('.')}: {messages}"]


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return error_response(error.message, error.status, error.details)


@bp.errorhandler(HTTPException)
def api_http_error(error: HTTPException):
    messages = (getattr(error, "data", None) or {}).get("messages")
    if messages:
        # webargs/marshmallow validation: {"json": {"field": ["message"]}} -> one readable sentence, plus the details;
        # a body that is not JSON at all comes as {"json": ["Invalid JSON body."]}: the location is the detail's name
        details = {field: problem for location, found in messages.items()
                   for field, problem in (found.items() if isinstance(found, dict) else [(location, found)])}
        status = error.code or 422
        if any(not isinstance(found, dict) for found in messages.values()):
            status = 400  # not a value refused: the body could not be read
        return error_response("invalid input: " + "; ".join(_flatten(details)), status, details)
    if isinstance(error, RequestEntityTooLarge):
        return error_response(too_large_message(), 413)
    if isinstance(error, TooManyRequests):
        return error_response(too_many_checks_message(), 429)
    return error_response(error.description or error.name, error.code or 500)
