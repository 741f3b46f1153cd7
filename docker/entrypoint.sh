#!/bin/sh
# Bring the schema and the rubrics up to date, then hand the process over to gunicorn (or to the
# command given, e.g. `docker compose run app flask --app backend demo seed`).
# With several replicas, run the migrations as a separate release step instead of here.
set -eu

flask --app backend db upgrade
flask --app backend rubrics load

if [ "$#" -gt 0 ]; then
    exec "$@"
fi
exec gunicorn -c gunicorn.conf.py backend.wsgi:app
