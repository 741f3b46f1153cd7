"""Fixtures: an app on SQLite (or PostgreSQL when TEST_DATABASE_URL is set), factories, signed-in clients."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from backend import create_app
from backend.auth.service import hash_password
from backend.db import touch
from backend.extensions import db
from backend.org.models import District, Membership, Person, School, Team, TeamLeader, TeamMember
from backend.org.service import set_career_stage

PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password(PASSWORD)  # scrypt is slow on purpose: hash once for every test person
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def _database_url() -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    folder = tempfile.mkdtemp(prefix="cadence-test-")
    return f"sqlite:///{folder}/test.db"


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _database_url(),
            "SECRET_KEY": "test-secret",
            "LOGIN_MAX_FAILURES_PER_ADDRESS": 1000,
        }
    )
    with app.app_context():
        db.drop_all()
        _drop_alembic_version()
        db.create_all()
        db.session.execute(text("INSERT INTO change_counter (id, value) VALUES (1, 0)"))
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _drop_alembic_version() -> None:
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


def empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))
    db.session.execute(text("INSERT INTO change_counter (id, value) VALUES (1, 0)"))
    db.session.commit()


@pytest.fixture()
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context over empty tables."""
    with app.app_context():
        empty_tables()
        yield app
        db.session.remove()


@pytest.fixture()
def client(ctx: Flask) -> FlaskClient:
    return ctx.test_client()


