"""Changes the server will not take as they are: rejected ones and conflicts stay with the person."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

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
)

pytestmark = pytest.mark.browser


def _hex(uuid: str) -> str:
    return uuid.replace("-", "")


def test_a_rejected_change_is_shown_with_its_message_and_survives_a_reload(server: Server, new_context: Any) -> None:
    context = new_context()
    page = context.new_page()
    sign_in(page, MCL)
    api = ApiUser(server.url, MCL)
    people = api.pull_all()["person"]
    hannah = next(pid for pid, p in people.items() if p["name"] == "Hannah Brooks")
    team_rows = server.sql("SELECT team_id FROM team_member WHERE person_id = ?", (_hex(hannah),))
    assert team_rows, "Hannah is on the MCL's team in the demo school"

    go_offline(context, page)
    obs_id = quick_look(page, "Hannah Brooks")
    # Meanwhile Hannah moves off the team: the MCL may no longer observe her.
    server.sql("DELETE FROM team_member WHERE person_id = ?", (_hex(hannah),))
    try:
        go_online(context, page)
        expect(page.get_by_test_id("status-attention")).to_have_text("1 needs attention", timeout=TIMEOUT)
        assert my_observation_states(page)[obs_id] == "attention"
        page.reload()
        expect(page.get_by_test_id("status-attention")).to_have_text("1 needs attention", timeout=TIMEOUT)
        page.goto(f"/observation/{obs_id}")
        message = page.get_by_test_id("rejected-message")
        expect(message).to_be_visible(timeout=TIMEOUT)
        assert message.inner_text().strip()
        assert obs_id not in api.observations()
    finally:
        for (team_id,) in team_rows:
            server.sql("INSERT INTO team_member (team_id, person_id) VALUES (?, ?)", (team_id, _hex(hannah)))

    # Once she is back on the team, sending it again goes through.
    page.get_by_role("button", name="Send again").click()
    # The status bar may still read "synced" from before the click: wait for the server instead.
    eventually(lambda: obs_id in api.observations(), page)
    wait_synced(page)
    expect(page.get_by_test_id("status-attention")).to_have_count(0)


def test_two_devices_edit_one_observation_the_conflict_is_shown_and_the_choice_applied(
    server: Server, new_context: Any
) -> None:
    phone, tablet = new_context(), new_context()
    a = phone.new_page()
    b = tablet.new_page()
    sign_in(a, MCL)
    obs_id = quick_look(a, "Diego Morales", glow="first words")
    wait_synced(a)
    sign_in(b, MCL)
    assert my_observation_states(b).get(obs_id) == "synced"

    go_offline(phone, a)
    a.goto(f"/observation/{obs_id}")
    a.fill("#glow", "from the phone")
    b.goto(f"/observation/{obs_id}")
    b.fill("#glow", "from the tablet")
    api = ApiUser(server.url, MCL)
    eventually(lambda: api.observations().get(obs_id, {}).get("glow") == "from the tablet")  # the tablet is first

    go_online(phone, a)
    conflict = a.get_by_test_id("conflict")
    expect(conflict).to_be_visible(timeout=TIMEOUT)
    expect(conflict.get_by_test_id("mine")).to_contain_text("from the phone")
    expect(conflict.get_by_test_id("theirs")).to_contain_text("from the tablet")
    a.get_by_role("button", name="Keep this device's").click()
    wait_synced(a)
    expect(a.get_by_test_id("conflict")).to_have_count(0)

    eventually(lambda: api.observations().get(obs_id, {}).get("glow") == "from the phone")
    row = api.observations()[obs_id]
    assert row["glow"] == "from the phone"
    assert row["_version"] == 3  # created, the tablet's edit, then the choice made on the phone
