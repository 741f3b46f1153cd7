"""Sign in, sign out, and who am I."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, jsonify, make_response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from backend.auth import service
from backend.auth.guard import SESSION_COOKIE, acting_person, clear_session_cookies, set_session_cookies
from backend.auth.schemas import LoginArgs, MeSchema
from backend.errors import Unauthorized
from backend.extensions import db
from backend.org import service as org
from backend.org.models import Membership

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Signing in and out")


def me_payload(person_id: Any) -> dict[str, Any]:
    person = org.get_person(db.session(), person_id)
    roles_by_school = {
        m.school_id: m.role for m in db.session.scalars(select(Membership).where(Membership.person_id == person.id))
    }
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "career_stage": person.career_stage,
        "roles": org.roles_of(db.session(), person.id),
        "schools": [
            {"id": s.id, "name": s.name, "district_id": s.district_id, "role": roles_by_school.get(s.id, "admin")}
            for s in org.schools_of(db.session(), person.id)
        ],
        "teams": [org.team_payload(t) for t in org.teams_of(db.session(), person.id)],
    }


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(LoginArgs)
    @blp.response(200, MeSchema)
    def post(self, args: dict[str, str]) -> Any:
        """Sign in with email and password; sets the session and CSRF cookies."""
        cfg = current_app.config
        limits = service.Limits(
            cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"], cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            cfg["LOGIN_FAILURE_WINDOW_SECONDS"],
        )
        try:
            signed = service.login(
                db.session(), args["email"], args["password"], request.remote_addr or "unknown", limits,
                timedelta(hours=cfg["SESSION_LIFETIME_HOURS"]),
            )
        except Unauthorized:
            db.session.commit()  # keep the failure on record before answering
            raise
        db.session.commit()
        response = make_response(jsonify(MeSchema().dump(me_payload(signed.person.id))))
        set_session_cookies(response, signed.token, signed.csrf_token, signed.expires_in)
        return response


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self) -> Any:
        """Sign out: ends this session and clears its cookies."""
        service.logout(db.session(), request.cookies.get(SESSION_COOKIE))
        db.session.commit()
        response = make_response("", 204)
        clear_session_cookies(response)
        return response


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self) -> Any:
        """The signed-in person with roles, schools and teams."""
        return me_payload(acting_person().id)
