"""What the roster endpoints answer."""

from marshmallow import Schema, fields


class PersonRefSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    email = fields.String()
    career_stage = fields.String(allow_none=True)


class TeamSchema(Schema):
    id = fields.UUID()
    school_id = fields.UUID()
    name = fields.String()
    leaders = fields.List(fields.Nested(PersonRefSchema))
    members = fields.List(fields.Nested(PersonRefSchema))


class TeamRoleSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    team_role = fields.String(metadata={"description": "leader or member"})


class SchoolSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    district_id = fields.UUID()


class RosterEntrySchema(PersonRefSchema):
    role = fields.String(metadata={"description": "admin or staff"})
    teams = fields.List(fields.Nested(TeamRoleSchema))


class RosterSchema(Schema):
    school = fields.Nested(SchoolSchema)
    people = fields.List(fields.Nested(RosterEntrySchema))


class StagePeriodSchema(Schema):
    stage = fields.String()
    started_on = fields.Date()


class PersonDetailSchema(PersonRefSchema):
    career_history = fields.List(fields.Nested(StagePeriodSchema))
    teams = fields.List(fields.Nested(TeamRoleSchema))
