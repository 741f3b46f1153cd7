from marshmallow import Schema, fields, validate


class LoginArgs(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class SchoolRefSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    district_id = fields.UUID()
    role = fields.String()


class TeamRefSchema(Schema):
    id = fields.UUID()
    school_id = fields.UUID()
    name = fields.String()
    leader_ids = fields.List(fields.UUID())
    member_ids = fields.List(fields.UUID())


class MeSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    email = fields.String()
    career_stage = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    schools = fields.List(fields.Nested(SchoolRefSchema))
    teams = fields.List(fields.Nested(TeamRefSchema))
