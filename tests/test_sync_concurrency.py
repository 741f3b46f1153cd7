"""Sync under real concurrency on PostgreSQL: a late commit is never skipped, parallel retries apply once."""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from backend import create_app
from backend.db import utcnow
from backend.extensions import db
from backend.observations.models import Observation
from backend.observations.schemas import ObservationSaveArgs
from backend.observations.service import save_observation
from backend.org.models import Person
from backend.sync.models import SyncClient, SyncMutation
from tests.conftest import PASSWORD, TEST_DATABASE_URL
from tests.sync_model import Seeded, fold, seed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)"),
]

WAIT = 20  # seconds any thread may take before the test fails instead of hanging


@pytest.fixture(scope="module")
def pg_app(app: Flask) -> Iterator[Flask]:
    """An app whose pool lets twenty request threads hold a connection each (tables come from `app`)."""
    pg = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL, "SECRET_KEY": "test-secret",
        "LOGIN_MAX_FAILURES_PER_ADDRESS": 1000,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 25, "max_overflow": 5, "pool_pre_ping": True},
    })
    yield pg
    with pg.app_context():
        db.session.remove()
        db.engine.dispose()


class Mcl:
    """A signed-in MCL device talking to the API from any thread."""

    def __init__(self, app: Flask, seeded: Seeded) -> None:
        self.http = app.test_client()
        self.seeded = seeded
        self.client_id = str(uuid.uuid4())
        response = self.http.post("/api/auth/login", json={"email": seeded.mcl_email, "password": PASSWORD})
        assert response.status_code == 200

    def push(self, batch: list[dict[str, Any]]) -> Any:
        cookie = self.http.get_cookie("csrf_token")
        assert cookie is not None
        token = cookie.value
        return self.http.post("/api/sync/push", json={"client_id": self.client_id, "mutations": batch},
                              headers={"X-CSRF-Token": token})

    def pull(self, cursor: int, limit: int = 1000) -> dict[str, Any]:
        response = self.http.get(f"/api/sync/pull?cursor={cursor}&limit={limit}")
        assert response.status_code == 200
        body: dict[str, Any] = response.get_json()
        return body


def save_args(seeded: Seeded, oid: uuid.UUID | str | None = None) -> dict[str, Any]:
    return {"id": str(oid or uuid.uuid4()), "base_version": None, "educator_id": seeded.teacher_id,
            "rubric_id": seeded.rubric_id, "observed_at": "2026-11-02T09:15:00+00:00", "duration_minutes": 10,
            "context": {"subject": "Math", "grade": "4", "grouping": "whole_class"},
            "scores": dict.fromkeys(seeded.indicators, 3), "evidence": [], "glow": "Routines.",
            "grow": "Checks.", "action_step": "Ask a hinge question.", "follows_up": None}


