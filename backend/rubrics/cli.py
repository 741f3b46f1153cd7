from flask.cli import AppGroup

rubrics_cli = AppGroup("rubrics", help="Load and check rubrics.")
