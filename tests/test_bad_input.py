"""Whatever a client sends, the answer is a 4xx envelope or a `rejected` result, never a 500."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.sync.mutations import MUTATIONS
from tests.conftest import Device, World, observation_args

# NUL characters are refused up front (see the last test); everything else goes through to the handlers.
text = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
FIELDS = [
    "id", "base_version", "educator_id", "rubric_id", "observed_at", "duration_minutes", "context", "scores",
    "evidence", "glow", "grow", "action_step", "follows_up", "observation_id", "text", "status", "note",
]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(
    name=st.sampled_from(sorted(MUTATIONS)) | text,
    corruptions=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4),
    drop=st.lists(st.sampled_from(FIELDS), max_size=3),
)
def test_corrupted_mutations_are_rejected_not_crashed(
    device, world: World, rubrics: dict[str, Any], name: str, corruptions: dict[str, Any], drop: list[str]
) -> None:
    mcl: Device = device(world.mcl)
    args = observation_args(world.teacher, rubrics["weekly_full"])
    args.update(corruptions)
    for key in drop:
        args.pop(key, None)
    response = mcl.push(mcl.mutation(name, **args))
    assert response.status_code == 200, response.get_data(as_text=True)
    result = response.get_json()["results"][0]
    assert result["status"] in {"applied", "rejected", "conflict"}
    if result["status"] == "rejected":
        assert result["message"]


@SETTINGS
@given(body=json_values)
def test_any_json_body_to_push_is_a_4xx_or_200(device, world: World, body: Any) -> None:
    response = device(world.mcl).api.post("/api/sync/push", json=body)
    assert response.status_code in {200, 400, 422}
    if response.status_code != 200:
        assert response.get_json()["code"] in {"bad_request", "invalid"}


@SETTINGS
@given(mutations=st.lists(st.fixed_dictionaries({"id": json_values, "seq": json_values, "name": json_values,
                                                  "args": json_values}), max_size=3))
def test_malformed_mutation_envelopes_are_422(device, world: World, mutations: list[Any]) -> None:
    response = device(world.mcl).api.post(
        "/api/sync/push", json={"client_id": str(uuid.uuid4()), "mutations": mutations}
    )
    assert response.status_code in {200, 422}


@SETTINGS
@given(cursor=text, limit=text)
def test_any_pull_query_is_200_or_400(device, world: World, cursor: str, limit: str) -> None:
    response = device(world.mcl).api.get("/api/sync/pull", query_string={"cursor": cursor, "limit": limit})
    assert response.status_code in {200, 400}


def test_nul_characters_are_refused_before_they_reach_the_database(device, world: World, rubrics) -> None:
    mcl: Device = device(world.mcl)
    args = observation_args(world.teacher, rubrics["weekly_full"], glow="bad\u0000byte")
    response = mcl.push(mcl.mutation("observation.save", **args))
    assert response.status_code == 400 and "NUL" in response.get_json()["message"]
