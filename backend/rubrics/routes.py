"""Read-only rubric and career-path endpoints; every signed-in person may read them."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.extensions import db
from backend.rubrics import service
from backend.rubrics.schemas import CareerPathSchema, RubricQueryArgs, RubricSchema

blp = Blueprint("rubrics", __name__, url_prefix="/api", description="Rubrics and the career path")


@blp.route("/rubrics")
class Rubrics(MethodView):
    @blp.arguments(RubricQueryArgs, location="query")
    @blp.response(200, RubricSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """List the latest version of each rubric (`all=true`: every stored version)."""
        rows = service.all_rubrics(db.session()) if args["all"] else service.latest_rubrics(db.session())
        return [service.rubric_payload(r) for r in rows]


@blp.route("/rubrics/<uuid:rubric_id>")
class RubricVersion(MethodView):
    @blp.response(200, RubricSchema)
    def get(self, rubric_id: uuid.UUID) -> Any:
        """One rubric version, by the id observations point to."""
        return service.rubric_payload(service.get_rubric(db.session(), rubric_id))


@blp.route("/career-path")
class CareerPath(MethodView):
    @blp.response(200, CareerPathSchema)
    def get(self) -> Any:
        """The career stages in order, each with the evidence of readiness for the next one."""
        return service.career_path()
