"""Sign-in: slow password hashes, server-side sessions, CSRF tokens and throttled guessing."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from backend.auth.models import AuthSession, LoginFailure
from backend.db import utcnow
from backend.errors import TooManyAttempts, Unauthorized
from backend.org.models import Person

BAD_CREDENTIALS = "That email and password do not match an account."
# Compared against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-password-of-anyone", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Limits:
    per_account: int
    per_address: int
    window_seconds: int


@dataclass(frozen=True)
class SignedIn:
    person: Person
    token: str
    csrf_token: str
    expires_in: int


def _check_throttle(session: Session, email: str, address: str, limits: Limits) -> None:
    since = utcnow() - timedelta(seconds=limits.window_seconds)
    for column, value, limit in (
        (LoginFailure.email, email, limits.per_account),
        (LoginFailure.address, address, limits.per_address),
    ):
        count, oldest = session.execute(
            select(func.count(), func.min(LoginFailure.at)).where(column == value, LoginFailure.at >= since)
        ).one()
        if count >= limit:
            retry = int((oldest + timedelta(seconds=limits.window_seconds) - utcnow()).total_seconds()) + 1
            raise TooManyAttempts(
                f"Too many failed sign-ins. Try again in {max(retry, 1)} seconds.", retry_after=max(retry, 1)
            )


def login(
    session: Session, email: str, password: str, address: str, limits: Limits, lifetime: timedelta
) -> SignedIn:
    """Check the password and open a session; record failures so guessing is slowed down."""
    email = email.strip().lower()
    _check_throttle(session, email, address, limits)
    person = session.scalar(select(Person).where(Person.email == email))
    stored = person.password_hash if person and person.password_hash else _DUMMY_HASH
    if not check_password_hash(stored, password) or person is None or not person.password_hash:
        session.add(LoginFailure(email=email, address=address))
        raise Unauthorized(BAD_CREDENTIALS)
    session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        AuthSession(token_hash=_digest(token), csrf_token=csrf, person_id=person.id, expires_at=utcnow() + lifetime)
    )
    return SignedIn(person, token, csrf, int(lifetime.total_seconds()))


def session_for(session: Session, token: str | None) -> AuthSession | None:
    if not token:
        return None
    found = session.scalar(select(AuthSession).where(AuthSession.token_hash == _digest(token)))
    if found is None or found.expires_at <= utcnow():
        return None
    return found


def csrf_ok(auth: AuthSession, header: str | None, cookie: str | None) -> bool:
    """Double submit: the header must repeat the cookie, and both must be this session's token."""
    if not header or not cookie:
        return False
    return hmac.compare_digest(header, cookie) and hmac.compare_digest(header, auth.csrf_token)


def logout(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(AuthSession).where(AuthSession.token_hash == _digest(token)))
