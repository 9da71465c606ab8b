"""JSON errors for the API: {"error": "<what went wrong and what to do>", "status": <code>}."""

from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException

from registry.api import bp


class ApiError(Exception):
    """An error answered to an API client with its HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def error_response(message: str, status: int):
    """A JSON error body with the given status."""
    return jsonify(error=message, status=status), status


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return error_response(error.message, error.status)


@bp.errorhandler(HTTPException)
def api_http_error(error: HTTPException):
    return error_response(error.description or error.name, error.code or 500)
