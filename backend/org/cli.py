from flask.cli import AppGroup

roster_cli = AppGroup("roster", help="Manage the roster.")
