"""Serve the built PWA at `/` on the same origin as `/api`.

`index.html` and the service worker are never cached by HTTP (a new release must reach people);
hashed assets under `/assets/` are cached for a year because their names change with their content.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, send_from_directory
from werkzeug.routing import PathConverter
from werkzeug.wrappers import Response

NO_CACHE = "no-cache, no-store, must-revalidate"
IMMUTABLE = "public, max-age=31536000, immutable"


class AppPath(PathConverter):
    """Any path outside /api, so a wrong method on an API route is still a 405 there."""

    regex = r"(?!api(?:/|$))[^/].*?"


def init_app(app: Flask) -> None:
    dist = Path(app.config["PWA_DIST"])
    app.url_map.converters["app_path"] = AppPath

    def serve(path: str) -> Response:
        target = dist / path
        if path and target.is_file():
            response = send_from_directory(dist, path, max_age=0)
            if path.startswith("assets/"):
                response.headers["Cache-Control"] = IMMUTABLE
            else:
                response.headers["Cache-Control"] = NO_CACHE
            return response
        if not (dist / "index.html").is_file():
            abort(404, "The app is not built; run `make run` (it builds pwa/).")
        if "." in path.rsplit("/", 1)[-1]:
            abort(404)  # a missing file, not a page of the app
        response = send_from_directory(dist, "index.html", max_age=0)
        response.headers["Cache-Control"] = NO_CACHE
        return response

    @app.after_request
    def _safe_defaults(response: Response) -> Response:
        # Nothing of Cadence is meant to be framed, sniffed into another type, or leak its URLs.
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    app.add_url_rule("/", "pwa_index", serve, defaults={"path": ""})
    app.add_url_rule("/<app_path:path>", "pwa", serve)
