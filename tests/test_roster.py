"""The roster: CSV import (idempotent, all-or-nothing, line-numbered errors) and the read endpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from backend.db import current_change_seq
from backend.extensions import db
from backend.org.models import Membership, Person, School, Team
from backend.sync.models import AccessChange
from tests.conftest import ROLES, World, make_district, make_school

HEADER = "email,name,school,role,team,team_role,career_stage,stage_started_on\n"
EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "roster-example.csv"


def run_import(app: Flask, tmp_path: Path, text: str, *args: str) -> Any:
    path = tmp_path / f"roster-{len(list(tmp_path.iterdir()))}.csv"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["roster", "import", str(path), *args])


def person(email: str) -> Person:
    found = db.session.scalar(select(Person).where(Person.email == email))
    assert found is not None, email
    return found


def team(name: str) -> Team:
    found = db.session.scalar(select(Team).where(Team.name == name))
    assert found is not None, name
    return found


def state() -> dict[str, Any]:
    """Everything a second import must leave alone."""
    db.session.expire_all()
    rows = [*db.session.scalars(select(Person)), *db.session.scalars(select(Team))]
    rows += db.session.scalars(select(School))
    return {
        "rows": sorted((str(r.id), r.version, r.change_seq) for r in rows),
        "counter": current_change_seq(db.session),
        "access_changes": db.session.scalar(select(func.count()).select_from(AccessChange)),
        "memberships": sorted((str(m.person_id), m.role) for m in db.session.scalars(select(Membership))),
    }


def test_import_creates_people_teams_memberships_and_stages(ctx: Flask, tmp_path: Path) -> None:
    result = run_import(ctx, tmp_path, EXAMPLE.read_text(), "--district", "North District")
    assert result.exit_code == 0, result.output
    school = db.session.scalar(select(School).where(School.name == "Maple Grove Elementary"))
    assert school is not None
    assert db.session.scalar(select(func.count()).select_from(Person)) == 7
    ortiz = team("Team Ortiz")
    assert {person(e).id for e in ("mcl.ortiz@maple.example", "mcl.hale@maple.example")} == {
        x.person_id for x in ortiz.leaders
    }
    assert len(ortiz.members) == 3
    assert [x.person_id for x in team("Team Hale").members] == [person("tmensah@maple.example").id]
    kim = person("jkim@maple.example")
    assert kim.career_stage == "team_teacher"
    assert [(s.stage, s.started_on.isoformat()) for s in kim.stages] == [("team_teacher", "2025-01-06")]
    assert kim.password_hash is None  # cannot sign in until a password is set
    roles = dict(db.session.execute(select(Membership.person_id, Membership.role)).all())
    assert roles[person("principal@maple.example").id] == "admin"
    assert roles[kim.id] == "staff"


def test_second_import_changes_nothing(ctx: Flask, tmp_path: Path) -> None:
    text = EXAMPLE.read_text()
    assert run_import(ctx, tmp_path, text, "--district", "North District").exit_code == 0
    before = state()
    # Emails are matched without regard to case.
    again = run_import(ctx, tmp_path, text.replace("jkim@", "JKim@"), "--district", "North District")
    assert again.exit_code == 0, again.output
    assert "nothing to change" in again.output
    assert state() == before


def test_bad_rows_are_reported_with_their_line_and_nothing_is_imported(ctx: Flask, tmp_path: Path) -> None:
    school = make_school(make_district(), "Maple Grove Elementary")
    make_school(school_district(school), "Riverside Middle")
    db.session.commit()
    text = HEADER + (
        "ok@x.test,Ok Person,Maple Grove Elementary,staff,Team A,member,team_teacher,2025-08-01\n"  # line 2
        "not-an-email,Bad Email,Maple Grove Elementary,staff,,,,\n"  # 3
        "noname@x.test,,Maple Grove Elementary,staff,,,,\n"  # 4
        "stage@x.test,Stage,Maple Grove Elementary,staff,,,wizard,\n"  # 5
        "role@x.test,Role,Maple Grove Elementary,principal,,,,\n"  # 6
        "date@x.test,Date,Maple Grove Elementary,staff,,,resident,01/08/2025\n"  # 7
        "moved@x.test,Moved,Riverside Middle,staff,Team A,member,,\n"  # 8: Team A is Maple's
        "ok@x.test,Ok Person,Maple Grove Elementary,admin,,,team_teacher,2025-08-01\n"  # 9: different role
        "ghost@x.test,Ghost,Nowhere School,staff,,,,\n"  # 10
    )
    result = run_import(ctx, tmp_path, text)
    assert result.exit_code != 0
    for expected in (
        "line 3: bad email 'not-an-email'",
        "line 4: missing name",
        "line 5: unknown career stage 'wizard'",
        "line 6: unknown role 'principal'",
        "line 7: bad date '01/08/2025'",
        "line 8: team 'Team A' is a team of 'Maple Grove Elementary' (line 2)",
        "line 9: ok@x.test is also on line 2 with a different role",
        "line 10: unknown school 'Nowhere School'",
    ):
        assert expected in result.output
    assert "nothing was imported" in result.output
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    assert db.session.scalar(select(func.count()).select_from(Team)) == 0


def school_district(school: School) -> Any:
    from backend.org.models import District

    return db.session.get(District, school.district_id)


def test_skip_invalid_imports_only_the_valid_people(ctx: Flask, tmp_path: Path) -> None:
    text = HEADER + (
        "good@x.test,Good One,Maple Grove Elementary,staff,Team A,leader,multi_classroom_leader,2024-08-01\n"
        "split@x.test,Split,Maple Grove Elementary,staff,Team A,member,team_teacher,2025-08-01\n"
        "split@x.test,Split,Maple Grove Elementary,staff,Team B,boss,team_teacher,2025-08-01\n"
        "bad@,Bad,Maple Grove Elementary,staff,,,,\n"
    )
    result = run_import(ctx, tmp_path, text, "--district", "North District", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "line 4: unknown team_role 'boss'" in result.output
    assert "line 3: skipped with the invalid rows of split@x.test" in result.output
    assert "line 5: bad email 'bad@'" in result.output
    # A person is imported whole or not at all: a half-read set of teams would drop them from one.
    assert list(db.session.scalars(select(Person.email))) == ["good@x.test"]
    assert [t.name for t in db.session.scalars(select(Team))] == ["Team A"]


def test_school_option_fills_blank_schools_and_refuses_others(ctx: Flask, tmp_path: Path) -> None:
    make_school(make_district(), "Maple Grove Elementary")
    db.session.commit()
    text = HEADER + "a@x.test,A,,staff,,,,\nb@x.test,B,Riverside Middle,staff,,,,\n"
    result = run_import(ctx, tmp_path, text, "--school", "Maple Grove Elementary")
    assert "line 3: school 'Riverside Middle' is not the school of this import" in result.output
    assert result.exit_code != 0
    only_a = HEADER + "a@x.test,A,,staff,,,,\n"
    blank = run_import(ctx, tmp_path, only_a, "--school", "maple grove ELEMENTARY")
    assert blank.exit_code == 0, blank.output
    assert person("a@x.test").name == "A"


def test_stage_change_keeps_history_and_never_goes_back_in_time(ctx: Flask, tmp_path: Path) -> None:
    row = "kim@x.test,Jenna Kim,Maple Grove Elementary,staff,,,{stage},{day}\n"
    args = ("--district", "North District")
    first = run_import(ctx, tmp_path, HEADER + row.format(stage="team_teacher", day="2025-01-06"), *args)
    assert first.exit_code == 0, first.output
    version = person("kim@x.test").version
    later = HEADER + row.format(stage="team_reach_teacher", day="2025-09-01")
    result = run_import(ctx, tmp_path, later, *args)
    assert result.exit_code == 0, result.output
    kim = person("kim@x.test")
    assert kim.career_stage == "team_reach_teacher"
    assert kim.version == version + 1
    assert [(s.stage, str(s.started_on)) for s in kim.stages] == [
        ("team_teacher", "2025-01-06"), ("team_reach_teacher", "2025-09-01")
    ]
    earlier = run_import(ctx, tmp_path, HEADER + row.format(stage="resident", day="2024-01-01"), *args)
    assert earlier.exit_code != 0
    assert "line 2: stage_started_on 2024-01-01 is before the current stage" in earlier.output


def test_moving_a_teacher_records_who_lost_and_gained_sight(world: World, tmp_path: Path) -> None:
    w = world
    text = HEADER + f"{w.teacher.email},{w.teacher.name},{w.school.name},staff,Team Birch,member,,\n"
    seq = current_change_seq(db.session)
    result = run_import(world_app(), tmp_path, text)
    assert result.exit_code == 0, result.output
    changes = {
        (c.person_id, c.row_type, c.row_id, c.granted)
        for c in db.session.scalars(select(AccessChange).where(AccessChange.change_seq > seq))
    }
    assert (w.mcl.id, "person", w.teacher.id, False) in changes
    assert (w.other_mcl.id, "person", w.teacher.id, True) in changes
    assert (w.teacher.id, "person", w.other_teacher.id, True) in changes
    assert team("Team Maple").version == 2 and team("Team Birch").version == 2


def world_app() -> Flask:
    from flask import current_app

    return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]


def test_dry_run_counts_but_writes_nothing(ctx: Flask, tmp_path: Path) -> None:
    result = run_import(ctx, tmp_path, EXAMPLE.read_text(), "--district", "North District", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Would change" in result.output and "people created: 7" in result.output
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_long_file_shows_progress_and_imports_every_row(ctx: Flask, tmp_path: Path) -> None:
    row = "t{i}@x.test,Teacher {i},Big School,staff,Team {team},,resident,2025-08-11\n"
    rows = "".join(row.format(i=i, team=i % 6) for i in range(120))
    result = run_import(ctx, tmp_path, HEADER + rows, "--district", "North District")
    assert result.exit_code == 0, result.output
    assert "Importing" in result.output
    assert db.session.scalar(select(func.count()).select_from(Person)) == 120


def test_set_password_lets_an_imported_person_sign_in(ctx: Flask, tmp_path: Path) -> None:
    assert run_import(ctx, tmp_path, EXAMPLE.read_text(), "--district", "North District").exit_code == 0
    runner = ctx.test_cli_runner()
    command = ["roster", "set-password", "--password-stdin"]
    assert runner.invoke(args=[*command, "jkim@maple.example"], input="short\n").exit_code != 0
    ok = runner.invoke(args=[*command, "JKIM@maple.example"], input="a long pass\n")
    assert ok.exit_code == 0, ok.output
    credentials = {"email": "jkim@maple.example", "password": "a long pass"}
    assert ctx.test_client().post("/api/auth/login", json=credentials).status_code == 200
    assert runner.invoke(args=[*command, "nobody@x.test"], input="x" * 9).exit_code != 0


# ---- read endpoints ------------------------------------------------------------------------------

TEAMS = {"anonymous": 401, "teacher": 200, "other_teacher": 200, "mcl": 200, "other_mcl": 200, "admin": 200,
         "other_admin": 200}
ROSTER = {"anonymous": 401, "teacher": 404, "other_teacher": 404, "mcl": 404, "other_mcl": 404, "admin": 200,
          "other_admin": 404}
PERSON = {"anonymous": 401, "teacher": 200, "other_teacher": 404, "mcl": 200, "other_mcl": 404, "admin": 200,
          "other_admin": 404}


@pytest.mark.parametrize("role", ROLES)
def test_my_teams_lists_leaders_and_members(world: World, login: Any, role: str) -> None:
    response = login(world.role(role)).get("/api/teams")
    assert response.status_code == TEAMS[role]
    if role in ("teacher", "mcl"):
        [only] = response.get_json()
        assert only["name"] == "Team Maple"
        assert [p["email"] for p in only["leaders"]] == [world.mcl.email]
        assert only["members"] == [{"id": str(world.teacher.id), "name": "Tess Teacher",
                                    "email": world.teacher.email, "career_stage": "team_teacher"}]
    if role in ("admin", "other_admin"):
        assert response.get_json() == []


@pytest.mark.parametrize("role", ROLES)
def test_school_roster_is_for_its_admins_only(world: World, login: Any, role: str) -> None:
    response = login(world.role(role)).get(f"/api/schools/{world.school.id}/roster")
    assert response.status_code == ROSTER[role]
    if response.status_code == 200:
        people = {p["name"]: p for p in response.get_json()["people"]}
        assert len(people) == 5
        assert people["Ada Admin"]["role"] == "admin"
        maple = {"id": str(world.team.id), "name": "Team Maple", "team_role": "leader"}
        assert people["Mia Leader"]["teams"] == [maple]
        assert people["Tess Teacher"]["career_stage"] == "team_teacher"


def test_district_admin_sees_the_roster_and_unknown_schools_are_404(world: World, login: Any) -> None:
    from backend.org.models import DistrictAdmin

    db.session.add(DistrictAdmin(person_id=world.other_admin.id, district_id=world.school.district_id))
    db.session.commit()
    client = login(world.other_admin)
    assert client.get(f"/api/schools/{world.school.id}/roster").status_code == 200
    assert client.get("/api/schools/00000000-0000-4000-8000-000000000000/roster").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_person_detail_follows_visibility(world: World, login: Any, role: str) -> None:
    response = login(world.role(role)).get(f"/api/people/{world.teacher.id}")
    assert response.status_code == PERSON[role]
    if response.status_code == 200:
        body = response.get_json()
        assert body["career_history"] == [{"stage": "team_teacher", "started_on": "2025-08-01"}]
        assert body["teams"] == [{"id": str(world.team.id), "name": "Team Maple", "team_role": "member"}]
