"""Measure the PWA: first-screen bytes, Lighthouse mobile scores, and an offline reload to a usable roster.

Run after `make install` (it needs pwa/dist, pwa/node_modules and /usr/bin/chromium):

    .venv/bin/python bench/pwa.py

It starts its own seeded backend on a free port and prints figures; nothing is asserted.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "pwa" / "dist"
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
MCL = "mcl@cadence.test"
PASSWORD = "cadence-demo"
BUDGET_KB = 60


def start_server(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "SECRET_KEY": "bench",
           "CADENCE_INSTANCE": str(tmp), "CADENCE_PWA_DIST": str(DIST), "HOST": "127.0.0.1", "PORT": str(port),
           "WEB_CONCURRENCY": "2", "LOG_LEVEL": "WARNING"}
    for command in (["db", "upgrade"], ["rubrics", "load"], ["demo", "seed"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "backend", *command], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "backend.wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if requests.get(f"{url}/healthz", timeout=2).ok:
                return server, url
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the backend did not start")


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def sign_in(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.fill("#email", MCL)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("[data-testid=member]", timeout=30_000)
    page.wait_for_function("!!navigator.serviceWorker.controller", timeout=30_000)


def first_screen_bytes(url: str, pw) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Gzipped JS and CSS each first screen actually requests (the built files, compressed at level 9)."""
    figures: dict[str, int] = {}
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    for screen in ("sign-in", "roster"):
        context = browser.new_context(viewport={"width": 375, "height": 812})
        page = context.new_page()
        if screen == "roster":
            sign_in(page, url)
        seen: set[str] = set()
        page.on("request", lambda r, seen=seen: seen.add(urlparse(r.url).path)
                if r.resource_type in ("script", "stylesheet") else None)
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(500)
        figures[screen] = sum(gzipped(DIST / p.lstrip("/")) for p in seen if (DIST / p.lstrip("/")).is_file())
        context.close()
    browser.close()
    return figures


def offline_reload_ms(url: str, pw, runs: int = 7) -> list[float]:  # type: ignore[no-untyped-def]
    """From an offline reload to the roster's first button being there and enabled."""
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    sign_in(page, url)
    page.wait_for_timeout(1000)
    context.set_offline(True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        page.reload(wait_until="commit")
        page.wait_for_selector("[data-testid=member] button:enabled", timeout=30_000)
        times.append((time.perf_counter() - start) * 1000)
    browser.close()
    return times


def lighthouse(url: str, profile: Path | None) -> dict[str, float] | str:
    """Performance and accessibility scores; with a profile, as the person signed in there."""
    if not LIGHTHOUSE.exists():
        return "lighthouse is not installed (npm install --prefix bench)"
    flags = "--headless=new --no-sandbox --disable-gpu"
    if profile is not None:
        flags += f" --user-data-dir={profile}"
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
               "--only-categories=performance,accessibility", "--form-factor=mobile", f"--chrome-flags={flags}"]
    if profile is not None:
        command.append("--disable-storage-reset")  # keep the signed-in session and the local store
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM},
                          timeout=300)
    if done.returncode:
        return f"lighthouse failed: {done.stderr.strip()[-300:]}"
    report = json.loads(done.stdout)
    scores: dict[str, float] = {
        name: round(report["categories"][name]["score"] * 100) for name in ("performance", "accessibility")
    }
    # The element count tells a rendered roster (hundreds) from a sign-in form (a few dozen).
    scores["dom_elements"] = report["audits"]["dom-size"]["numericValue"]
    return scores


def main() -> None:
    if not (DIST / "index.html").exists() or not Path(CHROMIUM).exists():
        sys.exit("needs pwa/dist (make install) and Chromium (apt-get install chromium)")
    tmp = Path(tempfile.mkdtemp(prefix="cadence-bench-"))
    server, url = start_server(tmp)
    try:
        with sync_playwright() as pw:
            sizes = first_screen_bytes(url, pw)
            for screen, size in sizes.items():
                print(f"first screen JS+CSS gzipped, {screen}: {size / 1024:.1f} KB (budget {BUDGET_KB} KB)")
            times = offline_reload_ms(url, pw)
            print(f"offline reload -> roster usable: median {statistics.median(times):.0f} ms, "
                  f"max {max(times):.0f} ms over {len(times)} runs")
            profile = tmp / "profile"
            context = pw.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=ARGS)
            sign_in(context.new_page(), url)
            context.close()
        print(f"lighthouse mobile, sign-in: {lighthouse(url + '/', None)}")
        print(f"lighthouse mobile, roster:  {lighthouse(url + '/team', profile)}")
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