class ApiClient:
    """A test client signed in as one person; unsafe requests carry the CSRF header like the app does."""

    def __init__(self, app: Flask, person: Person | None) -> None:
        self.http = app.test_client()
        self.person = person
        if person is not None:
            response = self.http.post("/api/auth/login", json={"email": person.email, "password": PASSWORD})
            assert response.status_code == 200, response.get_json()

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        cookie = self.http.get_cookie("csrf_token")
        if cookie is not None:
            headers.setdefault("X-CSRF-Token", cookie.value)
        return headers

    def get(self, url: str, **kw: Any) -> Any:
        return self.http.get(url, **kw)

    def request(self, method: str, url: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.http.open(url, method=method, headers=self._headers(headers), **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self.request("POST", url, **kw)

    def put(self, url: str, **kw: Any) -> Any:
        return self.request("PUT", url, **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self.request("DELETE", url, **kw)


@pytest.fixture()
def login(ctx: Flask) -> Callable[[Person | None], ApiClient]:
    def _login(person: Person | None) -> ApiClient:
        return ApiClient(ctx, person)

    return _login


# ---- factories -------------------------------------------------------------------------------


def make_district(name: str = "North District") -> District:
    district = District(name=name)
    db.session.add(district)
    db.session.flush()
    return district


def make_school(district: District | None = None, name: str | None = None) -> School:

    district = district or make_district()
    school = School(district_id=district.id, name=name or f"School {uuid.uuid4().hex[:6]}", targets={})
    touch(db.session, school)
    db.session.add(school)
    db.session.flush()
    return school


def make_person(
    school: School | None = None,
    role: str = "staff",
    stage: str | None = "team_teacher",
    name: str | None = None,
    email: str | None = None,
) -> Person:

    tag = uuid.uuid4().hex[:8]
    person = Person(
        email=email or f"{tag}@example.test", name=name or f"Person {tag}", password_hash=_PASSWORD_HASH
    )
    touch(db.session, person)
    db.session.add(person)
    db.session.flush()
    if stage:
        set_career_stage(db.session, person, stage, date(2025, 8, 1))
    if school is not None:
        db.session.add(Membership(person_id=person.id, school_id=school.id, role=role))
    db.session.flush()
    return person


def make_team(school: School, leaders: list[Person], members: list[Person], name: str | None = None) -> Team:

    team = Team(school_id=school.id, name=name or f"Team {uuid.uuid4().hex[:6]}")
    touch(db.session, team)
    db.session.add(team)
    db.session.flush()
    for leader in leaders:
        db.session.add(TeamLeader(team_id=team.id, person_id=leader.id))
    for member in members:
        db.session.add(TeamMember(team_id=team.id, person_id=member.id))
    db.session.flush()
    db.session.refresh(team)
    return team


@dataclass
class World:
    """Two schools that must not see each other, and one person in each role the tests check."""

    school: School
    other_school: School
    teacher: Person
    other_teacher: Person
    mcl: Person
    other_mcl: Person
    admin: Person
    other_admin: Person
    team: Team
    other_team: Team

    def role(self, name: str) -> Person | None:
        return None if name == "anonymous" else getattr(self, name)


ROLES = ["anonymous", "teacher", "other_teacher", "mcl", "other_mcl", "admin", "other_admin"]


@pytest.fixture()
def world(ctx: Flask) -> World:
    district = make_district()
    school = make_school(district, "Maple Elementary")
    other_school = make_school(make_district("South District"), "Oak Middle")
    teacher = make_person(school, stage="team_teacher", name="Tess Teacher")
    other_teacher = make_person(school, stage="team_teacher", name="Otto Other")
    mcl = make_person(school, stage="multi_classroom_leader", name="Mia Leader")
    other_mcl = make_person(school, stage="multi_classroom_leader", name="Oscar Leader")
    admin = make_person(school, role="admin", stage=None, name="Ada Admin")
    other_admin = make_person(other_school, role="admin", stage=None, name="Olga Admin")
    team = make_team(school, [mcl], [teacher], "Team Maple")
    other_team = make_team(school, [other_mcl], [other_teacher], "Team Birch")
    db.session.commit()
    return World(school, other_school, teacher, other_teacher, mcl, other_mcl, admin, other_admin, team, other_team)


@pytest.fixture()
def rubrics(ctx: Flask) -> dict[str, Any]:
    """The shipped rubrics, loaded; keyed by rubric key."""
    from pathlib import Path

    from backend.rubrics.service import latest_rubrics, load_directory

    load_directory(db.session(), Path(ctx.config["RUBRICS_DIR"]))
    db.session.commit()
    return {r.key: r for r in latest_rubrics(db.session())}


class Device:
    """A device: its own client id and mutation seq, pushing and pulling like the app does."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api
        self.client_id = str(uuid.uuid4())
        self.seq = 0
        self.cursor = 0

    def mutation(self, name: str, **args: Any) -> dict[str, Any]:
        self.seq += 1
        return {"id": str(uuid.uuid4()), "seq": self.seq, "name": name, "args": args}

    def push(self, *mutations: dict[str, Any]) -> Any:
        return self.api.post("/api/sync/push", json={"client_id": self.client_id, "mutations": list(mutations)})

    def send(self, name: str, **args: Any) -> dict[str, Any]:
        """Push one mutation and return its result."""
        response = self.push(self.mutation(name, **args))
        assert response.status_code == 200, response.get_json()
        result: dict[str, Any] = response.get_json()["results"][0]
        return result

    def pull_all(self, limit: int = 500) -> list[dict[str, Any]]:
        changes: list[dict[str, Any]] = []
        while True:
            body = self.api.get(f"/api/sync/pull?cursor={self.cursor}&limit={limit}").get_json()
            changes.extend(body["changes"])
            self.cursor = body["cursor"]
            if not body["has_more"]:
                return changes


@pytest.fixture()
def device(login: Callable[[Person | None], ApiClient]) -> Callable[[Person], Device]:
    return lambda person: Device(login(person))


def observation_args(educator: Person, rubric: Any, *, complete: bool = True, **overrides: Any) -> dict[str, Any]:
    """Arguments of an `observation.save` that creates a new observation."""
    keys = rubric.indicator_keys()
    scores = {k: 3 for k in (keys if complete else keys[:1])}
    args: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "base_version": None,
        "educator_id": str(educator.id),
        "rubric_id": str(rubric.id),
        "observed_at": "2026-11-02T09:15:00+00:00",
        "duration_minutes": 12,
        "context": {"subject": "Math", "grade": "4", "grouping": "whole_class"},
        "scores": scores,
        "evidence": [{"at": "2026-11-02T09:17:00+00:00", "text": "Cold-called four students in a row."}],
        "glow": "Tight routines for materials.",
        "grow": "Check for understanding before independent work.",
        "action_step": "Use a quick hinge question before releasing students.",
        "follows_up": None,
    }
    args.update(overrides)
    return args
