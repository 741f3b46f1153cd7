"""The installed shell: a new version waits for the person, and every screen passes axe-core at 375 px."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server
from tests.e2e.flows import (
    ADMIN,
    MCL,
    TEACHER,
    TEACHER_NAME,
    TIMEOUT,
    ApiUser,
    eventually,
    open_tab,
    quick_look,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_a_new_version_shows_the_update_prompt_and_applies_when_accepted(server: Server, new_context: Any) -> None:
    page = new_context().new_page()
    sign_in(page, MCL)
    expect(page.get_by_test_id("update-banner")).to_have_count(0)
    worker = server.dist / "sw.js"
    original = worker.read_bytes()
    try:
        worker.write_bytes(original + f"\n// release {uuid.uuid4()}\n".encode())
        page.reload()  # a navigation makes the browser look for a new worker
        banner = page.get_by_test_id("update-banner")
        expect(banner).to_be_visible(timeout=TIMEOUT)
        expect(page.get_by_test_id("member").first).to_be_visible()  # nothing reloads under the person
        with page.expect_event("load", timeout=TIMEOUT):
            banner.get_by_role("button", name="Update").click()
        expect(page.get_by_test_id("update-banner")).to_have_count(0)
        page.wait_for_function("!!navigator.serviceWorker.controller")
    finally:
        worker.write_bytes(original)


def _check(page: Page, axe: Path, screen: str) -> None:
    """No axe violations, no sideways scrolling, and tap targets of at least 44 px."""
    page.wait_for_load_state("networkidle")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe))
    violations = page.evaluate("async () => (await axe.run(document)).violations.map(v => `${v.id}: ${v.help}`)")
    assert violations == [], f"{screen}: {violations}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{screen} scrolls sideways"
    small = page.evaluate(
        """() => [...document.querySelectorAll('button, nav a, input, select, textarea')]
              .filter(el => el.offsetParent !== null && el.type !== 'checkbox')
              .filter(el => { const r = el.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
              .map(el => el.outerHTML.slice(0, 80))"""
    )
    assert small == [], f"{screen}: targets under 44 px: {small}"


def test_every_screen_passes_axe_at_phone_width(server: Server, new_context: Any, axe_source: Path) -> None:
    page = new_context().new_page()
    page.goto("/")
    expect(page.locator("#email")).to_be_visible(timeout=TIMEOUT)
    _check(page, axe_source, "sign-in")

    sign_in(page, MCL)
    _check(page, axe_source, "team roster")
    obs_id = quick_look(page, TEACHER_NAME, publish=True, glow="Clear model")
    mcl = ApiUser(server.url, MCL)
    eventually(lambda: mcl.observations().get(obs_id, {}).get("status") == "published", page)
    page.goto(f"/observation/{obs_id}")
    expect(page.get_by_test_id("indicator").first).to_be_visible(timeout=TIMEOUT)
    _check(page, axe_source, "quick look")
    page.goto("/team")
    page.get_by_role("button", name=f"Full observation for {TEACHER_NAME}").click()
    expect(page.locator("#subject")).to_be_visible(timeout=TIMEOUT)
    _check(page, axe_source, "full observation")
    page.goto("/mine")
    _check(page, axe_source, "my observations")
    open_tab(page, "Me")
    _check(page, axe_source, "account")

    teacher = new_context().new_page()
    sign_in(teacher, TEACHER)
    _check(teacher, axe_source, "feedback inbox")
    teacher.goto(f"/feedback/{obs_id}")
    expect(teacher.get_by_role("button", name="Acknowledge")).to_be_visible(timeout=TIMEOUT)
    _check(teacher, axe_source, "feedback detail")
    open_tab(teacher, "Steps")
    _check(teacher, axe_source, "action steps")

    admin = new_context().new_page()
    sign_in(admin, ADMIN)
    expect(admin.get_by_test_id("school-person").first).to_be_visible(timeout=TIMEOUT)
    _check(admin, axe_source, "school roster")
