"""The migrations build, from nothing, exactly the schema the models describe, and step back cleanly.

Each test gets a database of its own (a SQLite file, or a throw-away PostgreSQL database on the
TEST_DATABASE_URL server), so the session-wide `app` fixture's tables are never touched.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from backend import create_app
from backend.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app over a database with no tables at all."""
    if request.param == "sqlite":
        yield from _app_on(f"sqlite:///{tmp_path / 'migrations.db'}")
        return
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    server = make_url(TEST_DATABASE_URL)
    name = f"cadence_migrations_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield from _app_on(server.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _app_on(url: str) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret"})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _assert_schema_matches_models() -> None:
    with db.engine.connect() as conn:
        options = {"compare_type": True, "compare_server_default": True}
        context = MigrationContext.configure(conn, opts=options)
        differences = compare_metadata(context, db.metadata)
    hint = "the models changed: add a revision with `make migration m=...` (or `make migration-initial`)"
    assert not differences, hint + "\n" + "\n".join(map(str, differences))


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_upgrade_from_empty_matches_the_models(empty_app: Flask) -> None:
    upgrade()
    assert _tables() >= {t.name for t in db.metadata.sorted_tables}
    _assert_schema_matches_models()


def test_upgrade_creates_the_single_change_counter_row(empty_app: Flask) -> None:
    upgrade()
    rows = db.session.execute(text("SELECT id, value FROM change_counter")).all()
    assert [tuple(row) for row in rows] == [(1, 0)]


def test_latest_revision_downgrades_and_upgrades_again(empty_app: Flask) -> None:
    upgrade()
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    downgrade(revision="-1")
    if ScriptDirectory(str(MIGRATIONS)).get_revision(head).down_revision is None:
        assert _tables() <= {"alembic_version"}
    upgrade()
    _assert_schema_matches_models()
    assert db.session.execute(text("SELECT value FROM change_counter WHERE id = 1")).scalar_one() == 0


def test_revisions_form_one_line_with_descriptive_file_names() -> None:
    scripts = ScriptDirectory(str(MIGRATIONS))
    assert len(scripts.get_heads()) == 1, "two heads: merge them before upgrading anywhere"
    for path in (MIGRATIONS / "versions").glob("*.py"):
        assert re.fullmatch(r"\d{4}_[a-z0-9_]+\.py", path.name), path.name
