"""Read endpoints for observations and action steps (writes go through sync)."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.auth.guard import acting_person
from backend.extensions import db
from backend.observations import schemas, service
from backend.observations.models import Observation
from backend.observations.schemas import (
    ActionStepListSchema,
    ObservationListSchema,
    ObservationQueryArgs,
    ObservationSchema,
)
from backend.org import service as org

blp = Blueprint("observations", __name__, url_prefix="/api", description="Observations and action steps")


def _listing(observations: list[Observation]) -> dict[str, Any]:
    steps = service.action_steps_for(db.session(), observations)
    return {
        "observations": [
            {**schemas.observation_payload(o, steps.get(o.id)), "version": o.version} for o in observations
        ]
    }


@blp.route("/observations")
class MyObservations(MethodView):
    @blp.arguments(ObservationQueryArgs, location="query")
    @blp.response(200, ObservationListSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Observations I recorded and published feedback about me, newest first."""
        actor = acting_person()
        return _listing(service.my_observations(db.session(), actor, args.get("status"), args["limit"]))


@blp.route("/observations/<uuid:observation_id>")
class OneObservation(MethodView):
    @blp.response(200, ObservationSchema)
    def get(self, observation_id: uuid.UUID) -> Any:
        """One observation I may see."""
        return _listing([service.get_observation(db.session(), acting_person(), observation_id)])["observations"][0]


@blp.route("/educators/<uuid:educator_id>/observations")
class EducatorObservations(MethodView):
    @blp.arguments(ObservationQueryArgs, location="query")
    @blp.response(200, ObservationListSchema)
    def get(self, args: dict[str, Any], educator_id: uuid.UUID) -> Any:
        """An educator's observations, for the educator, their MCLs and their school's admins."""
        actor = acting_person()
        return _listing(service.educator_observations(db.session(), actor, educator_id, args["limit"]))


@blp.route("/educators/<uuid:educator_id>/action-steps")
class EducatorActionSteps(MethodView):
    @blp.response(200, ActionStepListSchema)
    def get(self, educator_id: uuid.UUID) -> Any:
        """An educator's action steps that I may see."""
        actor = acting_person()
        org.visible_person(db.session(), actor.id, educator_id)
        steps = service.visible_action_steps(db.session(), actor, educator_id)
        return {"action_steps": [{**schemas.action_step_payload(s), "version": s.version} for s in steps]}
