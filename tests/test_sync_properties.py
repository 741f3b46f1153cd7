"""Stateful property test of offline sync: devices with outboxes push, lose answers, resend and pull.

Every answer the real server gives is compared with a reference model of the contract (tests/sync_model.py);
at the end of each run the database, the ledger and every device's pulled state are checked against it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from backend.extensions import db
from backend.observations.models import FeedbackResponse, Observation
from backend.observations.service import feedback_id_for
from backend.sync.models import SyncClient, SyncMutation
from tests.conftest import PASSWORD
from tests.sync_model import ServerModel, fold, new_id, seed, summary

MOSTLY_COMPLETE = st.sampled_from([True, True, True, False])  # a partial draft cannot be published


@dataclass
class Device:
    """One installation: an outbox in seq order, what it has pulled, and what needs attention."""

    name: str
    http: Any
    client_id: str = field(default_factory=new_id)
    seq: int = 0
    outbox: list[dict[str, Any]] = field(default_factory=list)
    attention: list[dict[str, Any]] = field(default_factory=list)
    known: dict[str, int] = field(default_factory=dict)  # observation id -> version last seen
    cursor: int = 0
    pulled: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    answered: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]] = field(default_factory=list)

    def queue(self, name: str, **args: Any) -> None:
        self.seq += 1
        self.outbox.append({"id": new_id(), "seq": self.seq, "name": name, "args": args})


class SyncMachine(RuleBasedStateMachine):
    app: Flask  # set by the test before the run

    def __init__(self) -> None:
        super().__init__()
        self.seeded = seed(self.app)
        self.model = ServerModel(self.seeded)
        self.first_answer: dict[str, dict[str, Any]] = {}
        mcl_http, teacher_http = self._login(self.seeded.mcl_email), self._login(self.seeded.teacher_email)
        # The MCL on a phone and a laptop (one session, two installations); the teacher on one device.
        self.mcl = [Device("phone", mcl_http), Device("laptop", mcl_http)]
        self.teacher = Device("teacher", teacher_http)
        self.devices = [*self.mcl, self.teacher]

    def _login(self, email: str) -> Any:
        http = self.app.test_client()
        response = http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        return http

    # ---- talking to the server ------------------------------------------------------------------

    def _push(self, device: Device, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Push a batch; check every result against the model and against the mutation's first answer."""
        token = device.http.get_cookie("csrf_token").value
        response = device.http.post("/api/sync/push", json={"client_id": device.client_id, "mutations": batch},
                                    headers={"X-CSRF-Token": token})
        assert response.status_code == 200, response.get_json()
        results = response.get_json()["results"]
        expected = self.model.handle(device.client_id, batch)
        assert [r["id"] for r in results] == [m["id"] for m in batch]
        assert [summary(r) for r in results] == expected, [m["name"] for m in batch]
        for mutation, result in zip(batch, results, strict=True):
            self._keeps_its_status(mutation["id"], result)
            event(f"{mutation['name']}: {result['status']}")
        return results

    def _keeps_its_status(self, mid: str, result: dict[str, Any]) -> None:
        if result["status"] == "gap":
            return
        first = self.first_answer.setdefault(mid, result)
        if first is result:
            assert result["status"] != "duplicate", "a new mutation cannot be a duplicate"
        elif first["status"] == "applied":
            assert result == {**first, "status": "duplicate"}
        else:
            assert result == first  # rejected and conflict are stored and answered again as they were

    def _settle(self, device: Device, batch: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
        """Do what the app does with the answers: drop applied/duplicate, keep rejected/conflict aside."""
        device.answered.append((batch, results))
        for mutation, result in zip(batch, results, strict=True):
            if result["status"] == "gap":
                continue
            device.outbox = [m for m in device.outbox if m["id"] != mutation["id"]]
            oid = mutation["args"].get("id")
            if result["status"] in ("applied", "duplicate") and mutation["name"].startswith("observation."):
                device.known[oid] = result["version"]
            elif result["status"] in ("rejected", "conflict"):
                device.attention.append(mutation)
                if result["status"] == "conflict":
                    device.known[oid] = result["current"]["version"]

    def _send(self, device: Device, batch: list[dict[str, Any]]) -> None:
        """Push, and on a gap resend from where the server says, as the app's sync loop does."""
        results = self._push(device, batch)
        self._settle(device, batch, results)
        gaps = [r["resend_from"] for r in results if r["status"] == "gap"]
        if gaps:
            resend = [m for m in device.outbox if m["seq"] >= gaps[0]]
            assert resend and resend[0]["seq"] == gaps[0], "the mutation to resend from is still in the outbox"
            self._settle(device, resend, self._push(device, resend))

    def _pull(self, device: Device, limit: int, *, pages: int = 1_000) -> None:
        for _ in range(pages):
            response = device.http.get(f"/api/sync/pull?cursor={device.cursor}&limit={limit}")
            assert response.status_code == 200
            body = response.get_json()
            assert len(body["changes"]) <= limit and body["cursor"] >= device.cursor
            self._in_change_seq_order(body["changes"], device.cursor, body["cursor"])
            device.cursor = body["cursor"]
            fold(body["changes"], device.pulled)
            for change in body["changes"]:
                if change["type"] == "observation":
                    device.known[change["id"]] = change["version"]
            if not body["has_more"]:
                return

    def _in_change_seq_order(self, changes: list[dict[str, Any]], after: int, upto: int) -> None:
        """Entries come in strictly increasing change_seq, all in (after, upto]: nothing can be skipped."""
        models: dict[str, Any] = {"observation": Observation, "feedback_response": FeedbackResponse}
        seqs = []
        for change in changes:
            if change["type"] in models:
                row = db.session.get(models[change["type"]], uuid.UUID(change["id"]))
                assert row is not None
                seqs.append(row.change_seq)
        db.session.rollback()
        assert seqs == sorted(set(seqs)) and all(after < s <= upto for s in seqs)

    # ---- rules ----------------------------------------------------------------------------------

    @initialize(creates=st.integers(1, 3))
    def start(self, creates: int) -> None:
        """Each MCL device starts with a few synced observations, the first of them published."""
        self._ctx = self.app.app_context()
        self._ctx.push()
        for device in self.mcl:
            for _ in range(creates):
                self.create(self.mcl.index(device), True)
            self._send(device, list(device.outbox))
            first = device.answered[0][0][0]["args"]["id"]
            device.queue("observation.publish", id=first, base_version=1)
            self._send(device, list(device.outbox))

    def _scores(self, complete: bool, off_scale: bool = False) -> dict[str, int]:
        keys = self.seeded.indicators if complete else self.seeded.indicators[:2]
        return {k: (max(self.seeded.levels) + 5 if off_scale else min(self.seeded.levels)) for k in keys}

    def _save_args(self, oid: str, base: int | None, complete: bool, **extra: Any) -> dict[str, Any]:
        return {"id": oid, "base_version": base, "educator_id": self.seeded.teacher_id,
                "rubric_id": self.seeded.rubric_id, "observed_at": "2026-11-02T09:15:00+00:00",
                "duration_minutes": 10, "context": {"subject": "Math", "grade": "4", "grouping": "whole_class"},
                "scores": self._scores(complete), "evidence": [], "glow": "Crisp routines.",
                "grow": "Check understanding.", "action_step": "Ask a hinge question.", "follows_up": None,
                **extra}

    @rule(d=st.integers(0, 1), complete=MOSTLY_COMPLETE)
    def create(self, d: int, complete: bool) -> None:
        self.mcl[d].queue("observation.save", **self._save_args(new_id(), None, complete))

    @precondition(lambda self: any(d.known for d in self.mcl))
    @rule(d=st.integers(0, 1), data=st.data(), action=st.sampled_from(["publish", "edit", "publish", "delete"]),
          complete=MOSTLY_COMPLETE)
    def change(self, d: int, data: st.DataObject, action: str, complete: bool) -> None:
        """Edit, publish or delete what this device last saw, at the version it saw."""
        device = self.mcl[d]
        if not device.known:
            return
        oid = data.draw(st.sampled_from(sorted(device.known)))
        if action == "edit":
            device.queue("observation.save", **self._save_args(oid, device.known[oid], complete, glow=new_id()))
        else:
            device.queue(f"observation.{action}", id=oid, base_version=device.known[oid])

    @precondition(lambda self: self.model.observations)
    @rule(data=st.data(), reflect=st.booleans())
    def teacher_responds(self, data: st.DataObject, reflect: bool) -> None:
        published = sorted(k for k, o in self.model.observations.items() if o.status == "published")
        oid = data.draw(st.sampled_from(published or sorted(self.model.observations)))
        if reflect:
            self.teacher.queue("feedback.reflect", observation_id=oid, text=f"Reflection {new_id()[:8]}")
        else:
            self.teacher.queue("feedback.acknowledge", observation_id=oid)

    @rule(d=st.integers(0, 1), kind=st.sampled_from(["off_scale", "unknown_name", "unknown_educator"]))
    def invalid(self, d: int, kind: str) -> None:
        device = self.mcl[d]
        if kind == "unknown_name":
            device.queue("observation.teleport", id=new_id())
        elif kind == "off_scale":
            device.queue("observation.save", **self._save_args(new_id(), None, True,
                                                               scores=self._scores(True, off_scale=True)))
        else:
            device.queue("observation.save", **self._save_args(new_id(), None, True, educator_id=new_id()))

    def _with_outbox(self, data: st.DataObject, longer_than: int = 0) -> Device | None:
        ready = [d for d in self.devices if len(d.outbox) > longer_than]
        return data.draw(st.sampled_from(ready)) if ready else None

    @rule(data=st.data(), k=st.integers(1, 6))
    def push_prefix(self, data: st.DataObject, k: int) -> None:
        if device := self._with_outbox(data):
            self._send(device, device.outbox[:k])

    @rule(data=st.data(), k=st.integers(1, 6))
    def push_answer_lost(self, data: st.DataObject, k: int) -> None:
        """The server commits, the answer never arrives: the device keeps everything and sends it again."""
        if device := self._with_outbox(data):
            self._push(device, device.outbox[:k])

    @rule(d=st.integers(0, 2), data=st.data())
    def resend_answered_batch(self, d: int, data: st.DataObject) -> None:
        device = self.devices[d]
        if device.answered:
            batch, _ = data.draw(st.sampled_from(device.answered))
            self._push(device, batch)  # _keeps_its_status checks every answer against the first one

    @rule(data=st.data(), skip=st.integers(1, 3))
    def push_out_of_order(self, data: st.DataObject, skip: int) -> None:
        """A later part of the outbox arrives first: a gap unless the earlier part was handled already."""
        if device := self._with_outbox(data, longer_than=skip):
            self._send(device, device.outbox[skip:])

    @rule(d=st.integers(0, 2), limit=st.sampled_from([1, 2, 3, 500]), pages=st.integers(1, 3))
    def pull(self, d: int, limit: int, pages: int) -> None:
        self._pull(self.devices[d], limit, pages=pages)

    @invariant()
    def outboxes_hold_only_unanswered_mutations(self) -> None:
        for device in self.devices:
            seqs = [m["seq"] for m in device.outbox]
            assert seqs == sorted(seqs)
            assert not {m["id"] for m in device.outbox} & {m["id"] for m in device.attention}

    # ---- the end of a run -----------------------------------------------------------------------

    def teardown(self) -> None:
        try:
            for device in self.devices:  # back online for good: everything queued gets its final answer
                while device.outbox:
                    self._send(device, list(device.outbox))
            self._check_server_matches_model()
            for device in self.devices:
                self._pull(device, 500)
                body = device.http.get("/api/sync/pull?cursor=0&limit=1000").get_json()
                assert not body["has_more"] and body["cursor"] == device.cursor
                assert device.pulled == fold(body["changes"]), f"{device.name}: incremental pulls != full pull"
            self._acknowledged_writes_are_visible()
        finally:
            db.session.remove()
            if hasattr(self, "_ctx"):
                self._ctx.pop()

    def _check_server_matches_model(self) -> None:
        session = db.session
        rows = {str(o.id): o for o in session.scalars(select(Observation))}
        assert set(rows) == set(self.model.observations), "each create takes effect exactly once"
        for oid, expected in self.model.observations.items():
            row = rows[oid]
            assert (row.version, row.status, row.deleted_at is not None) == (
                expected.version, expected.status, expected.deleted)
            response = session.get(FeedbackResponse, feedback_id_for(uuid.UUID(oid)))
            assert (response.version if response else None) == expected.feedback_version
        ledger = session.scalars(select(SyncMutation.id)).all()
        assert sorted(str(i) for i in ledger) == sorted(self.model.stored), "one ledger row per handled mutation"
        for client in session.scalars(select(SyncClient)):
            assert client.last_seq == self.model.last_seq[str(client.id)]
        assert session.scalar(select(func.count()).select_from(SyncClient)) == len(self.model.last_seq)
        session.rollback()

    def _acknowledged_writes_are_visible(self) -> None:
        """Every applied write is in a full pull of the person who made it, at least at that version."""
        mcl_state, teacher_state = self.mcl[0].pulled, self.teacher.pulled
        for kind, oid, version in self.model.applied_writes:
            if kind == "observation":
                entry = mcl_state[("observation", oid)]
            else:
                entry = teacher_state[("feedback_response", str(feedback_id_for(uuid.UUID(oid))))]
            assert entry["version"] >= version


def test_paging_never_skips_rows_when_one_row_type_fills_the_page(app: Flask) -> None:
    """Three rubrics follow the roster in change_seq: paging one by one must still bring all three."""
    seeded = seed(app)
    http = app.test_client()
    assert http.post("/api/auth/login", json={"email": seeded.teacher_email, "password": PASSWORD}).status_code == 200
    full = fold(http.get("/api/sync/pull?cursor=0&limit=1000").get_json()["changes"])
    paged: dict[tuple[str, str], dict[str, Any]] = {}
    cursor, has_more = 0, True
    while has_more:
        body = http.get(f"/api/sync/pull?cursor={cursor}&limit=1").get_json()
        fold(body["changes"], paged)
        cursor, has_more = body["cursor"], body["has_more"]
    assert sorted(paged) == sorted(full)


def test_devices_that_lose_answers_and_resend_never_apply_twice_or_lose_a_write(app: Flask) -> None:
    SyncMachine.app = app
    run_state_machine_as_test(
        SyncMachine, settings=settings(max_examples=20, stateful_step_count=35, deadline=None)
    )
