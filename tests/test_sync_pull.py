"""The pull half of the sync contract: visibility, tombstones, loss of access, paging."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete

from backend.extensions import db
from backend.org.models import TeamMember
from backend.sync.service import record_access_changes, visibility_snapshot
from tests.conftest import World, observation_args


def latest(changes: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Fold a change list the way the app does: later entries replace earlier ones."""
    state: dict[tuple[str, str], dict[str, Any]] = {}
    for change in changes:
        state[(change["type"], change["id"])] = change
    return state


def ids_of(changes: list[dict[str, Any]], kind: str, *, live: bool = True) -> set[str]:
    return {c["id"] for c in latest(changes).values() if c["type"] == kind and c["deleted"] is not live}


def publish_one(device: Any, world: World, rubric: Any) -> str:
    mcl = device(world.mcl)
    args = observation_args(world.teacher, rubric)
    mcl.send("observation.save", **args)
    assert mcl.send("observation.publish", id=args["id"], base_version=1)["status"] == "applied"
    return str(args["id"])


def test_mcl_pulls_roster_rubrics_and_own_drafts(device, world: World, rubrics) -> None:
    mcl = device(world.mcl)
    args = observation_args(world.teacher, rubrics["weekly_full"])
    mcl.send("observation.save", **args)
    changes = mcl.pull_all()
    assert ids_of(changes, "school") == {str(world.school.id)}
    assert ids_of(changes, "person") == {str(world.mcl.id), str(world.teacher.id)}
    team = latest(changes)[("team", str(world.team.id))]["data"]
    assert team == {"id": str(world.team.id), "school_id": str(world.school.id), "name": "Team Maple",
                    "leader_ids": [str(world.mcl.id)], "member_ids": [str(world.teacher.id)]}
    assert ids_of(changes, "rubric") == {str(r.id) for r in rubrics.values()}
    assert ids_of(changes, "observation") == {args["id"]}
    obs = latest(changes)[("observation", args["id"])]
    assert obs["version"] == 1 and obs["data"]["status"] == "draft"
    assert obs["data"]["action_step"] == args["action_step"]


def test_drafts_stay_private_until_published(device, world: World, rubrics) -> None:
    mcl, teacher, admin = device(world.mcl), device(world.teacher), device(world.admin)
    args = observation_args(world.teacher, rubrics["daily_quick_look"])
    mcl.send("observation.save", **args)
    assert ids_of(teacher.pull_all(), "observation") == set()
    assert ids_of(admin.pull_all(), "observation") == set()
    assert ids_of(device(world.other_mcl).pull_all(), "observation") == set()
    mcl.send("observation.publish", id=args["id"], base_version=1)
    teacher_changes = teacher.pull_all()
    assert ids_of(teacher_changes, "observation") == {args["id"]}
    assert len(ids_of(teacher_changes, "action_step")) == 1  # the step arrives with the published feedback
    assert ids_of(admin.pull_all(), "observation") == {args["id"]}


def test_other_school_sees_nothing_of_this_one(device, world: World, rubrics) -> None:
    publish_one(device, world, rubrics["daily_quick_look"])
    changes = device(world.other_admin).pull_all()
    assert {c["type"] for c in changes} <= {"school", "person", "rubric"}
    assert ids_of(changes, "school") == {str(world.other_school.id)}
    assert ids_of(changes, "person") == {str(world.other_admin.id)}


def test_deletes_arrive_as_tombstones_without_data(device, world: World, rubrics) -> None:
    obs_id = publish_one(device, world, rubrics["daily_quick_look"])
    teacher = device(world.teacher)
    teacher.pull_all()
    device(world.mcl).send("observation.delete", id=obs_id, base_version=2)
    changes = teacher.pull_all()
    tombstone = latest(changes)[("observation", obs_id)]
    assert tombstone == {"type": "observation", "id": obs_id, "version": 3, "deleted": True}
    assert len(ids_of(changes, "action_step", live=False)) == 1


def test_leaving_a_team_arrives_as_tombstones_for_the_mcl(device, world: World, rubrics) -> None:
    own = publish_one(device, world, rubrics["daily_quick_look"])
    admin = device(world.admin)
    by_admin = observation_args(world.teacher, rubrics["daily_quick_look"])
    admin.send("observation.save", **by_admin)
    admin.send("observation.publish", id=by_admin["id"], base_version=1)
    mcl = device(world.mcl)
    assert {own, by_admin["id"]} <= ids_of(mcl.pull_all(), "observation")
    before = visibility_snapshot(db.session, [world.mcl.id, world.teacher.id])
    db.session.execute(delete(TeamMember).where(TeamMember.person_id == world.teacher.id))
    record_access_changes(db.session, [world.mcl.id, world.teacher.id], before)
    db.session.commit()
    changes = mcl.pull_all()
    assert str(world.teacher.id) in ids_of(changes, "person", live=False)
    assert by_admin["id"] in ids_of(changes, "observation", live=False)
    assert own not in ids_of(changes, "observation", live=False)  # what the MCL recorded stays theirs
    teacher_changes = device(world.teacher).pull_all()
    assert str(world.team.id) not in ids_of(teacher_changes, "team")


def test_joining_a_team_brings_its_older_rows(device, world: World, rubrics) -> None:
    obs_id = publish_one(device, world, rubrics["daily_quick_look"])
    other_mcl = device(world.other_mcl)
    other_mcl.pull_all()
    before = visibility_snapshot(db.session, [world.other_mcl.id])
    db.session.add(TeamMember(team_id=world.other_team.id, person_id=world.teacher.id))
    record_access_changes(db.session, [world.other_mcl.id], before)
    db.session.commit()
    changes = other_mcl.pull_all()
    assert obs_id in ids_of(changes, "observation")
    assert str(world.teacher.id) in ids_of(changes, "person")


@pytest.mark.parametrize("limit", [1, 2, 7])
def test_paging_adds_up_to_one_full_pull(device, world: World, rubrics, limit: int) -> None:
    mcl = device(world.mcl)
    for _ in range(4):
        args = observation_args(world.teacher, rubrics["daily_quick_look"])
        mcl.send("observation.save", **args)
        mcl.send("observation.publish", id=args["id"], base_version=1)
    full = device(world.mcl).pull_all(limit=1000)
    paged_device = device(world.mcl)
    pages: list[dict[str, Any]] = []
    cursors = [0]
    while True:
        body = paged_device.api.get(f"/api/sync/pull?cursor={cursors[-1]}&limit={limit}").get_json()
        assert len(body["changes"]) <= limit
        pages.extend(body["changes"])
        cursors.append(body["cursor"])
        if not body["has_more"]:
            break
    assert cursors == sorted(cursors)
    assert latest(pages) == latest(full)


@pytest.mark.parametrize("query", ["cursor=-1", "cursor=abc", "limit=0", "limit=-5", "limit=x", "cursor=1.5"])
def test_bad_cursor_or_limit_is_400(device, world: World, query: str) -> None:
    response = device(world.mcl).api.get(f"/api/sync/pull?{query}")
    assert response.status_code == 400
    assert response.get_json()["errors"]


def test_limit_is_capped_at_one_thousand(device, world: World, rubrics) -> None:
    body = device(world.mcl).api.get("/api/sync/pull?cursor=0&limit=50000")
    assert body.status_code == 200 and len(body.get_json()["changes"]) <= 1000
