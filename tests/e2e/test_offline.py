"""Recording without a connection: nothing is lost, and everything reaches the server exactly once."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Route, expect

from tests.e2e.conftest import Server
from tests.e2e.flows import (
    MCL,
    TIMEOUT,
    ApiUser,
    eventually,
    go_offline,
    go_online,
    my_observation_states,
    quick_look,
    sign_in,
    wait_synced,
    weekly,
)

pytestmark = pytest.mark.browser


def test_offline_recording_survives_reload_and_closing_and_arrives_once(server: Server, new_context: Any) -> None:
    context = new_context()
    page = context.new_page()
    sign_in(page, MCL)
    api = ApiUser(server.url, MCL)
    before = set(api.observations())

    go_offline(context, page)
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.get_by_test_id("member").first).to_be_visible(timeout=TIMEOUT)
    looks = [quick_look(page, name) for name in ("Aisha Bello", "Diego Morales", "Hannah Brooks")]
    full = weekly(page, "Tom Weller", glow="Offline glow: clear small-group launch", publish=True)
    expect(page.get_by_test_id("status-pending")).not_to_have_text("0 changes waiting")

    page.close()
    page = context.new_page()
    response = page.goto("/mine")
    assert response is not None and response.from_service_worker
    states = my_observation_states(page)
    assert all(states[i] == "waiting" for i in [*looks, full])

    go_online(context, page)
    wait_synced(page)
    after = api.observations()
    new = set(after) - before
    assert new == {*looks, full}
    assert after[full]["status"] == "published"
    assert after[full]["glow"] == "Offline glow: clear small-group launch"
    assert len(after[full]["evidence"]) == 1
    assert {after[i]["status"] for i in looks} == {"draft"}
    states = my_observation_states(page)
    assert all(states[i] == "synced" for i in [*looks, full])


def test_a_push_whose_answer_is_lost_is_retried_without_duplicates(server: Server, new_context: Any) -> None:
    context = new_context()
    page = context.new_page()
    sign_in(page, MCL)
    api = ApiUser(server.url, MCL)
    before = set(api.observations())
    lost: list[int] = []

    def lose_first_answer(route: Route) -> None:
        if not lost:
            route.fetch()  # the server receives and commits the batch ...
            lost.append(1)
            route.abort("connectionreset")  # ... but the answer never reaches the page
        else:
            route.continue_()

    batches: list[list[str]] = []
    context.on("request", lambda r: batches.append([m["id"] for m in r.post_data_json["mutations"]])
               if r.url.endswith("/api/sync/push") else None)
    context.route("**/api/sync/push", lose_first_answer)
    first = quick_look(page, "Sam Rivera", publish=True)
    for _ in range(100):  # Playwright runs route handlers only while it is called: wait through it
        if lost:
            break
        page.wait_for_timeout(100)
    assert lost, "the first push should have been intercepted"
    context.unroute("**/api/sync/push")
    expect(page.get_by_test_id("status-pending")).not_to_have_text("0 changes waiting")
    second = quick_look(page, "Aisha Bello")  # a new change triggers the retry
    eventually(lambda: set(api.observations()) - before == {first, second})
    wait_synced(page)

    after = api.observations()
    assert set(after) - before == {first, second}
    assert after[first]["status"] == "published"
    lost_batch = batches[0]
    assert set(lost_batch) <= {m for batch in batches[1:] for m in batch}, "the lost batch was sent again"
    placeholders = ",".join("?" * len(lost_batch))
    recorded = server.sql(f"SELECT COUNT(*) FROM sync_mutation WHERE id IN ({placeholders})",
                          tuple(m.replace("-", "") for m in lost_batch))
    assert recorded == [(len(lost_batch),)]  # each handled once; the resend got `duplicate`

def test_two_tabs_recording_offline_each_change_arrives_once(server: Server, new_context: Any) -> None:
    context = new_context()
    first = context.new_page()
    sign_in(first, MCL)
    second = context.new_page()
    second.goto("/team")
    expect(second.get_by_test_id("member").first).to_be_visible(timeout=TIMEOUT)
    api = ApiUser(server.url, MCL)
    before = set(api.observations())

    context.set_offline(True)
    ids = [
        quick_look(first, "Diego Morales"),
        quick_look(second, "Hannah Brooks", publish=True),
        quick_look(first, "Tom Weller", publish=True),
        quick_look(second, "Sam Rivera"),
    ]
    context.set_offline(False)
    eventually(lambda: set(api.observations()) - before == set(ids))
    wait_synced(first)
    wait_synced(second)

    after = api.observations()
    assert set(after) - before == set(ids)
    ledger = server.sql("SELECT seq FROM sync_mutation GROUP BY client_id, seq HAVING COUNT(*) > 1")
    assert ledger == []
    assert all(my_observation_states(first)[i] == "synced" for i in ids)

