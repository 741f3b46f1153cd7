"""The application factory: the only place an app is built."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import event

from backend import config as config_module
from backend import errors, models  # noqa: F401  (models: the whole schema, for Alembic)
from backend.extensions import api, db, migrate


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(config_module.INSTANCE), static_folder=None)
    app.config.update(config_module.load())
    if config:
        app.config.update(config)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", config_module.engine_options(url))
    app.json.sort_keys = False  # type: ignore[attr-defined]

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.ROOT / "migrations"))
    api.init_app(app)
    errors.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
    _register_session_hooks()

    from backend.auth import guard
    from backend.auth.routes import blp as auth_blp
    from backend.health import blp as health_blp
    from backend.observations.routes import blp as observations_blp
    from backend.org.routes import blp as org_blp
    from backend.rubrics.routes import blp as rubrics_blp
    from backend.sync.routes import blp as sync_blp

    guard.init_app(app)
    for blp in (auth_blp, org_blp, rubrics_blp, observations_blp, sync_blp):
        api.register_blueprint(blp)
    app.register_blueprint(health_blp)

    from backend import cli, web

    cli.init_app(app)
    web.init_app(app)
    logging.getLogger(__name__).debug("app created")
    return app


_hooks_registered = False


def _register_session_hooks() -> None:
    """Keep the change counter's local state in step with the session's transactions."""
    global _hooks_registered
    if _hooks_registered:
        return
    from sqlalchemy.orm import Session

    from backend.db import flush_change_seq, forget_change_seq

    # Only the outermost transaction counts: releasing a savepoint commits nothing yet.
    def outermost(fn: Callable[[Session], None]) -> Callable[[Session], None]:
        return lambda s: None if s.in_nested_transaction() else fn(s)

    event.listen(Session, "before_commit", outermost(flush_change_seq))
    event.listen(Session, "after_commit", outermost(forget_change_seq))
    event.listen(Session, "after_rollback", outermost(forget_change_seq))
    _hooks_registered = True

