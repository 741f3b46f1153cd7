"""`POST /api/sync/push` and `GET /api/sync/pull`."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.auth.guard import acting_person
from backend.db import utcnow
from backend.extensions import db
from backend.sync import service
from backend.sync.schemas import MAX_PULL_LIMIT, PullQueryArgs, PullResultSchema, PushArgs, PushResultSchema

blp = Blueprint("sync", __name__, url_prefix="/api/sync", description="Offline sync: push mutations, pull changes")


@blp.route("/push")
class Push(MethodView):
    @blp.arguments(PushArgs)
    @blp.response(200, PushResultSchema)
    def post(self, args: dict[str, Any]) -> Any:
        """Apply a batch of mutations in order; one result per mutation."""
        body = service.push(db.session(), acting_person(), args["client_id"], args["mutations"], utcnow())
        db.session.commit()
        return jsonify(body)  # built by the service in the documented shape; no second pass through a schema


@blp.route("/pull")
class Pull(MethodView):
    @blp.arguments(PullQueryArgs, location="query", error_status_code=400)
    @blp.response(200, PullResultSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Every change the person may see after `cursor`, in order, tombstones included."""
        body = service.pull(db.session(), acting_person(), args["cursor"], min(args["limit"], MAX_PULL_LIMIT))
        return jsonify(body)  # already plain JSON: skip a schema dump of up to a thousand entries
