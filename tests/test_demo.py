"""The demo seed: logins that work, both schools, every career stage, twelve weeks of varied coaching."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from backend.db import current_change_seq
from backend.demo.seed import DEMO_PASSWORD, LOGINS
from backend.extensions import db
from backend.observations.models import ActionStep, FeedbackResponse, Observation
from backend.org.models import Membership, Person, School, Team, TeamLeader, TeamMember
from backend.rubrics.models import Rubric
from tests.conftest import empty_tables

TODAY = "2025-11-20"
STAGES = {"resident", "reach_associate", "team_teacher", "team_reach_teacher", "master_team_reach_teacher",
          "multi_classroom_leader"}


def seed(app: Flask, *args: str) -> Any:
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--today", TODAY, *args])
    assert result.exit_code == 0, result.output
    return result


def count(model: Any, *where: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_seed_builds_both_schools_and_twelve_weeks_of_coaching(ctx: Flask) -> None:
    result = seed(ctx)
    assert "admin@cadence.test" in result.output and "observations" in result.output
    schools = {s.name: s for s in db.session.scalars(select(School))}
    assert set(schools) == {"Maple Grove Elementary", "Riverside Middle"}
    maple = schools["Maple Grove Elementary"]
    assert count(Team, Team.school_id == maple.id) == 3
    assert count(Team, Team.school_id == schools["Riverside Middle"].id) >= 1
    educators = list(db.session.scalars(
        select(Person).join(Membership).where(Membership.school_id == maple.id, Membership.role == "staff")
    ))
    assert len(educators) >= 15
    assert {p.career_stage for p in educators} == STAGES
    assert count(Rubric) >= 3  # loaded first, because there were none

    mcl = db.session.scalar(select(Person).where(Person.email == "mcl@cadence.test"))
    teacher = db.session.scalar(select(Person).where(Person.email == "teacher@cadence.test"))
    assert mcl and teacher and teacher.career_stage == "team_teacher"
    led = db.session.scalar(select(TeamLeader.team_id).where(TeamLeader.person_id == mcl.id))
    assert db.session.scalar(select(TeamMember.team_id).where(TeamMember.person_id == teacher.id)) == led

    times = list(db.session.scalars(select(Observation.observed_at)))
    assert max(times) - min(times) >= timedelta(weeks=11)
    assert count(Observation, Observation.status == "draft") >= 2
    assert count(Observation, Observation.status == "published") > 300
    published = db.session.scalars(select(Observation).where(Observation.status == "published")).all()
    assert all(o.published_at is not None and o.published_at > o.observed_at for o in published)
    assert len({o.context["subject"] for o in published}) >= 4
    assert len({o.grow for o in published}) >= 10
    assert count(ActionStep, ActionStep.status == "open") >= 1
    assert count(ActionStep, ActionStep.status == "mastered") >= 1
    assert count(Observation, Observation.follows_up_id.is_not(None)) >= 1
    acknowledged = count(FeedbackResponse, FeedbackResponse.acknowledged_at.is_not(None))
    assert 0 < acknowledged < len(published)
    assert count(FeedbackResponse, FeedbackResponse.reflection != "") >= 1
    # The demo teacher grows: later visits score higher than the first ones.
    theirs = [o for o in sorted(published, key=lambda o: o.observed_at) if o.educator_id == teacher.id]
    mean = [sum(o.scores.values()) / len(o.scores) for o in theirs]
    assert sum(mean[-8:]) / 8 > sum(mean[:8]) / 8 + 0.4
    # Some teachers are deliberately under-observed, so the audit has something to find.
    per_educator = dict(db.session.execute(
        select(Observation.educator_id, func.count()).group_by(Observation.educator_id)
    ).all())
    assert min(per_educator.values()) * 3 < max(per_educator.values())

    for email in LOGINS:
        response = ctx.test_client().post("/api/auth/login", json={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 200, email
    other = ctx.test_client()
    other.post("/api/auth/login", json={"email": "other-admin@cadence.test", "password": DEMO_PASSWORD})
    assert other.get(f"/api/schools/{schools['Riverside Middle'].id}/roster").status_code == 200
    assert other.get(f"/api/schools/{maple.id}/roster").status_code == 404


def test_seeding_a_database_with_people_is_a_no_op(ctx: Flask) -> None:
    seed(ctx, "--weeks", "1")
    before = (current_change_seq(db.session), count(Person), count(Observation))
    again = seed(ctx, "--weeks", "1")
    assert "nothing seeded" in again.output
    db.session.expire_all()
    assert (current_change_seq(db.session), count(Person), count(Observation)) == before


def test_seed_is_deterministic(ctx: Flask) -> None:
    seed(ctx, "--weeks", "2")
    first = sorted(str(i) for i in db.session.scalars(select(Observation.id)))
    db.session.remove()
    empty_tables()
    seed(ctx, "--weeks", "2")
    assert sorted(str(i) for i in db.session.scalars(select(Observation.id))) == first
    assert len(first) > 20
