"""Gunicorn settings, each overridable from the environment (`gunicorn -c gunicorn.conf.py backend.wsgi:app`).

`make run` keeps the laptop default 127.0.0.1:8000; the container sets HOST=0.0.0.0.
"""

import json
import multiprocessing
import os
from datetime import UTC, datetime

from gunicorn import glogging

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# 2 x cores + 1 suits request handling that mostly waits on the database; the cap keeps a big host
# from opening more connections than a small PostgreSQL allows.
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 9)))
# Threads let one worker overlap requests that wait on the database or a slow phone connection.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Long enough for an in-flight sync batch to commit when a deploy stops the worker.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

# Trust X-Forwarded-* only from the proxy in front: a comma-separated list, or * behind a private one.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


class JsonAccessLogger(glogging.Logger):
    """Write one JSON object per request, like the app's own logs.

    A format string cannot do this safely: a quote in a user agent or path would break the line.
    """

    def access(self, resp, req, environ, request_time):
        if not self.cfg.accesslog:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "info",
            "logger": "gunicorn.access",
            "remote": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": atoms["M"],
            "user_agent": atoms["a"],
        }
        self.access_log.info(json.dumps(entry))


logger_class = JsonAccessLogger
