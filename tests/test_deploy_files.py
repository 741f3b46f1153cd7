"""The deployment files are valid, and the container starts the way an operator relies on.

No Docker engine is needed: hadolint lints the Dockerfile, Compose v2 (from PyPI) checks the compose
file, and the entrypoint runs against stand-in `flask` and `gunicorn` commands.
"""

from __future__ import annotations

import json
import logging
import os
import runpy
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKER = ROOT / "docker"


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: run `make install` (it is a dev dependency)")
    return found


def _compose_binary() -> str:
    # The package's Python wrapper exits 0 even when the file is invalid; call the Go binary itself.
    import compose

    return str(Path(compose.__file__).parent / "docker-compose")


def _compose_config(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "POSTGRES_PASSWORD"}}
    env.update(env_extra)
    command = [_compose_binary(), "-f", str(DOCKER / "compose.yaml"), "config", "--format", "json"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_dockerfile_passes_hadolint_without_findings() -> None:
    command = [_tool("hadolint"), str(DOCKER / "Dockerfile")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr


def test_image_builds_the_pwa_and_runs_as_a_non_root_user_with_a_healthcheck() -> None:
    lines = [line.strip() for line in (DOCKER / "Dockerfile").read_text().splitlines()]
    stages = [line for line in lines if line.startswith("FROM ")]
    assert len(stages) >= 2 and "npm run build" in "\n".join(lines)
    final = lines[lines.index(stages[-1]) :]
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert any(line.startswith("COPY --from=") and "dist" in line for line in final)
    assert any("/healthz" in line for line in final if line.startswith(("HEALTHCHECK", "CMD")))
    assert any("CADENCE_ENV=production" in line for line in final)


def test_compose_file_is_valid_and_waits_for_a_healthy_database() -> None:
    result = _compose_config({"SECRET_KEY": "s3cret-for-the-test"})
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    app, database = services["app"], services["db"]
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["environment"]["SECRET_KEY"] == "s3cret-for-the-test"
    assert app["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert "@db:5432/" in app["environment"]["DATABASE_URL"]
    assert [str(p["target"]) for p in app["ports"]] == ["8000"]
    assert "pg_isready" in " ".join(database["healthcheck"]["test"])
    assert database["image"].startswith("postgres:15")
    # A named volume: the database outlives the container.
    assert any(v["type"] == "volume" for v in database["volumes"])


def test_compose_refuses_to_run_without_a_secret_key() -> None:
    result = _compose_config({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def _fake_commands(tmp_path: Path, failing: str = "") -> tuple[Path, Path]:
    """Stand-ins for flask and gunicorn that record how they were called (and their pid)."""
    bin_dir, record = tmp_path / "bin", tmp_path / "calls.txt"
    bin_dir.mkdir()
    for name in ("flask", "gunicorn"):
        script = bin_dir / name
        script.write_text(
            "#!/bin/sh\n"
            f'echo "$$ {name} $*" >> "{record}"\n'
            f'[ "{name} $*" = "{failing}" ] && exit 3\n'
            "exit 0\n"
        )
        script.chmod(0o755)
    return bin_dir, record


def _run_entrypoint(bin_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.Popen(["sh", str(DOCKER / "entrypoint.sh")], env=env, cwd=ROOT, text=True)


def test_entrypoint_migrates_and_loads_rubrics_then_becomes_gunicorn(tmp_path: Path) -> None:
    bin_dir, record = _fake_commands(tmp_path)
    process = _run_entrypoint(bin_dir)
    assert process.wait(timeout=30) == 0
    calls = [line.split(" ", 1) for line in record.read_text().splitlines()]
    assert [call for _, call in calls] == [
        "flask --app backend db upgrade",
        "flask --app backend rubrics load",
        "gunicorn -c gunicorn.conf.py backend.wsgi:app",
    ]
    # exec: gunicorn takes over the entrypoint's process, so it gets the container's signals.
    assert int(calls[-1][0]) == process.pid


def test_entrypoint_never_serves_when_the_migration_fails(tmp_path: Path) -> None:
    bin_dir, record = _fake_commands(tmp_path, failing="flask --app backend db upgrade")
    assert _run_entrypoint(bin_dir).wait(timeout=30) != 0
    assert "gunicorn" not in record.read_text()


def _gunicorn_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("HOST", "PORT", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_binds_to_localhost_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _gunicorn_settings(monkeypatch)["bind"] == "127.0.0.1:8000"
    settings = _gunicorn_settings(monkeypatch, HOST="0.0.0.0", PORT="9000", WEB_CONCURRENCY="3")
    assert (settings["bind"], settings["workers"]) == ("0.0.0.0:9000", 3)


def test_gunicorn_access_log_is_one_valid_json_object_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    from gunicorn.config import Config

    settings = _gunicorn_settings(monkeypatch)
    config = Config()
    config.set("accesslog", "-")
    logger = settings["JsonAccessLogger"](config)
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    logger.access_log.handlers = [handler]
    response = SimpleNamespace(status="200 OK", sent=12, headers=[])
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": "/x", "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": '/a"b',
        "QUERY_STRING": "q=1", "REMOTE_ADDR": "10.0.0.1", "HTTP_USER_AGENT": 'phone "quoted" \\ agent',
    }
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=42))
    entry = json.loads(lines[0])
    assert entry["path"] == '/a"b' and entry["user_agent"] == 'phone "quoted" \\ agent'
    assert (entry["status"], entry["duration_ms"], entry["bytes"]) == (200, 42, 12)
