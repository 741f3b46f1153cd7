"""A reference model of the server side of the sync contract (DESIGN §5), for the property tests.

The model handles a pushed batch exactly as the contract says the server must, and predicts each
result; the tests compare the real answers with these predictions and the database with the model.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask

from backend.extensions import db
from backend.rubrics.service import latest_rubrics, load_directory
from tests.conftest import empty_tables, make_district, make_person, make_school, make_team

RUBRIC_KEY = "daily_quick_look"


@dataclass(frozen=True)
class Seeded:
    """Plain values of a freshly seeded world (ORM rows would outlive their session)."""

    mcl_id: str
    teacher_id: str
    rubric_id: str
    indicators: tuple[str, ...]
    levels: tuple[int, ...]
    mcl_email: str
    teacher_email: str


def seed(app: Flask) -> Seeded:
    """Empty every table and make one school, one team (an MCL and a teacher) and the shipped rubrics."""
    _reset_ids()
    with app.app_context():
        empty_tables()
        school = make_school(make_district(), "Maple Elementary")
        teacher = make_person(school, stage="team_teacher", name="Tess Teacher")
        mcl = make_person(school, stage="multi_classroom_leader", name="Mia Leader")
        make_team(school, [mcl], [teacher], "Team Maple")
        load_directory(db.session(), Path(app.config["RUBRICS_DIR"]))
        rubric = next(r for r in latest_rubrics(db.session()) if r.key == RUBRIC_KEY)
        seeded = Seeded(str(mcl.id), str(teacher.id), str(rubric.id), tuple(rubric.indicator_keys()),
                        tuple(rubric.levels()), mcl.email, teacher.email)
        db.session.commit()
        db.session.remove()
    return seeded


def fold(changes: list[dict[str, Any]], into: dict[tuple[str, str], dict[str, Any]] | None = None
         ) -> dict[tuple[str, str], dict[str, Any]]:
    """Fold pull entries the way the app does: later entries replace earlier ones."""
    state = {} if into is None else into
    for change in changes:
        state[(change["type"], change["id"])] = change
    return state


@dataclass
class Obs:
    version: int
    complete: bool
    status: str = "draft"
    deleted: bool = False
    feedback_version: int | None = None
    acknowledged: bool = False


@dataclass
class ServerModel:
    """What the server must hold after the batches it has handled, and the stored result of each mutation."""

    seeded: Seeded
    observations: dict[str, Obs] = field(default_factory=dict)
    last_seq: dict[str, int] = field(default_factory=dict)
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)
    applied_writes: list[tuple[str, str, int]] = field(default_factory=list)  # (type, id, version)

    def handle(self, client_id: str, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Predict the results of a batch (status, and version / resend_from where the contract fixes them)."""
        last = self.last_seq.get(client_id, 0)
        out: list[dict[str, Any]] = []
        resend_from: int | None = None
        for m in batch:
            if resend_from is not None:
                out.append({"status": "gap", "resend_from": resend_from})
            elif m["id"] in self.stored:
                stored = dict(self.stored[m["id"]])
                out.append({**stored, "status": "duplicate"} if stored["status"] == "applied" else stored)
            elif m["seq"] > last + 1:
                resend_from = last + 1
                out.append({"status": "gap", "resend_from": resend_from})
            else:
                assert m["seq"] == last + 1, "the devices never reuse a seq"
                result = self._apply(m["name"], m["args"])
                self.stored[m["id"]] = result
                last = m["seq"]
                out.append(result)
        self.last_seq[client_id] = last
        return out

    def _apply(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, "_" + name.replace(".", "_"), None)
        return {"status": "rejected"} if handler is None else handler(args)

    def _current(self, obs: Obs) -> dict[str, Any]:
        return {"status": "conflict", "current_version": obs.version}

    def _valid_scores(self, scores: dict[str, int]) -> bool:
        return all(k in self.seeded.indicators and v in self.seeded.levels for k, v in scores.items())

    def _observation_save(self, args: dict[str, Any]) -> dict[str, Any]:
        oid, obs = args["id"], self.observations.get(args["id"])
        complete = set(args["scores"]) == set(self.seeded.indicators)
        if args["base_version"] is None:
            if obs is not None:
                return self._current(obs)
            if args["educator_id"] != self.seeded.teacher_id or not self._valid_scores(args["scores"]):
                return {"status": "rejected"}
            self.observations[oid] = Obs(version=1, complete=complete)
            return self._wrote("observation", oid, 1)
        if obs is None:
            return {"status": "rejected"}
        if obs.deleted or obs.version != args["base_version"]:
            return self._current(obs)
        if not self._valid_scores(args["scores"]) or (obs.status == "published" and not complete):
            return {"status": "rejected"}
        obs.version, obs.complete = obs.version + 1, complete
        return self._wrote("observation", oid, obs.version)

    def _observation_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        obs = self.observations.get(args["id"])
        if obs is None:
            return {"status": "rejected"}
        if obs.status == "published" and not obs.deleted:
            return {"status": "applied", "version": obs.version}  # publishing twice changes nothing
        if obs.deleted or obs.version != args["base_version"]:
            return self._current(obs)
        if not obs.complete:
            return {"status": "rejected"}
        obs.version, obs.status = obs.version + 1, "published"
        return self._wrote("observation", args["id"], obs.version)

    def _observation_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        obs = self.observations.get(args["id"])
        if obs is None:
            return {"status": "rejected"}
        if obs.deleted or obs.version != args["base_version"]:
            return self._current(obs)
        obs.version, obs.deleted = obs.version + 1, True
        if obs.feedback_version is not None:
            obs.feedback_version += 1
        return self._wrote("observation", args["id"], obs.version)

    def _feedback(self, args: dict[str, Any], *, acknowledge: bool) -> dict[str, Any]:
        obs = self.observations.get(args["observation_id"])
        if obs is None or obs.status != "published" or obs.deleted:
            return {"status": "rejected"}
        if acknowledge and obs.acknowledged:
            return {"status": "applied", "version": obs.feedback_version}
        obs.feedback_version = 1 if obs.feedback_version is None else obs.feedback_version + 1
        obs.acknowledged = obs.acknowledged or acknowledge
        return self._wrote("feedback_response", args["observation_id"], obs.feedback_version)

    def _feedback_acknowledge(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._feedback(args, acknowledge=True)

    def _feedback_reflect(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._feedback(args, acknowledge=False)

    def _wrote(self, kind: str, oid: str, version: int) -> dict[str, Any]:
        self.applied_writes.append((kind, oid, version))
        return {"status": "applied", "version": version}


def summary(result: dict[str, Any]) -> dict[str, Any]:
    """The part of a real result the model predicts."""
    out: dict[str, Any] = {k: result[k] for k in ("status", "version", "resend_from") if k in result}
    if result["status"] == "conflict":
        out["current_version"] = result["current"]["version"]
    if result["status"] in ("conflict", "rejected", "gap"):
        out.pop("version", None)
    return out


_ids = itertools.count(1)


def new_id() -> str:
    """Ids counted from the start of each example (see `seed`), so Hypothesis can replay and shrink it."""
    return str(uuid.UUID(int=next(_ids), version=4))


def _reset_ids() -> None:
    global _ids
    _ids = itertools.count(1)
