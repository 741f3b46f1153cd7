"""Sync benchmark: Cadence's push and pull against pouchdb-server and a direct PostgreSQL insert.

Run from the repository root: `.venv/bin/python bench/sync.py [--observations 5000] [--batch 100]`.
It needs PostgreSQL on 127.0.0.1:5432 (trust auth) and Node; it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import requests
from psycopg.types.json import Json

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = "cadence_bench"
DB_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB_NAME}"
MCL_EMAIL, PASSWORD = "bench-mcl@cadence.test", "bench-password"
TEAM_SIZE = 25
PULL_LIMIT = 1000
TARGET_PUSH, TARGET_FULL_PULL, FULL_PULL_CHANGES = 1500.0, 1.5, 10_000
# Set for this process too, so the in-process app never makes a key file under instance/.
BENCH_ENV = {"DATABASE_URL": DB_URL, "SECRET_KEY": "bench-secret", "CADENCE_LOG_FORMAT": "plain"}

# ---- setup ---------------------------------------------------------------------------------------


def recreate_database(drop_only: bool = False) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {DB_NAME}")


def flask(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "flask"), "--app", "backend", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def create_schema() -> None:
    done = flask("db", "upgrade")
    if done.returncode != 0:
        print(f"  flask db upgrade failed; using db.create_all() instead:\n{done.stderr[-600:]}")
        from sqlalchemy import text

        from backend import create_app
        from backend.extensions import db

        with create_app({"SQLALCHEMY_DATABASE_URI": DB_URL}).app_context():
            db.create_all()
            db.session.execute(text("INSERT INTO change_counter (id, value) VALUES (1, 0)"))
            db.session.commit()
            db.engine.dispose()
    loaded = flask("rubrics", "load")
    if loaded.returncode != 0:
        raise SystemExit(f"flask rubrics load failed:\n{loaded.stderr}")


def seed_school() -> dict[str, Any]:
    """A district, a school, and one MCL leading a team of team teachers; return what the pushes need."""
    from sqlalchemy import select

    from backend import create_app
    from backend.auth.service import hash_password
    from backend.db import next_change_seq
    from backend.extensions import db
    from backend.org.models import District, Membership, Person, School, Team, TeamLeader, TeamMember
    from backend.org.service import set_career_stage
    from backend.rubrics.models import Rubric

    with create_app({"SQLALCHEMY_DATABASE_URI": DB_URL}).app_context():
        session, pw_hash = db.session(), hash_password(PASSWORD)
        district = District(name="Bench District")
        session.add(district)
        session.flush()
        school = School(district_id=district.id, name="Bench Elementary", targets={},
                        change_seq=next_change_seq(session))
        session.add(school)
        session.flush()

        def person(email: str, name: str, stage: str) -> Person:
            p = Person(email=email, name=name, password_hash=pw_hash, change_seq=next_change_seq(session))
            session.add(p)
            session.flush()
            set_career_stage(session, p, stage, date(2025, 8, 1))
            session.add(Membership(person_id=p.id, school_id=school.id, role="staff"))
            return p

        mcl = person(MCL_EMAIL, "Bench Leader", "multi_classroom_leader")
        teachers = [person(f"bench-teacher-{i}@cadence.test", f"Teacher {i}", "team_teacher")
                    for i in range(TEAM_SIZE)]
        team = Team(school_id=school.id, name="Bench Team", change_seq=next_change_seq(session))
        session.add(team)
        session.flush()
        session.add(TeamLeader(team_id=team.id, person_id=mcl.id))
        session.add_all(TeamMember(team_id=team.id, person_id=t.id) for t in teachers)
        rubric = session.scalars(
            select(Rubric).where(Rubric.key == "weekly_full").order_by(Rubric.rubric_version.desc())
        ).first()
        if rubric is None:
            raise SystemExit("the weekly_full rubric did not load")
        seeded = {"teachers": [str(t.id) for t in teachers], "rubric_id": str(rubric.id), "mcl_id": mcl.id,
                  "school_id": school.id, "indicators": rubric.indicator_keys(), "levels": rubric.levels()}
        session.commit()
        db.engine.dispose()
    return seeded


# ---- servers -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(cmd: list[str], port: int, ready: str, cwd: Path, log: Path, timeout: float = 60) -> Iterator[str]:
    """Run a server in its own process group until the block ends; yield its base URL once it answers."""
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"{cmd[0]} exited early:\n{log.read_text()[-2000:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(base + ready, timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"{cmd[0]} did not answer {base + ready} within {timeout:.0f} s")
            time.sleep(0.2)
        yield base
    finally:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(wait)
                break


def gunicorn_cmd(port: int, tmp: Path) -> list[str]:
    # An explicit config file keeps gunicorn from loading the repository's gunicorn.conf.py (JSON access log).
    conf = tmp / "gunicorn_bench.py"
    conf.write_text("accesslog = None\nerrorlog = '-'\nloglevel = 'warning'\n")
    return [str(BIN / "gunicorn"), "-c", str(conf), "-w", "2", "-b", f"127.0.0.1:{port}", "backend.wsgi:app"]


def pouchdb_cmd(port: int) -> list[str]:
    script = ROOT / "bench" / "node_modules" / "pouchdb-server" / "bin" / "pouchdb-server"
    if not script.exists():
        print("  installing pouchdb-server (npm install --prefix bench, about 90 s)")
        subprocess.run(["npm", "install", "--prefix", str(ROOT / "bench"), "--no-audit", "--no-fund"],
                       check=True, timeout=600)
    # Request lines still go to its log.txt (in the temporary directory); only the stdout copy is off.
    return ["node", str(script), "--in-memory", "--no-stdout-logs", "--host", "127.0.0.1",
            "--port", str(port)]


# ---- the workload --------------------------------------------------------------------------------

NOTES = ["Cold-called four students in a row; each answered in a full sentence.",
         "Materials were passed out by table captains in under thirty seconds.",
         "Two students at the back table were off task during independent practice.",
         "Teacher circulated and gave written feedback on six notebooks.",
         "Exit ticket asked students to explain the strategy, not only the answer."]


def make_observations(n: int, seeded: dict[str, Any], rnd: random.Random) -> list[dict[str, Any]]:
    """`observation.save` arguments with every indicator scored, a few notes, glow, grow and a step."""
    start = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    out = []
    for i in range(n):
        at = start + timedelta(days=i % 180, minutes=rnd.randrange(0, 400))
        out.append({
            "id": str(uuid.uuid4()), "base_version": None,
            "educator_id": seeded["teachers"][i % len(seeded["teachers"])], "rubric_id": seeded["rubric_id"],
            "observed_at": at.isoformat(), "duration_minutes": rnd.choice([15, 20, 30, 45]),
            "context": {"subject": rnd.choice(["Math", "Reading", "Science"]),
                        "grade": str(rnd.randrange(1, 9)),
                        "grouping": rnd.choice(["whole_class", "small_group", "one_on_one"])},
            "scores": {k: rnd.choice(seeded["levels"]) for k in seeded["indicators"]},
            "evidence": [{"at": (at + timedelta(minutes=m)).isoformat(), "text": rnd.choice(NOTES)}
                         for m in range(rnd.randrange(3, 7))],
            "glow": "Clear routines: transitions took under a minute and every student had materials ready.",
            "grow": "Check for understanding before independent work; several students were stuck.",
            "action_step": "Ask one hinge question before independent practice and regroup by the answers.",
            "follows_up": None,
        })
    return out


def batches(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def cadence_session(base: str) -> requests.Session:
    http = requests.Session()
    res = http.post(f"{base}/api/auth/login", json={"email": MCL_EMAIL, "password": PASSWORD}, timeout=30)
    res.raise_for_status()
    csrf = http.cookies.get("csrf_token")
    if not csrf:
        raise SystemExit("login set no csrf_token cookie")
    http.headers["X-CSRF-Token"] = csrf
    return http


def push_cadence(base: str, obs: list[dict[str, Any]], size: int) -> tuple[float, int]:
    http, client_id, seq = cadence_session(base), str(uuid.uuid4()), 0
    bodies = []
    for chunk in batches(obs, size):
        muts = []
        for args in chunk:
            seq += 1
            muts.append({"id": str(uuid.uuid4()), "seq": seq, "name": "observation.save", "args": args})
        bodies.append(json.dumps({"client_id": client_id, "mutations": muts}).encode())
    applied, headers = 0, {"Content-Type": "application/json"}
    started = time.perf_counter()
    for body in bodies:
        res = http.post(f"{base}/api/sync/push", data=body, headers=headers, timeout=120)
        res.raise_for_status()
        applied += sum(r["status"] == "applied" for r in res.json()["results"])
    return time.perf_counter() - started, applied


def push_peer(base: str, obs: list[dict[str, Any]], size: int) -> tuple[float, int]:
    http = requests.Session()
    http.put(f"{base}/bench", timeout=30).raise_for_status()
    docs = [{"_id": o["id"], "type": "observation", **{k: v for k, v in o.items() if k != "id"}} for o in obs]
    bodies = [json.dumps({"docs": chunk}).encode() for chunk in batches(docs, size)]
    ok, headers = 0, {"Content-Type": "application/json"}
    started = time.perf_counter()
    for body in bodies:
        res = http.post(f"{base}/bench/_bulk_docs", data=body, headers=headers, timeout=120)
        res.raise_for_status()
        ok += sum(bool(r.get("ok")) for r in res.json())
    return time.perf_counter() - started, ok


def pull_cadence(base: str, max_pages: int) -> tuple[float, int, int]:
    """A fresh device's full pull: seconds, observation entries, all entries."""
    http, cursor, changes = cadence_session(base), 0, []
    started = time.perf_counter()
    for _ in range(max_pages):
        res = http.get(f"{base}/api/sync/pull?cursor={cursor}&limit={PULL_LIMIT}", timeout=120)
        res.raise_for_status()
        body = res.json()
        changes.extend(body["changes"])
        cursor = body["cursor"]
        if not body["has_more"]:
            break
    else:
        raise SystemExit(f"Cadence pull still had more after {max_pages} pages")
    seconds = time.perf_counter() - started
    return seconds, sum(c["type"] == "observation" and not c["deleted"] for c in changes), len(changes)


