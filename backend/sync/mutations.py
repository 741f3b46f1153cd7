"""The mutations a push may carry: their arguments, how each is applied, and the rows a batch reads."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from backend.errors import Conflict, DomainError
from backend.observations import schemas as obs_schemas
from backend.observations import service as observations
from backend.observations.models import ActionStep, FeedbackResponse, Observation
from backend.org.models import Person
from backend.rubrics.models import Rubric

log = logging.getLogger(__name__)

Handler = Callable[[Session, Person, dict[str, Any], datetime], Any]


@dataclass(frozen=True)
class MutationSpec:
    args: Schema
    apply: Handler


MUTATIONS: dict[str, MutationSpec] = {
    "observation.save": MutationSpec(obs_schemas.ObservationSaveArgs(), observations.save_observation),
    "observation.publish": MutationSpec(
        obs_schemas.VersionedArgs(),
        lambda s, actor, a, now: observations.publish_observation(s, actor, a["id"], a["base_version"], now),
    ),
    "observation.delete": MutationSpec(
        obs_schemas.VersionedArgs(),
        lambda s, actor, a, now: observations.delete_observation(s, actor, a["id"], a["base_version"], now),
    ),
    "feedback.acknowledge": MutationSpec(
        obs_schemas.FeedbackAcknowledgeArgs(),
        lambda s, actor, a, now: observations.acknowledge_feedback(s, actor, a["observation_id"], now),
    ),
    "feedback.reflect": MutationSpec(
        obs_schemas.FeedbackReflectArgs(),
        lambda s, actor, a, now: observations.reflect_on_feedback(s, actor, a["observation_id"], a["text"], now),
    ),
    "action_step.update": MutationSpec(
        obs_schemas.ActionStepUpdateArgs(),
        lambda s, actor, a, now: observations.update_action_step(
            s, actor, a["id"], a["base_version"], a["status"], a["note"], now
        ),
    ),
}


def applied(mutation_id: uuid.UUID, row: Any) -> dict[str, Any]:
    return {"id": str(mutation_id), "status": "applied", "version": row.version}


def rejected(mutation_id: uuid.UUID, message: str, errors: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(mutation_id), "status": "rejected", "message": message, "errors": errors}


class Careful(Exception):
    """The fast pass met a mutation that fails: redo the batch one savepoint per mutation."""


@dataclass(frozen=True)
class Prepared:
    """A mutation whose arguments were checked before the batch took any lock."""

    mutation: dict[str, Any]
    spec: MutationSpec | None = None
    args: dict[str, Any] | None = None
    rejection: dict[str, Any] | None = None


def prepare(mutation: dict[str, Any]) -> Prepared:
    mid, name = mutation["id"], mutation["name"]
    spec = MUTATIONS.get(name)
    if spec is None:
        known = ", ".join(sorted(MUTATIONS))
        return Prepared(mutation, rejection=rejected(
            mid, f"Unknown mutation '{name}'.", {"name": [f"Unknown mutation; expected one of {known}."]}))
    try:
        return Prepared(mutation, spec, spec.args.load(mutation["args"]))
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return Prepared(mutation, rejection=rejected(mid, "Some arguments are not valid.", {"args": messages}))


def apply(session: Session, actor: Person, item: Prepared, now: datetime, *, careful: bool) -> dict[str, Any]:
    """Run one mutation and describe the outcome.

    Careful: in its own savepoint, so a failure leaves nothing behind. Fast: without one, and any failure
    aborts the fast pass (`Careful`), whose enclosing savepoint then undoes the whole pass.
    """
    if item.rejection is not None:
        return item.rejection
    assert item.spec is not None and item.args is not None
    mid = item.mutation["id"]
    if not careful:
        try:
            row = item.spec.apply(session, actor, item.args, now)
        except DomainError as exc:
            raise Careful from exc
        return applied(mid, row)
    try:
        with session.begin_nested():
            row = item.spec.apply(session, actor, item.args, now)
            session.flush()
    except Conflict as exc:
        return {"id": str(mid), "status": "conflict", "message": exc.message, "current": exc.current}
    except DomainError as exc:
        return rejected(mid, exc.message, {"args": exc.errors} if exc.errors else {})
    except (IntegrityError, DataError):
        # Validation should have caught it; the savepoint keeps the rest of the batch going.
        log.exception("mutation %s failed in the database", mid)
        return rejected(mid, "The server could not store this change.", {})
    return applied(mid, row)


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


Wanted = dict[type[Any], set[uuid.UUID]]


def rows_touched(mutations: list[dict[str, Any]]) -> tuple[Wanted, dict[uuid.UUID, list[tuple[type[Any], uuid.UUID]]]]:
    """The ids of the rows a batch will read, from its (not yet validated) arguments.

    Also: per observation, the ids derived from it (its action step and response), which cannot exist
    unless the observation does.
    """
    wanted: Wanted = {Observation: set(), ActionStep: set(), FeedbackResponse: set(), Person: set(), Rubric: set()}
    derived: dict[uuid.UUID, list[tuple[type[Any], uuid.UUID]]] = {}
    for mutation in mutations:
        args = mutation["args"] if isinstance(mutation["args"], dict) else {}
        ids = {key: _as_uuid(args.get(key)) for key in ("id", "observation_id", "educator_id", "rubric_id",
                                                          "follows_up")}
        obs_id = ids["observation_id"] or (ids["id"] if mutation["name"].startswith("observation.") else None)
        if obs_id is not None:
            wanted[Observation].add(obs_id)
            derived[obs_id] = [(ActionStep, observations.action_step_id_for(obs_id)),
                               (FeedbackResponse, observations.feedback_id_for(obs_id))]
        for key, model in (("educator_id", Person), ("rubric_id", Rubric), ("follows_up", ActionStep)):
            found = ids[key]
            if found is not None:
                wanted[model].add(found)
        step_id = ids["id"]
        if mutation["name"] == "action_step.update" and step_id is not None:
            wanted[ActionStep].add(step_id)
    return wanted, derived


def missing(session: Session, wanted: Wanted, derived: dict[uuid.UUID, list[tuple[type[Any], uuid.UUID]]]) -> Wanted:
    """Sort what the batch names: rows of stored observations are fetched, the others known absent.

    Narrows `wanted` in place, so a batch of new observations queries for none of them again.
    """
    ids = wanted[Observation]
    existing = set(session.scalars(select(Observation.id).where(Observation.id.in_(ids)))) if ids else set()
    missing: Wanted = {Observation: ids - existing, ActionStep: set(), FeedbackResponse: set()}
    wanted[Observation] = existing
    for obs_id, rows in derived.items():
        for model, row_id in rows:
            (wanted if obs_id in existing else missing)[model].add(row_id)
    return missing
