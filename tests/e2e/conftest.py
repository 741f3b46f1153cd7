"""End-to-end fixtures: the real backend under gunicorn on a free port, serving the built PWA, and the
system Chromium driven by Playwright at a phone's 375 x 812 viewport."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "pwa" / "dist"
AXE = ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
PASSWORD = "cadence-demo"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session", autouse=True)
def _needs_browser_and_build() -> None:
    """Skip (and say why) where Chromium or the built app is missing; autouse runs before the browser."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: browser tests skipped (apt-get install chromium)")
    if not (DIST / "index.html").exists() or not (DIST / "sw.js").exists():
        pytest.skip("pwa/dist is not built: run `make install` (npm run build in pwa/) first")


@dataclass
class Server:
    url: str
    db_path: Path
    dist: Path
    process: subprocess.Popen[bytes]

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run SQL straight against the server's database (for what no API does, like ending sessions)."""
        with sqlite3.connect(self.db_path, timeout=30) as conn:
            rows = conn.execute(statement, params).fetchall()
            conn.commit()
        return rows


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("e2e")
    dist = tmp / "dist"
    shutil.copytree(DIST, dist)  # a copy, so a test can publish a "new version" of the worker
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"},
        "DATABASE_URL": f"sqlite:///{tmp / 'cadence.db'}",
        "SECRET_KEY": "e2e-secret",
        "CADENCE_INSTANCE": str(tmp),
        "CADENCE_PWA_DIST": str(dist),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "WARNING",
    }
    for command in (["db", "upgrade"], ["rubrics", "load"], ["demo", "seed"]):
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "backend", *command], cwd=ROOT, env=env,
                              capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"flask {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    log = open(tmp / "server.log", "wb")  # noqa: SIM115 (closed after the server stops)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "backend.wsgi:app"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{url}/healthz", timeout=2).ok:
                break
        except (requests.ConnectionError, requests.Timeout):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.terminate()
            raise RuntimeError(f"the server did not start; see {tmp / 'server.log'}")
        time.sleep(0.2)
    yield Server(url, tmp / "cadence.db", dist, process)
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def base_url(server: Server) -> str:
    """Ours, replacing pytest-playwright's (whose method fixture warns under pytest 9)."""
    return server.url


@pytest.fixture(scope="session")
def device() -> None:
    """No emulated device (tests/conftest.py has a `device` fixture of its own that must not leak in here)."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], server: Server) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 375, "height": 812}, "base_url": server.url,
            "is_mobile": True, "has_touch": True}


@pytest.fixture()
def axe_source() -> Path:
    if not AXE.exists():
        pytest.skip("pwa/node_modules/axe-core is missing: run npm install in pwa/")
    return AXE
