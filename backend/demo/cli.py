"""`flask demo seed`: a demo district to click through, with twelve weeks of coaching."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from backend.extensions import db

demo_cli = AppGroup("demo", help="The demo school.")


@demo_cli.command("seed")
@click.option("--force", is_flag=True, help="Seed even though the database already has people.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="The reference day (default: today).")
@click.option("--weeks", type=click.IntRange(1, 52), default=12, show_default=True, help="Weeks of history.")
def seed_command(force: bool, today: datetime | None, weeks: int) -> None:
    """Create the demo district, its people and teams, and twelve weeks of observations."""
    from backend.auth.service import hash_password
    from backend.demo import seed

    session = db.session()
    if not seed.needs_seeding(session) and not force:
        click.echo("The database already has people; nothing seeded (use --force to add the demo anyway).")
        return
    taken = seed.demo_emails_taken(session)
    if taken:
        raise click.ClickException(f"Demo accounts already exist ({', '.join(taken[:3])}); nothing seeded.")
    reference = today.date() if today else date.today()
    started = time.monotonic()
    rubrics_dir = Path(current_app.config["RUBRICS_DIR"])
    summary = seed.seed(session, hash_password(seed.DEMO_PASSWORD), rubrics_dir, reference, weeks)
    session.commit()
    click.echo(f"Demo seeded in {time.monotonic() - started:.1f} s:")
    for name, count in summary.counts.items():
        click.echo(f"  {name:<22} {count}")
    click.echo(f"Sign in with password {seed.DEMO_PASSWORD!r} as:")
    for email, what in seed.LOGINS.items():
        click.echo(f"  {email:<26} {what}")
