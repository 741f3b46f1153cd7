"""Configuration: safe defaults for a laptop, overridden only by environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("CADENCE_INSTANCE", ROOT / "instance"))


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'cadence.db'}")
    # Accept the URLs hosting providers hand out and use the psycopg 3 driver for them.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _secret_key() -> str:
    """Take the key from SECRET_KEY; on a laptop, make one once and keep it under instance/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if os.environ.get("CADENCE_ENV") == "production":
        raise RuntimeError("SECRET_KEY must be set in production")
    path = INSTANCE / "secret_key"
    INSTANCE.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


def load() -> dict[str, Any]:
    return {
        "SECRET_KEY": _secret_key(),
        "SQLALCHEMY_DATABASE_URI": _database_url(),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Production is served over HTTPS: cookies go only there unless told otherwise.
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", os.environ.get("CADENCE_ENV") == "production"),
        "SESSION_LIFETIME_HOURS": int(os.environ.get("SESSION_LIFETIME_HOURS", "720")),
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": int(os.environ.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", "5")),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "30")),
        "LOGIN_FAILURE_WINDOW_SECONDS": int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900")),
        "RUBRICS_DIR": os.environ.get("CADENCE_RUBRICS_DIR", str(ROOT / "rubrics")),
        "PWA_DIST": os.environ.get("CADENCE_PWA_DIST", str(ROOT / "pwa" / "dist")),
        "API_TITLE": "Cadence",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "JSON_SORT_KEYS": False,
    }


def engine_options(url: str) -> dict[str, Any]:
    """Wait for SQLite's write lock instead of failing; check pooled server connections before use."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}