def pull_peer(base: str, max_pages: int) -> tuple[float, int]:
    http, since, docs = requests.Session(), "0", 0
    started = time.perf_counter()
    for _ in range(max_pages):
        params: dict[str, str | int] = {"include_docs": "true", "since": since, "limit": PULL_LIMIT}
        res = http.get(f"{base}/bench/_changes", params=params, timeout=120)
        res.raise_for_status()
        body = res.json()
        docs += sum(r.get("doc", {}).get("type") == "observation" for r in body["results"])
        since = body["last_seq"]
        if len(body["results"]) < PULL_LIMIT:
            break
    else:
        raise SystemExit(f"peer pull still had more after {max_pages} pages")
    return time.perf_counter() - started, docs


def direct_insert(obs: list[dict[str, Any]], seeded: dict[str, Any]) -> float:
    """Insert the same observations (new ids) straight into the observation table in one transaction."""
    now = datetime.now(UTC)
    rows = [(uuid.uuid4(), seeded["school_id"], seeded["mcl_id"], uuid.UUID(o["educator_id"]),
             uuid.UUID(o["rubric_id"]), datetime.fromisoformat(o["observed_at"]), o["duration_minutes"],
             Json(o["context"]), Json(o["scores"]), Json(o["evidence"]), o["glow"], o["grow"], None, "draft",
             None, now, now, 1, 0, None) for o in obs]
    sql = ("INSERT INTO observation (id, school_id, observer_id, educator_id, rubric_id, observed_at, "
           "duration_minutes, context, scores, evidence, glow, grow, follows_up_id, status, published_at, "
           "created_at, updated_at, version, change_seq, deleted_at) VALUES "
           "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
    with psycopg.connect(DB_URL.replace("+psycopg", "")) as conn:
        started = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            cur.executemany(sql, rows)
        return time.perf_counter() - started


# ---- the run -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3, help="pulls per side; the median is reported")
    opts = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.update(BENCH_ENV)
    print(f"Sync benchmark: {opts.observations} observations, batches of {opts.batch}")
    recreate_database()
    try:
        with tempfile.TemporaryDirectory(prefix="cadence-bench-") as tmp_name:
            run(opts, Path(tmp_name))
    finally:
        recreate_database(drop_only=True)


def run(opts: argparse.Namespace, tmp: Path) -> None:
    create_schema()
    seeded = seed_school()
    n = opts.observations
    obs = make_observations(n, seeded, random.Random(7))
    size_kb = len(json.dumps(obs)) / n / 1024
    print(f"  seeded 1 MCL + {TEAM_SIZE} teachers; {size_kb:.1f} KB of JSON per observation; "
          f"load average {os.getloadavg()[0]:.1f}")
    max_pages = n * 3 // PULL_LIMIT + 10
    c_port, p_port = free_port(), free_port()
    with server(gunicorn_cmd(c_port, tmp), c_port, "/healthz", ROOT, tmp / "gunicorn.log") as c, \
            server(pouchdb_cmd(p_port), p_port, "/", tmp, tmp / "pouchdb.log") as p:
        c_push, c_applied = push_cadence(c, obs, opts.batch)
        p_push, p_ok = push_peer(p, obs, opts.batch)
        c_pulls = [pull_cadence(c, max_pages) for _ in range(opts.repeats)]
        p_pulls = [pull_peer(p, max_pages) for _ in range(opts.repeats)]
    direct = direct_insert(obs, seeded)
    (_, c_obs, c_changes), p_docs = c_pulls[0], p_pulls[0][1]
    c_pull, p_pull = statistics.median(x[0] for x in c_pulls), statistics.median(x[0] for x in p_pulls)

    print(f"\n  applied: Cadence {c_applied}/{n}, peer {p_ok}/{n}; pulled: Cadence {c_obs} observations "
          f"in {c_changes} changes, peer {p_docs} documents; load average {os.getloadavg()[0]:.1f}")
    if min(c_applied, p_ok, c_obs, p_docs) < n:
        print("  WARNING: some observations were not applied or not pulled back; the rates overstate")
    print(f"\n  {'':<24}{'Cadence':>10}{'pouchdb':>10}{'Cadence/peer':>14}")
    for name, cad, peer in (("push obs/s", n / c_push, n / p_push), ("pull obs/s", n / c_pull, n / p_pull)):
        print(f"  {name:<24}{cad:>10.0f}{peer:>10.0f}{cad / peer:>14.2f}")
    print(f"  {'direct insert obs/s':<24}{n / direct:>10.0f}   (same rows, one transaction, executemany)")
    print(f"  {'push / direct insert':<24}{direct / c_push:>10.3f}")
    print(f"  {'full pull (s)':<24}{c_pull:>10.2f}   ({c_changes} changes, median of {opts.repeats} pulls)")
    push_ok = "met" if n / c_push >= TARGET_PUSH else "not met"
    full_ok = "met" if c_pull < TARGET_FULL_PULL else "not met"
    if c_changes < FULL_PULL_CHANGES:
        full_ok = f"n/a: only {c_changes} changes (use --observations 5000)"
    print("\n  targets")
    print(f"  push >= {TARGET_PUSH:,.0f} obs/s{'':<14}{n / c_push:>8.0f}  {push_ok}")
    print(f"  full pull of {FULL_PULL_CHANGES:,} changes < {TARGET_FULL_PULL} s  {c_pull:>6.2f}  {full_ok}")


if __name__ == "__main__":
    main()
