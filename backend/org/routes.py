"""Read the roster: my teams, a school's people (admins), one person I may see."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.auth.guard import acting_person
from backend.extensions import db
from backend.org import service
from backend.org.schemas import PersonDetailSchema, RosterSchema, TeamSchema

blp = Blueprint("org", __name__, url_prefix="/api", description="Schools, teams and people")


@blp.route("/teams")
class MyTeams(MethodView):
    @blp.response(200, TeamSchema(many=True))
    def get(self) -> Any:
        """List the teams I lead or belong to, with their leaders and members."""
        return service.my_teams_detail(db.session(), acting_person().id)


@blp.route("/schools/<uuid:school_id>/roster")
class SchoolRoster(MethodView):
    @blp.response(200, RosterSchema)
    @blp.alt_response(404, description="No such school, or not one I administer")
    def get(self, school_id: uuid.UUID) -> Any:
        """List everyone in a school with role, career stage and teams (the school's admins only)."""
        return service.roster_detail(db.session(), acting_person().id, school_id)


@blp.route("/people/<uuid:person_id>")
class PersonDetail(MethodView):
    @blp.response(200, PersonDetailSchema)
    @blp.alt_response(404, description="No such person, or not one I may see")
    def get(self, person_id: uuid.UUID) -> Any:
        """Show a person I may see, with their career stage history."""
        return service.person_detail(db.session(), acting_person().id, person_id)
