"""Register every domain's commands on `flask --app backend`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from backend.demo.cli import demo_cli
    from backend.org.cli import roster_cli
    from backend.rubrics.cli import rubrics_cli

    for group in (roster_cli, rubrics_cli, demo_cli):
        app.cli.add_command(group)
