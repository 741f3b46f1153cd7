"""`flask roster ...`: import people and teams from a CSV, set a password."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import delete, func, select

from backend.auth.models import AuthSession
from backend.extensions import db
from backend.org import importer, roster
from backend.org.models import Person

roster_cli = AppGroup("roster", help="Manage the roster.")
PROGRESS_ABOVE = 50  # rows; shorter files finish before a bar would be worth drawing
MIN_PASSWORD = 8


def _report(errors: list[importer.RowError], heading: str) -> None:
    if errors:
        click.echo(heading, err=True)
    for error in errors:
        click.echo(f"  {error}", err=True)


@roster_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--school", help="The school of rows whose school is blank; no other school is allowed.")
@click.option("--district", help="The district to look schools up in; unknown schools are created in it.")
@click.option("--skip-invalid", is_flag=True, help="Import people whose rows are all valid; report the rest.")
@click.option("--dry-run", is_flag=True, help="Check and count the changes, then write nothing.")
def import_command(
    csv_file: Path, school: str | None, district: str | None, skip_invalid: bool, dry_run: bool
) -> None:
    """Load people, school roles, teams and career stages from CSV_FILE (see docs/roster-csv.md)."""
    with csv_file.open(encoding="utf-8-sig", newline="") as handle:
        parsed = importer.parse(handle, default_school=school)
    session = db.session()
    schools, school_errors = importer.resolve_schools(session, parsed.rows, district)
    people = roster.people_by_email(session, {r.email for r in parsed.rows})
    parsed.errors = sorted(
        parsed.errors + school_errors + importer.check_stage_dates(parsed.rows, people), key=lambda e: e.line
    )
    rows, skipped = parsed.rows, list[importer.RowError]()
    if parsed.errors:
        if not skip_invalid or parsed.unreadable:
            _report(parsed.errors, f"{csv_file.name}: {len(parsed.errors)} problem(s); nothing was imported.")
            sys.exit(1)
        rows, skipped = parsed.without_invalid()
        _report(parsed.errors + skipped, f"{csv_file.name}: skipping these rows:")
    if len(rows) > PROGRESS_ABOVE:
        with click.progressbar(length=len(rows), label="Importing", file=sys.stderr) as bar:
            changes = roster.apply_roster(session, rows, schools, people, date.today(), bar.update)
    else:
        changes = roster.apply_roster(session, rows, schools, people, date.today())
    if dry_run:
        session.rollback()
    else:
        session.commit()
    verb = "Would change" if dry_run else "Changed"
    counts = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in vars(changes).items())
    click.echo(f"{len(rows)} row(s) imported. {verb}: {counts}." if changes.any() else
               f"{len(rows)} row(s) imported; the roster already matches, nothing to change.")
    if parsed.errors:
        click.echo(f"{len({e.line for e in parsed.errors + skipped})} row(s) skipped.")


@roster_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def set_password_command(email: str, password_stdin: bool) -> None:
    """Set the password of the person with EMAIL; their open sessions end."""
    from backend.auth.service import hash_password

    person = db.session.scalar(select(Person).where(func.lower(Person.email) == email.strip().lower()))
    if person is None:
        raise click.ClickException(f"No one has the email {email!r}.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"The password needs at least {MIN_PASSWORD} characters.")
    person.password_hash = hash_password(password)
    db.session.execute(delete(AuthSession).where(AuthSession.person_id == person.id))
    db.session.commit()
    click.echo(f"Password set for {person.email}.")
