"""Run Alembic against the app's database and metadata (loaded by `flask --app backend db ...`)."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from alembic import context
from alembic.operations import ops
from flask import current_app

from backend.db import UTCDateTime

log = logging.getLogger("alembic.env")
config = context.config
db = current_app.extensions["migrate"].db
target_metadata = db.metadata

# The one row every change_seq comes from; the app cannot write a change without it.
COUNTER_ROW = "INSERT INTO change_counter (id, value) VALUES (1, 0)"


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write the app's column types as plain SQLAlchemy ones, so revisions never import app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def shape_revision(ctx: Any, revision: Any, directives: list[Any]) -> None:
    """Finish what autogenerate leaves out, so regenerating a revision needs no hand edits.

    A foreign key marked `use_alter` (the observation <-> action_step cycle) is left out of
    CREATE TABLE by PostgreSQL, so it is added once every table exists and dropped before any is.
    A new change_counter table gets its single row.
    """
    if not getattr(config.cmd_opts, "autogenerate", False):
        return
    script = directives[0]
    if script.upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")
        return
    upgrade: list[Any] = []
    deferred: list[sa.ForeignKeyConstraint] = []
    for op in script.upgrade_ops.ops:
        upgrade.append(op)
        if not isinstance(op, ops.CreateTableOp):
            continue
        late = [c for c in op.columns if isinstance(c, sa.ForeignKeyConstraint) and c.use_alter]
        op.columns = [c for c in op.columns if all(c is not fk for fk in late)]
        deferred.extend(late)
        if op.table_name == "change_counter":
            upgrade.append(ops.ExecuteSQLOp(COUNTER_ROW))
    for fk in deferred:
        table = fk.table.name
        upgrade.append(ops.ModifyTableOps(table, [ops.CreateForeignKeyOp.from_constraint(fk)]))
        script.downgrade_ops.ops.insert(
            0, ops.ModifyTableOps(table, [ops.DropConstraintOp.from_constraint(fk)])
        )
    script.upgrade_ops.ops = upgrade


def options(dialect: str) -> dict[str, Any]:
    extra = dict(current_app.extensions["migrate"].configure_args)
    extra.setdefault("process_revision_directives", shape_revision)
    return {
        "target_metadata": target_metadata,
        "compare_type": True,
        "compare_server_default": True,
        "render_item": render_item,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        "render_as_batch": dialect == "sqlite",
        **extra,
    }


def run_offline() -> None:
    url = db.engine.url
    context.configure(url=url, literal_binds=True, **options(url.get_backend_name()))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    # A caller (the migration tests) may hand over a connection of its own.
    given: sa.Connection | None = config.attributes.get("connection")
    if given is not None:
        context.configure(connection=given, **options(given.dialect.name))
        with context.begin_transaction():
            context.run_migrations()
        return
    with db.engine.connect() as connection:
        context.configure(connection=connection, **options(connection.dialect.name))
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
