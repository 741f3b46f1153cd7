"""The request guard: 401 without a valid session (before any other check), 403 without CSRF proof."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

from backend.auth.models import AuthSession
from backend.auth.service import csrf_ok, session_for
from backend.errors import DomainError, Forbidden, Unauthorized, envelope
from backend.extensions import db
from backend.org.models import Person

SESSION_COOKIE = "cadence_session"
CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Reachable without a session: signing in, the API description and the health check.
PUBLIC = {"/api/auth/login", "/api/openapi.json", "/healthz"}


def _guard() -> Response | None:
    path = request.path
    if not path.startswith("/api/") or path in PUBLIC:
        return None
    try:
        auth = session_for(db.session(), request.cookies.get(SESSION_COOKIE))
        if auth is None:
            raise Unauthorized("Sign in to continue.")
        if request.method not in SAFE_METHODS and not csrf_ok(
            auth, request.headers.get(CSRF_HEADER), request.cookies.get(CSRF_COOKIE)
        ):
            raise Forbidden("The request is missing its CSRF token; reload the page and try again.")
    except DomainError as exc:
        return envelope(exc.status, exc.code, exc.message)
    g.auth = auth
    return None


def acting_person() -> Person:
    """The signed-in person of this request (the guard has already checked there is one)."""
    auth: AuthSession | None = g.get("auth")
    if auth is None:
        raise Unauthorized("Sign in to continue.")
    person = db.session.get(Person, auth.person_id)
    if person is None:
        raise Unauthorized("Sign in to continue.")
    return person


def set_session_cookies(response: Response, token: str, csrf: str, max_age: int) -> None:
    secure = bool(current_app.config["SESSION_COOKIE_SECURE"])
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="Lax", secure=secure)
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, httponly=False, samesite="Lax", secure=secure)


def clear_session_cookies(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, samesite="Lax")
    response.delete_cookie(CSRF_COOKIE, samesite="Lax")


def init_app(app: Flask) -> None:
    app.before_request(_guard)
