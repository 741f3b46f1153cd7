from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="The demo school.")
