"""Rubrics and the career path as data: the shipped files, versioned loading, clear errors, CLI and API."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from backend.config import ROOT
from backend.errors import Invalid
from backend.extensions import db
from backend.rubrics import service
from backend.rubrics.models import Rubric
from tests.conftest import World

SHIPPED = ROOT / "rubrics"
STAGES = [
    "resident", "reach_associate", "team_teacher", "team_reach_teacher", "master_team_reach_teacher",
    "multi_classroom_leader",
]
# A whole line of weekly-full.yaml, so that removing it leaves valid YAML.
OBJECTIVE_4 = (
    "          4: The objective is at grade level, and the closing task shows whether each student"
    " reached it.\n"
)


@pytest.fixture()
def rubric_dir(tmp_path: Path) -> Path:
    """A copy of the shipped data files that a test may break (the schemas come with the code)."""
    folder = tmp_path / "rubrics"
    folder.mkdir()
    for path in SHIPPED.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} should occur once in {path.name}"
    path.write_text(text.replace(old, new))


def stored() -> list[tuple[str, int]]:
    return [(r.key, r.rubric_version) for r in service.all_rubrics(db.session())]


def load(folder: Path) -> service.LoadReport:
    report = service.load_directory(db.session(), folder)
    db.session.commit()
    return report


def test_shipped_rubrics_have_the_promised_shape() -> None:
    rubrics = {doc["key"]: doc for doc in service.validate_directory(SHIPPED).values()}
    assert set(rubrics) == {"daily_quick_look", "weekly_full", "small_group"}
    shape = {key: [len(d["indicators"]) for d in doc["domains"]] for key, doc in rubrics.items()}
    assert sum(shape["daily_quick_look"]) == 5
    assert shape["weekly_full"] == [3, 3, 3, 3]
    assert [r["cadence"] for r in rubrics.values()].count("daily") == 1
    assert rubrics["daily_quick_look"]["cadence"] == "daily"
    assert rubrics["small_group"]["applies_to"] == ["resident", "reach_associate"]
    assert rubrics["weekly_full"]["applies_to"] == STAGES
    for doc in rubrics.values():
        assert [s["level"] for s in doc["scale"]] == [1, 2, 3, 4]
        for domain in doc["domains"]:
            for indicator in domain["indicators"]:
                assert set(indicator["descriptors"]) == {"1", "2", "3", "4"}


def test_career_path_orders_the_stages_with_measurable_criteria() -> None:
    path = service.career_path(SHIPPED)
    assert service.stage_keys() == STAGES == [s["key"] for s in path["stages"]]
    assert path["stages"][-1]["next_criteria"] == []
    kinds = {c["kind"] for s in path["stages"] for c in s["next_criteria"]}
    assert kinds == {"domain_average", "indicator_min", "mastered_action_steps", "weeks_at_stage"}
    path["stages"].clear()  # a caller's copy: the cached file stays whole
    assert len(service.career_path(SHIPPED)["stages"]) == 6


def test_loading_stores_version_1_and_loading_again_stores_nothing(ctx: Flask) -> None:
    first = load(SHIPPED)
    assert [f.summary() for f in first.files] == [
        "daily_quick_look: version 1 stored (new)", "small_group: version 1 stored (new)",
        "weekly_full: version 1 stored (new)",
    ]
    rows = service.all_rubrics(db.session())
    assert all(r.version == 1 and r.change_seq > 0 for r in rows)
    assert len({r.change_seq for r in rows}) == 3
    again = load(SHIPPED)
    assert again.stored == 0
    assert [f.summary() for f in again.files][2] == "weekly_full: unchanged (version 1)"
    assert stored() == [("daily_quick_look", 1), ("small_group", 1), ("weekly_full", 1)]


def test_a_changed_file_makes_version_2_and_leaves_version_1_alone(ctx: Flask, rubric_dir: Path) -> None:
    load(rubric_dir)
    v1 = db.session.scalars(select(Rubric).where(Rubric.key == "weekly_full")).one()
    before = (v1.id, v1.content_hash, v1.change_seq, v1.version, service.rubric_payload(v1))
    edit(rubric_dir / "weekly-full.yaml", "Students take risks openly", "Students take intellectual risks")
    report = load(rubric_dir)
    assert [(f.key, f.version, f.new) for f in report.files] == [
        ("daily_quick_look", 1, False), ("small_group", 1, False), ("weekly_full", 2, True),
    ]
    assert report.files[2].summary() == "weekly_full: version 2 stored (changed)"
    db.session.expire_all()
    kept = service.get_rubric(db.session(), before[0])
    assert (kept.id, kept.content_hash, kept.change_seq, kept.version, service.rubric_payload(kept)) == before
    latest = {r.key: r for r in service.latest_rubrics(db.session())}
    assert latest["weekly_full"].rubric_version == 2
    assert latest["weekly_full"].change_seq > before[2]
    assert "intellectual risks" in str(service.rubric_payload(latest["weekly_full"])["domains"])
    # The file's own `version` number is informational: bumping it alone is not a change.
    edit(rubric_dir / "weekly-full.yaml", "version: 1", "version: 7")
    assert load(rubric_dir).stored == 0
    # Reverting the text makes it the newest version again, so new observations use what the file says.
    edit(rubric_dir / "weekly-full.yaml", "Students take intellectual risks", "Students take risks openly")
    assert load(rubric_dir).files[2].summary() == "weekly_full: version 3 stored (changed)"
    assert service.rubric_payload(service.latest_rubrics(db.session())[2])["domains"] == before[4]["domains"]


def test_rubric_payload_has_the_one_rubric_shape(ctx: Flask) -> None:
    load(SHIPPED)
    daily = next(r for r in service.latest_rubrics(db.session()) if r.key == "daily_quick_look")
    payload = service.rubric_payload(daily)
    assert list(payload) == ["id", "key", "version", "title", "cadence", "applies_to", "scale", "domains"]
    assert payload["id"] == str(daily.id) and payload["version"] == 1
    assert payload["scale"][0] == {"level": 1, "label": "Beginning"}
    assert set(payload["domains"][0]["indicators"][0]["descriptors"]) == {"1", "2", "3", "4"}
    assert service.get_rubric(db.session(), daily.id) is daily


@pytest.mark.parametrize(
    ("file", "old", "new", "place", "problem"),
    [
        ("small-group.yaml", "  - key: group_setup\n    title", "  - key: group_setup\n   title",
         "line 14, column 4", "YAML syntax"),
        ("weekly-full.yaml", OBJECTIVE_4, "", "domains[0].indicators[0].descriptors",
         "indicator 'objective' has no descriptor for level 4"),
        ("weekly-full.yaml", OBJECTIVE_4, OBJECTIVE_4.replace("4:", "5:"),
         "domains[0].indicators[0].descriptors.5", "level 5 is not on the scale (1, 2, 3, 4)"),
        ("daily-quick-look.yaml", "cadence: daily", "cadence: hourly", "cadence", "'hourly' is not one of"),
        ("weekly-full.yaml", "- key: materials", "- key: objective",
         "domains[0].indicators[2].key", "key 'objective' is also used at domains[0].indicators[0]"),
        ("small-group.yaml", "[resident, reach_associate]", "[resident, reach_assistant]", "applies_to[1]",
         "'reach_assistant' is not a stage of career-path.yaml"),
        ("daily-quick-look.yaml", "title: Daily quick look", "title: Daily quick look\ncolour: blue",
         "top level", "'colour' was unexpected"),
        ("daily-quick-look.yaml", "        title: Students are working\n",
         "        title: Students are working\n        title: Students at work\n", "line 26, column 9",
         "the key 'title' appears twice"),
        ("career-path.yaml", "domain: planning", "domain: plans", "stages[4].next_criteria[0].domain",
         "rubric 'weekly_full' has no domain 'plans'"),
        ("career-path.yaml", "        count: 3\n", "        count: 3\n        weeks: 4\n",
         "stages[0].next_criteria[2].weeks", "does not apply to this kind of criterion"),
        ("cadence-targets.yaml", "acknowledge_within_school_days: 3", "acknowledge_within_school_days: soon",
         "acknowledge_within_school_days", "'soon' is not of type 'integer'"),
    ],
    ids=[
        "bad-yaml", "missing-descriptor", "level-off-scale", "unknown-cadence", "duplicate-indicator",
        "unknown-stage", "unknown-field", "duplicate-yaml-key", "criterion-domain", "criterion-field",
        "targets",
    ],
)
def test_a_broken_file_names_file_and_place_and_stores_nothing(
    ctx: Flask, rubric_dir: Path, file: str, old: str, new: str, place: str, problem: str
) -> None:
    edit(rubric_dir / file, old, new)
    with pytest.raises(service.RubricFileError) as caught:
        service.load_directory(db.session(), rubric_dir)
    assert isinstance(caught.value, Invalid)
    assert f"{file}: {place}: " in str(caught.value)
    found = caught.value.problems
    assert any(p.file == file and p.place == place and problem in p.message for p in found), found
    db.session.rollback()
    assert stored() == []


def test_one_broken_file_keeps_every_other_change_out(ctx: Flask, rubric_dir: Path) -> None:
    load(rubric_dir)
    edit(rubric_dir / "weekly-full.yaml", "Students take risks openly", "Students take intellectual risks")
    edit(rubric_dir / "small-group.yaml", "cadence: weekly", "cadence: fortnightly")
    (rubric_dir / "empty.yaml").write_text("# nothing yet\n")
    with pytest.raises(service.RubricFileError) as caught:
        service.load_directory(db.session(), rubric_dir)
    assert [str(p) for p in caught.value.problems] == [
        "empty.yaml: top level: the file is empty",
        "small-group.yaml: cadence: 'fortnightly' is not one of ['daily', 'weekly']",
    ]
    assert caught.value.errors == {
        "empty.yaml": ["top level: the file is empty"],
        "small-group.yaml": ["cadence: 'fortnightly' is not one of ['daily', 'weekly']"],
    }
    db.session.rollback()
    assert stored() == [("daily_quick_look", 1), ("small_group", 1), ("weekly_full", 1)]


def test_cli_load_prints_a_line_per_file_and_check_stores_nothing(ctx: Flask, rubric_dir: Path) -> None:
    runner = ctx.test_cli_runner()
    checked = runner.invoke(args=["rubrics", "check", "--dir", str(rubric_dir)])
    assert checked.exit_code == 0, checked.output
    assert "3 rubric files" in checked.stdout and stored() == []
    first = runner.invoke(args=["rubrics", "load", "--dir", str(rubric_dir)])
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines() == [
        "daily_quick_look: version 1 stored (new)", "small_group: version 1 stored (new)",
        "weekly_full: version 1 stored (new)",
    ]
    edit(rubric_dir / "weekly-full.yaml", "Students take risks openly", "Students take intellectual risks")
    second = runner.invoke(args=["rubrics", "load", "--dir", str(rubric_dir)])
    assert second.stdout.splitlines() == [
        "daily_quick_look: unchanged (version 1)", "small_group: unchanged (version 1)",
        "weekly_full: version 2 stored (changed)",
    ]
    db.session.remove()  # what the command committed is visible from a fresh session
    assert stored()[-2:] == [("weekly_full", 1), ("weekly_full", 2)]


@pytest.mark.parametrize("command", ["load", "check"])
def test_cli_fails_on_a_broken_directory(ctx: Flask, rubric_dir: Path, command: str) -> None:
    edit(rubric_dir / "weekly-full.yaml", OBJECTIVE_4, "")
    result = ctx.test_cli_runner().invoke(args=["rubrics", command, "--dir", str(rubric_dir)])
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "weekly-full.yaml: domains[0].indicators[0].descriptors: " in result.stderr
    assert stored() == []


def test_rubric_endpoints_answer_every_signed_in_person(world: World, login: Any) -> None:
    load(SHIPPED)
    for role in ["teacher", "mcl", "admin", "other_admin"]:
        client = login(world.role(role))
        listed = client.get("/api/rubrics")
        assert listed.status_code == 200
        assert [r["key"] for r in listed.get_json()] == ["daily_quick_look", "small_group", "weekly_full"]
        one = client.get(f"/api/rubrics/{listed.get_json()[2]['id']}")
        assert one.status_code == 200 and one.get_json() == listed.get_json()[2]
        path = client.get("/api/career-path")
        assert path.status_code == 200
        assert [s["key"] for s in path.get_json()["stages"]] == STAGES


def test_rubric_list_can_show_every_version(world: World, login: Any, rubric_dir: Path) -> None:
    load(rubric_dir)
    edit(rubric_dir / "daily-quick-look.yaml", "Transitions stall;", "Transitions stall badly;")
    load(rubric_dir)
    client = login(world.teacher)
    latest = client.get("/api/rubrics").get_json()
    assert [(r["key"], r["version"]) for r in latest][0] == ("daily_quick_look", 2)
    every = client.get("/api/rubrics?all=true").get_json()
    assert [(r["key"], r["version"]) for r in every][:2] == [("daily_quick_look", 1), ("daily_quick_look", 2)]
    assert client.get("/api/rubrics?all=maybe").status_code == 422
    assert client.get("/api/rubrics/00000000-0000-0000-0000-000000000000").get_json()["code"] == "not_found"


@pytest.mark.parametrize("url", ["/api/rubrics", f"/api/rubrics/{uuid.uuid4()}", "/api/career-path"])
def test_rubric_endpoints_refuse_anonymous_requests(world: World, login: Any, url: str) -> None:
    response = login(None).get(url)
    assert response.status_code == 401 and response.get_json()["code"] == "unauthorized"


def test_openapi_describes_the_rubric_shape(client: Any) -> None:
    spec = client.get("/api/openapi.json").get_json()
    assert {"/api/rubrics", "/api/rubrics/{rubric_id}", "/api/career-path"} <= set(spec["paths"])
    rubric = spec["components"]["schemas"]["Rubric"]
    assert {"id", "key", "version", "cadence", "applies_to", "scale", "domains"} <= set(rubric["properties"])


def test_applies_to_stage_follows_the_rubric(ctx: Flask) -> None:
    load(SHIPPED)
    small = next(r for r in service.latest_rubrics(db.session()) if r.key == "small_group")
    assert service.applies_to_stage(small, "resident")
    assert not service.applies_to_stage(small, "team_teacher")
    assert not service.applies_to_stage(small, None)


def test_cadence_targets_overlay_the_school_on_the_defaults(world: World) -> None:
    defaults = service.cadence_targets(world.school)
    assert defaults == {
        "school_days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
        "daily_looks_per_school_day": 1, "weekly_observations_per_week": 1,
        "publish_within_school_days": 1, "acknowledge_within_school_days": 3,
    }
    world.school.targets = {"acknowledge_within_school_days": 2}
    assert service.cadence_targets(world.school) == {**defaults, "acknowledge_within_school_days": 2}
    world.school.targets = {"acknowledge_within_school_days": -1, "visits": 3}
    with pytest.raises(Invalid) as caught:
        service.cadence_targets(world.school)
    assert set(caught.value.errors) == {"acknowledge_within_school_days", "top level"}
    assert db.session.scalar(select(func.count()).select_from(Rubric)) == 0
