"""What a person does in the app, step by step, and what the server holds afterwards (through its API)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import BrowserContext, Page, expect

PASSWORD = "cadence-demo"
MCL = "mcl@cadence.test"
TEACHER = "teacher@cadence.test"
ADMIN = "admin@cadence.test"
TEACHER_NAME = "Sam Rivera"
TIMEOUT = 20_000


def sign_in(page: Page, email: str, path: str = "/") -> None:
    page.goto(path)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("nav")).to_be_visible(timeout=TIMEOUT)
    wait_synced(page)
    page.wait_for_function("!!navigator.serviceWorker.controller", timeout=TIMEOUT)


def wait_synced(page: Page) -> None:
    """Wait until nothing waits in the outbox and a sync has finished."""
    page.wait_for_function(
        """() => document.querySelector('[data-testid=status-pending]')?.textContent === '0 changes waiting'
                && !/never/.test(document.querySelector('[data-testid=status-last]')?.textContent ?? 'never')""",
        timeout=TIMEOUT,
    )


def eventually(check: Callable[[], bool], page: Page | None = None, timeout: float = 20.0) -> None:
    """Poll the server until `check` holds (the page syncs on its own schedule).

    Given a page, wait through Playwright so that its route handlers and events keep running.
    """
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the server never reached the expected state"
        if page is not None:
            page.wait_for_timeout(250)
        else:
            time.sleep(0.25)


def go_offline(context: BrowserContext, page: Page) -> None:
    context.set_offline(True)
    expect(page.get_by_test_id("status-online")).to_have_text("Offline")


def go_online(context: BrowserContext, page: Page) -> None:
    context.set_offline(False)
    expect(page.get_by_test_id("status-online")).to_have_text("Online")


def open_tab(page: Page, name: str) -> None:
    page.locator("nav").get_by_role("link", name=name).click()


def quick_look(page: Page, member: str, level: int = 3, publish: bool = False, glow: str = "") -> str:
    """Record a daily quick look from the roster; returns the new observation's id."""
    open_tab(page, "Team")
    page.get_by_role("button", name=f"Quick look for {member}").click()
    indicators = page.get_by_test_id("indicator")
    expect(indicators.first).to_be_visible(timeout=TIMEOUT)
    for i in range(indicators.count()):
        indicators.nth(i).get_by_role("button", name=f": {level} ").click()
    if glow:
        page.get_by_text("Add a note, glow or grow").click()
        page.fill("#glow", glow)
    page.wait_for_url("**/observation/*", timeout=TIMEOUT)
    obs_id = page.url.rsplit("/", 1)[-1]
    page.get_by_role("button", name="Publish" if publish else "Done").click()
    page.wait_for_url(lambda url: "/observation/" not in url, timeout=TIMEOUT)
    return obs_id


def weekly(page: Page, member: str, glow: str, publish: bool = False) -> str:
    """Record a weekly full observation with context, a timestamped note, glow, grow and an action step."""
    open_tab(page, "Team")
    page.get_by_role("button", name=f"Full observation for {member}").click()
    expect(page.locator("#subject")).to_be_visible(timeout=TIMEOUT)
    page.fill("#subject", "Math")
    page.fill("#grade", "4")
    page.get_by_role("button", name="Small group").click()
    indicators = page.get_by_test_id("indicator")
    for i in range(indicators.count()):
        indicators.nth(i).get_by_role("button", name=": 2 ").click()
    page.fill("#note", "Students explained the strategy to a partner.")
    page.get_by_role("button", name="Add note with time").click()
    page.fill("#glow", glow)
    page.fill("#grow", "Check every group before moving on.")
    page.fill("#action-step", "Use a timer for each station.")
    page.wait_for_url("**/observation/*", timeout=TIMEOUT)
    obs_id = page.url.rsplit("/", 1)[-1]
    page.get_by_role("button", name="Publish" if publish else "Done").click()
    page.wait_for_url(lambda url: "/observation/" not in url, timeout=TIMEOUT)
    return obs_id


def my_observation_states(page: Page) -> dict[str, str]:
    open_tab(page, "Observations")
    items = page.get_by_test_id("my-observation")
    expect(items.first).to_be_visible(timeout=TIMEOUT)
    return {
        items.nth(i).get_attribute("data-id") or "": items.nth(i).get_attribute("data-state") or ""
        for i in range(items.count())
    }


def expect_state(page: Page, obs_id: str, state: str) -> None:
    """Wait until "My observations" shows this observation in this sync state."""
    open_tab(page, "Observations")
    expect(page.locator(f"[data-testid=my-observation][data-id='{obs_id}']")).to_have_attribute(
        "data-state", state, timeout=TIMEOUT
    )


class ApiUser:
    """The server's view, read through its API as one person."""

    def __init__(self, base_url: str, email: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        response = self.http.post(f"{base_url}/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=10)
        response.raise_for_status()
        self.me = response.json()

    def pull_all(self) -> dict[str, dict[str, Any]]:
        """Every row this person may see, by type then id, as the last change left it."""
        rows: dict[str, dict[str, Any]] = {}
        cursor = 0
        while True:
            page = self.http.get(f"{self.base_url}/api/sync/pull", params={"cursor": cursor, "limit": 1000}, timeout=30)
            page.raise_for_status()
            body = page.json()
            for change in body["changes"]:
                bucket = rows.setdefault(change["type"], {})
                if change["deleted"]:
                    bucket.pop(change["id"], None)
                else:
                    bucket[change["id"]] = {**change["data"], "_version": change["version"]}
            cursor = body["cursor"]
            if not body["has_more"]:
                return rows

    def observations(self) -> dict[str, dict[str, Any]]:
        return self.pull_all().get("observation", {})
