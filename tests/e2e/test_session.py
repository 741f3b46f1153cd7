"""Sessions that end under the person never cost them their work."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.flows import (
    MCL,
    PASSWORD,
    TIMEOUT,
    ApiUser,
    expect_state,
    go_offline,
    go_online,
    open_tab,
    quick_look,
    sign_in,
    wait_synced,
)

pytestmark = pytest.mark.browser


def test_session_expiring_while_offline_loses_nothing(server: Server, new_context: Any) -> None:
    context = new_context()
    page = context.new_page()
    sign_in(page, MCL)

    go_offline(context, page)
    first = quick_look(page, "Aisha Bello", publish=True)
    second = quick_look(page, "Tom Weller")
    # The session ends on the server while the phone is away (expired or revoked).
    ended = server.sql("DELETE FROM auth_session WHERE person_id = (SELECT id FROM person WHERE email = ?)", (MCL,))
    assert ended == []

    go_online(context, page)
    notice = page.get_by_test_id("session-ended")
    expect(notice).to_be_visible(timeout=TIMEOUT)
    expect(notice).to_contain_text("stay safe on this device")
    expect(page.get_by_test_id("status-pending")).not_to_have_text("0 changes waiting")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_synced(page)

    rows = ApiUser(server.url, MCL).observations()
    assert rows[first]["status"] == "published"
    assert rows[second]["status"] == "draft"


def test_signing_out_with_unsynced_changes_warns_and_keeps_them(server: Server, new_context: Any) -> None:
    context = new_context()
    page = context.new_page()
    sign_in(page, MCL)
    go_offline(context, page)
    obs_id = quick_look(page, "Sam Rivera")

    open_tab(page, "Me")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_test_id("signout-warning")).to_contain_text("1 change")
    page.get_by_role("button", name="Sign out anyway").click()
    expect(page.locator("#email")).to_be_visible(timeout=TIMEOUT)

    go_online(context, page)
    page.fill("#email", MCL)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect_state(page, obs_id, "synced")
    assert obs_id in ApiUser(server.url, MCL).observations()
