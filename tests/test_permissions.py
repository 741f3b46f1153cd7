"""Every endpoint against every role, across two schools that must not see each other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.conftest import ROLES, Device, World, observation_args

# A published observation of `teacher` by `mcl` (on Team Maple) is the subject of the educator routes.
# Columns follow ROLES: anonymous, teacher, other_teacher, mcl, other_mcl, admin, other_admin.
MATRIX: list[tuple[str, str, list[int]]] = [
    ("GET", "/api/auth/me", [401, 200, 200, 200, 200, 200, 200]),
    ("POST", "/api/auth/logout", [401, 204, 204, 204, 204, 204, 204]),
    ("GET", "/api/teams", [401, 200, 200, 200, 200, 200, 200]),
    ("GET", "/api/schools/{school}/roster", [401, 404, 404, 404, 404, 200, 404]),
    ("GET", "/api/schools/{other_school}/roster", [401, 404, 404, 404, 404, 404, 200]),
    ("GET", "/api/people/{teacher}", [401, 200, 404, 200, 404, 200, 404]),
    ("GET", "/api/rubrics", [401, 200, 200, 200, 200, 200, 200]),
    ("GET", "/api/rubrics/{rubric}", [401, 200, 200, 200, 200, 200, 200]),
    ("GET", "/api/career-path", [401, 200, 200, 200, 200, 200, 200]),
    ("GET", "/api/observations", [401, 200, 200, 200, 200, 200, 200]),
    ("GET", "/api/observations/{observation}", [401, 200, 404, 200, 404, 200, 404]),
    ("GET", "/api/observations/{draft}", [401, 404, 404, 200, 404, 404, 404]),
    ("GET", "/api/educators/{teacher}/observations", [401, 200, 404, 200, 404, 200, 404]),
    ("GET", "/api/educators/{teacher}/action-steps", [401, 200, 404, 200, 404, 200, 404]),
    ("GET", "/api/sync/pull", [401, 200, 200, 200, 200, 200, 200]),
    ("POST", "/api/sync/push", [401, 200, 200, 200, 200, 200, 200]),
]
CASES = [
    pytest.param(method, path, role, expected[i], id=f"{method} {path} as {role}")
    for method, path, expected in MATRIX
    for i, role in enumerate(ROLES)
]


@pytest.fixture()
def subjects(world: World, rubrics: dict[str, Any], device: Callable[..., Device]) -> dict[str, str]:
    mcl = device(world.mcl)
    published = observation_args(world.teacher, rubrics["daily_quick_look"])
    draft = observation_args(world.teacher, rubrics["daily_quick_look"])
    mcl.send("observation.save", **published)
    mcl.send("observation.publish", id=published["id"], base_version=1)
    mcl.send("observation.save", **draft)
    return {
        "school": str(world.school.id),
        "other_school": str(world.other_school.id),
        "teacher": str(world.teacher.id),
        "rubric": str(rubrics["weekly_full"].id),
        "observation": published["id"],
        "draft": draft["id"],
    }


@pytest.mark.parametrize(("method", "path", "role", "expected"), CASES)
def test_permission_matrix(
    ctx: Flask, login: Any, world: World, subjects: dict[str, str], method: str, path: str, role: str,
    expected: int,
) -> None:
    api = login(world.role(role))
    url = path.format(**subjects)
    body = {"client_id": "7d5c1f0e-51c4-4f3b-8f59-0d6a0c8a3e11", "mutations": []} if method == "POST" else None
    response = api.request(method, url, json=body) if method == "POST" else api.get(url)
    assert response.status_code == expected, response.get_data(as_text=True)
    if expected >= 400:
        envelope = response.get_json()
        assert envelope["status"] == expected and envelope["code"] and envelope["message"]


def test_people_of_another_school_are_not_observable(device: Callable[..., Device], world: World, rubrics) -> None:
    result = device(world.other_admin).send(
        "observation.save", **observation_args(world.teacher, rubrics["daily_quick_look"])
    )
    assert result["status"] == "rejected"
    assert result["errors"]["args"]["educator_id"] == ["Unknown educator, or not one you may observe."]


def test_admin_may_observe_anyone_in_their_school(device: Callable[..., Device], world: World, rubrics) -> None:
    result = device(world.admin).send(
        "observation.save", **observation_args(world.other_teacher, rubrics["daily_quick_look"])
    )
    assert result["status"] == "applied"


def test_mcl_cannot_observe_another_teams_teacher(device: Callable[..., Device], world: World, rubrics) -> None:
    result = device(world.mcl).send(
        "observation.save", **observation_args(world.other_teacher, rubrics["daily_quick_look"])
    )
    assert result["status"] == "rejected"