def in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """Start fn in a thread; its result (or exception) lands in the returned list."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(fn())
        except BaseException as exc:  # reported by the caller's assertions
            out.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def pull_all(device: Mcl, cursor: int, limit: int = 1000) -> tuple[list[dict[str, Any]], int]:
    changes: list[dict[str, Any]] = []
    while True:
        body = device.pull(cursor, limit)
        assert body["cursor"] >= cursor
        changes.extend(body["changes"])
        cursor = body["cursor"]
        if not body["has_more"]:
            return changes, cursor


def test_a_change_that_commits_late_is_not_skipped_by_a_pull(pg_app: Flask) -> None:
    seeded = seed(pg_app)
    device = Mcl(pg_app, seeded)
    seen, cursor = pull_all(device, 0)
    state = fold(seen)
    late_id = str(uuid.uuid4())
    with pg_app.app_context():
        late = Session(db.engine)
    try:
        late.execute(text("SET LOCAL lock_timeout = '20s'"))
        mcl = late.get(Person, uuid.UUID(seeded.mcl_id))
        assert mcl is not None
        args = ObservationSaveArgs().load(save_args(seeded, late_id))
        late_seq = save_observation(late, mcl, args, utcnow()).change_seq
        # A push over HTTP now needs the counter row that the uncommitted transaction holds.
        pushed_id = str(uuid.uuid4())
        mutation = {"id": str(uuid.uuid4()), "seq": 1, "name": "observation.save",
                    "args": save_args(seeded, pushed_id)}
        other = Mcl(pg_app, seeded)
        pusher, pushed = in_thread(lambda: other.push([mutation]))
        pusher.join(1.5)
        assert pusher.is_alive(), "the push must wait for the counter row held by the uncommitted change"
        puller, pulled = in_thread(lambda: device.pull(cursor))
        puller.join(WAIT)
        assert not puller.is_alive(), "a pull must not wait for writers"
        early = pulled[0]
        assert early["cursor"] < late_seq, "the cursor passed a change that has not committed yet"
        assert late_id not in {c["id"] for c in early["changes"]}
        late.commit()
    finally:
        late.rollback()
        late.close()
    pusher.join(WAIT)
    assert not pusher.is_alive()
    assert pushed[0].status_code == 200 and pushed[0].get_json()["results"][0]["status"] == "applied"
    fold(early["changes"], state)
    after, _ = pull_all(device, early["cursor"])
    assert {late_id, pushed_id} <= {c["id"] for c in after if c["type"] == "observation"}
    fold(after, state)
    assert state == fold(pull_all(device, 0)[0]), "incremental pulls skipped or invented a change"


DEVICES = 20


def push_with_retries(app: Flask, seeded: Seeded, rng: random.Random) -> tuple[Mcl, list[str], list[int]]:
    """Push ten observations in small batches, resending some as if the answer was lost; retry on non-200."""
    device = Mcl(app, seeded)
    ids = [str(uuid.uuid4()) for _ in range(10)]
    mutations = [{"id": str(uuid.uuid4()), "seq": n, "name": "observation.save", "args": save_args(seeded, oid)}
                 for n, oid in enumerate(ids, start=1)]
    failures: list[int] = []
    done = 0
    while done < len(mutations):
        batch = mutations[done:done + rng.randint(1, 3)]
        response = device.push(batch)
        if response.status_code != 200:
            failures.append(response.status_code)
            continue
        if rng.random() < 0.3:  # the answer "got lost": send the same batch again
            continue
        statuses = [r["status"] for r in response.get_json()["results"]]
        assert set(statuses) <= {"applied", "duplicate"}, statuses
        done += len(batch)
    return device, ids, failures


def test_twenty_devices_pushing_with_retries_apply_each_mutation_once(pg_app: Flask) -> None:
    seeded = seed(pg_app)
    watcher = Mcl(pg_app, seeded)
    workers = [in_thread(partial(push_with_retries, pg_app, seeded, random.Random(i))) for i in range(DEVICES)]
    # Pull while they push: the incremental view must end up equal to one full pull.
    state: dict[tuple[str, str], dict[str, Any]] = {}
    cursor = 0
    while any(thread.is_alive() for thread, _ in workers):
        changes, cursor = pull_all(watcher, cursor, limit=7)
        fold(changes, state)
    for thread, _ in workers:
        thread.join(WAIT)
        assert not thread.is_alive()
    outcomes = [out[0] for _, out in workers]
    for outcome in outcomes:
        assert not isinstance(outcome, BaseException), repr(outcome)
    assert [f for _, _, f in outcomes if f] == [], "a push failed under contention (retried, but a 5xx is a bug)"
    fold(pull_all(watcher, cursor)[0], state)
    full = pull_all(watcher, 0)[0]
    assert state == fold(full)

    pushed = {oid for _, ids, _ in outcomes for oid in ids}
    observations = [c["id"] for c in full if c["type"] == "observation"]
    assert len(observations) == len(set(observations)) == len(pushed) and set(observations) == pushed
    with pg_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Observation)) == len(pushed)
        assert db.session.scalar(select(func.count(func.distinct(SyncMutation.id)))) == len(pushed)
        assert db.session.scalar(select(func.count()).select_from(SyncMutation)) == len(pushed)
        last_seqs = {cid: last for cid, last in db.session.execute(select(SyncClient.id, SyncClient.last_seq))}
        assert {str(k): v for k, v in last_seqs.items()} == {device.client_id: 10 for device, _, _ in outcomes}
        seqs = [db.session.get(Observation, uuid.UUID(oid)).change_seq for oid in observations]  # type: ignore[union-attr]
        assert seqs == sorted(set(seqs)), "a full pull lists changes in strictly increasing change_seq"
        db.session.remove()
