"""The push and pull payloads of DESIGN §5."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

MAX_MUTATIONS = 1000
MAX_PULL_LIMIT = 1000


class MutationArgs(Schema):
    id = fields.UUID(required=True)
    seq = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    name = fields.String(required=True, validate=validate.Length(max=200))
    args = fields.Dict(load_default=dict)  # checked field by field per mutation name, in sync.service


class PushArgs(Schema):
    client_id = fields.UUID(required=True)
    mutations = fields.List(
        fields.Nested(MutationArgs), required=True, validate=validate.Length(max=MAX_MUTATIONS)
    )


class MutationResultSchema(Schema):
    id = fields.String(required=True)
    status = fields.String(
        required=True, validate=validate.OneOf(("applied", "duplicate", "conflict", "rejected", "gap"))
    )
    version = fields.Integer()
    message = fields.String()
    errors = fields.Dict()
    current = fields.Dict()
    resend_from = fields.Integer()


class PushResultSchema(Schema):
    results = fields.List(fields.Nested(MutationResultSchema), required=True)
    resend_from = fields.Integer()


class PullQueryArgs(Schema):
    cursor = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1))


class ChangeSchema(Schema):
    type = fields.String(required=True)
    id = fields.String(required=True)
    version = fields.Integer(required=True)
    deleted = fields.Boolean(required=True)
    data = fields.Dict()


class PullResultSchema(Schema):
    changes = fields.List(fields.Nested(ChangeSchema), required=True)
    cursor = fields.Integer(required=True)
    has_more = fields.Boolean(required=True)
