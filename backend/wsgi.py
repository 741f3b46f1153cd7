"""The WSGI entry point gunicorn serves (`backend.wsgi:app`); the only module-level app."""

from backend import create_app

app = create_app()
