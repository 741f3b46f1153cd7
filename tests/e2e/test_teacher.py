"""The teacher's side: published feedback arrives, and an acknowledgement made offline reaches the server."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.flows import (
    MCL,
    TEACHER,
    TEACHER_NAME,
    TIMEOUT,
    ApiUser,
    go_offline,
    go_online,
    quick_look,
    sign_in,
    wait_synced,
)

pytestmark = pytest.mark.browser


def test_teacher_reads_published_feedback_and_acknowledges_it_offline(server: Server, new_context: Any) -> None:
    coach = new_context().new_page()
    sign_in(coach, MCL)
    obs_id = quick_look(coach, TEACHER_NAME, level=4, publish=True, glow="Every student explained their answer.")
    wait_synced(coach)

    context = new_context()
    page = context.new_page()
    sign_in(page, TEACHER)
    item = page.locator(f"[data-testid=inbox-item]:has(a[href='/feedback/{obs_id}'])")
    expect(item).to_have_attribute("data-unread", "true")
    assert page.get_by_test_id("inbox-item").first.get_attribute("data-unread") == "true"  # unread first
    item.get_by_role("link").click()
    expect(page.get_by_test_id("glow")).to_have_text("Every student explained their answer.")
    expect(page.locator(".descriptor").first).not_to_be_empty()

    go_offline(context, page)
    page.fill("#reflection", "I will keep the turn-and-talk.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_test_id("acknowledged")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("acknowledged")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#reflection")).to_have_value("I will keep the turn-and-talk.")

    go_online(context, page)
    wait_synced(page)
    responses = ApiUser(server.url, TEACHER).pull_all().get("feedback_response", {})
    mine = next(r for r in responses.values() if r["observation_id"] == obs_id)
    assert mine["acknowledged_at"]
    assert mine["reflection"] == "I will keep the turn-and-talk."
