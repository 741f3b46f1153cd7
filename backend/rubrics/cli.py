"""`flask --app backend rubrics load|check`: validate the rubric files and store new versions."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from backend.extensions import db
from backend.rubrics import service

rubrics_cli = AppGroup("rubrics", help="Load and check rubrics.")

_dir_option = click.option(
    "--dir",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="The rubric directory (default: RUBRICS_DIR, the repository's rubrics/).",
)


@rubrics_cli.command("load")
@_dir_option
def load(directory: Path | None) -> None:
    """Validate every rubric file, then store a new version of each changed rubric."""
    try:
        report = service.load_directory(db.session(), directory or service.default_directory())
    except service.RubricFileError as exc:
        db.session.rollback()
        raise click.ClickException(f"nothing was loaded:\n{exc.message}") from None
    db.session.commit()
    for loaded in report.files:
        click.echo(loaded.summary())


@rubrics_cli.command("check")
@_dir_option
def check(directory: Path | None) -> None:
    """Validate every rubric file, the career path and the cadence targets; store nothing."""
    folder = directory or service.default_directory()
    try:
        rubrics = service.validate_directory(folder)
    except service.RubricFileError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{len(rubrics)} rubric files, the career path and the cadence targets are valid.")
