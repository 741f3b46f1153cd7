"""Schemas of the observation mutations' arguments and of the read endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

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
