"""Structured logs: one JSON object per line, so a log shipper can read them without rules."""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

from flask import Flask


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def init_app(app: Flask) -> None:
    """Log as JSON lines (unless CADENCE_LOG_FORMAT says otherwise); called by the WSGI entry point."""
    if app.testing or os.environ.get("CADENCE_LOG_FORMAT", "json") != "json":
        return
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.handlers = [handler]
        root.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
