"""Schemas of the observation mutations' arguments and of the read endpoints, and the payloads of sync."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from marshmallow import Schema, fields, validate

if TYPE_CHECKING:
    from backend.observations.models import ActionStep, FeedbackResponse, Observation

GROUPINGS = ("whole_class", "small_group", "one_on_one")
TEXT_MAX = 10_000


class ContextArgs(Schema):
    subject = fields.String(load_default="", validate=validate.Length(max=100))
    grade = fields.String(load_default="", validate=validate.Length(max=40))
    grouping = fields.String(load_default="whole_class", validate=validate.OneOf(GROUPINGS))


class EvidenceArgs(Schema):
    at = fields.AwareDateTime(required=True, format="iso")
    text = fields.String(required=True, validate=validate.Length(min=1, max=TEXT_MAX))


class ObservationSaveArgs(Schema):
    id = fields.UUID(required=True)
    base_version = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1))
    educator_id = fields.UUID(required=True)
    rubric_id = fields.UUID(required=True)
    observed_at = fields.AwareDateTime(required=True, format="iso")
    duration_minutes = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=0, max=600)
    )
    context = fields.Nested(ContextArgs, load_default=lambda: ContextArgs().load({}))
    # Keys are checked against the rubric's indicators by the service, which knows them.
    scores = fields.Dict(values=fields.Integer(strict=True), load_default=dict)
    evidence = fields.List(fields.Nested(EvidenceArgs), load_default=list, validate=validate.Length(max=500))
    glow = fields.String(load_default="", validate=validate.Length(max=TEXT_MAX))
    grow = fields.String(load_default="", validate=validate.Length(max=TEXT_MAX))
    action_step = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=TEXT_MAX))
    follows_up = fields.UUID(load_default=None, allow_none=True)


class VersionedArgs(Schema):
    id = fields.UUID(required=True)
    base_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class FeedbackAcknowledgeArgs(Schema):
    observation_id = fields.UUID(required=True)


class FeedbackReflectArgs(Schema):
    observation_id = fields.UUID(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=TEXT_MAX))


class ActionStepUpdateArgs(Schema):
    id = fields.UUID(required=True)
    base_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    status = fields.String(required=True, validate=validate.OneOf(("open", "mastered")))
    note = fields.String(load_default="", allow_none=True, validate=validate.Length(max=TEXT_MAX))


class ObservationQueryArgs(Schema):
    status = fields.String(validate=validate.OneOf(("draft", "published")))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class ObservationSchema(Schema):
    id = fields.String()
    school_id = fields.String()
    observer_id = fields.String()
    educator_id = fields.String()
    rubric_id = fields.String()
    observed_at = fields.String()
    duration_minutes = fields.Integer(allow_none=True)
    context = fields.Dict()
    scores = fields.Dict(keys=fields.String(), values=fields.Integer())
    evidence = fields.List(fields.Dict())
    glow = fields.String()
    grow = fields.String()
    action_step = fields.String(allow_none=True)
    action_step_id = fields.String(allow_none=True)
    follows_up = fields.String(allow_none=True)
    status = fields.String()
    published_at = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()
    version = fields.Integer()


class ActionStepSchema(Schema):
    id = fields.String()
    observation_id = fields.String()
    educator_id = fields.String()
    text = fields.String()
    status = fields.String()
    note = fields.String()
    status_at = fields.String(allow_none=True)
    version = fields.Integer()


class ObservationListSchema(Schema):
    observations = fields.List(fields.Nested(ObservationSchema))


class ActionStepListSchema(Schema):
    action_steps = fields.List(fields.Nested(ActionStepSchema))


# ---- payloads: the `data` of a pull entry (plain dicts, built fast: a pull page holds a thousand) ---


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class StepText(Protocol):
    """What an observation's payload needs of its action step (a model or a plain row)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def text(self) -> str: ...
    @property
    def deleted_at(self) -> datetime | None: ...


def observation_payload(obs: Observation, step: StepText | None = None) -> dict[str, Any]:
    live_step = step if step is not None and step.deleted_at is None else None
    return {
        "id": str(obs.id),
        "school_id": str(obs.school_id),
        "observer_id": str(obs.observer_id),
        "educator_id": str(obs.educator_id),
        "rubric_id": str(obs.rubric_id),
        "observed_at": _iso(obs.observed_at),
        "duration_minutes": obs.duration_minutes,
        "context": obs.context,
        "scores": obs.scores,
        "evidence": obs.evidence,
        "glow": obs.glow,
        "grow": obs.grow,
        "action_step": live_step.text if live_step else None,
        "action_step_id": str(live_step.id) if live_step else None,
        "follows_up": str(obs.follows_up_id) if obs.follows_up_id else None,
        "status": obs.status,
        "published_at": _iso(obs.published_at),
        "created_at": _iso(obs.created_at),
        "updated_at": _iso(obs.updated_at),
    }


def action_step_payload(step: ActionStep) -> dict[str, Any]:
    return {
        "id": str(step.id),
        "observation_id": str(step.observation_id),
        "educator_id": str(step.educator_id),
        "text": step.text,
        "status": step.status,
        "note": step.note,
        "status_at": _iso(step.status_at),
    }


def feedback_payload(response: FeedbackResponse) -> dict[str, Any]:
    return {
        "id": str(response.id),
        "observation_id": str(response.observation_id),
        "educator_id": str(response.educator_id),
        "seen_at": _iso(response.seen_at),
        "acknowledged_at": _iso(response.acknowledged_at),
        "reflection": response.reflection,
    }


def entry(kind: str, row: Any, data: dict[str, Any] | None) -> dict[str, Any]:
    """A pull entry; a deleted row travels as a tombstone without data."""
    if row.deleted_at is not None or data is None:
        return {"type": kind, "id": str(row.id), "version": row.version, "deleted": True}
    return {"type": kind, "id": str(row.id), "version": row.version, "deleted": False, "data": data}
