"""The WSGI entry point gunicorn serves (`backend.wsgi:app`); the only module-level app."""

from backend import create_app, logs

app = create_app()
logs.init_app(app)  # JSON lines for the server; the CLI keeps plain, readable output
