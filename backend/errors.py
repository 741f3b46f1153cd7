"""Domain exceptions and the one JSON error envelope every failure leaves the server in."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

FieldErrors = dict[str, Any]


class DomainError(Exception):
    """A failure a client can act on; carries its HTTP status and, where useful, field errors."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, errors: FieldErrors | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class Invalid(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Conflict(DomainError):
    status = 409
    code = "conflict"

    def __init__(self, message: str, current: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.current = current


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def envelope(status: int, code: str, message: str, errors: FieldErrors | None = None) -> Response:
    body: dict[str, Any] = {"code": code, "status": status, "message": message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    return response


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_attempts",
}


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    errors = None
    data = getattr(exc, "data", None)
    if isinstance(data, dict):
        messages = data.get("messages")
        if isinstance(messages, dict):
            # webargs nests field errors by location ("json", "query"); clients want the fields.
            errors = {}
            for located in messages.values():
                if isinstance(located, dict):
                    errors.update(located)
                else:
                    errors.setdefault("_schema", located)
    message = exc.description or "Request failed."
    if status == 422 and errors:
        message = "Some fields are not valid; see errors."
    if status == 413:
        message = "The request body is too large (the limit is 2 MB)."
    response = envelope(status, _HTTP_CODES.get(status, "error"), message, errors)
    allowed = getattr(exc, "valid_methods", None)
    if status == 405 and allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response


def _domain_error(exc: DomainError) -> Response:
    response = envelope(exc.status, exc.code, exc.message, exc.errors)
    if isinstance(exc, TooManyAttempts):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _unexpected(exc: Exception) -> Response:
    log.exception("unhandled error")
    return envelope(500, "internal_error", "Something went wrong on our side; it has been logged.")


def _refuse_nul_characters() -> Response | None:
    """Refuse NUL characters in bodies up front: PostgreSQL cannot store them in text."""
    if request.method in {"POST", "PUT", "PATCH"} and request.is_json:
        raw = request.get_data(cache=True)
        if b"\\u0000" in raw or b"\x00" in raw:
            return envelope(400, "bad_request", "Text may not contain NUL characters.")
    return None


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul_characters)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
