from marshmallow import Schema, fields, validate

CRITERION_KINDS = ["domain_average", "indicator_min", "mastered_action_steps", "weeks_at_stage"]


class ScaleLevelSchema(Schema):
    level = fields.Integer(required=True)
    label = fields.String(required=True)


class IndicatorSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    descriptors = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "Text by level"},
    )


class DomainSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    indicators = fields.List(fields.Nested(IndicatorSchema), required=True)


class RubricSchema(Schema):
    """One rubric version; observations point to its `id`."""

    id = fields.UUID(required=True)
    key = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "Stored version of this rubric key"})
    title = fields.String(required=True)
    cadence = fields.String(required=True, validate=validate.OneOf(["daily", "weekly"]))
    applies_to = fields.List(fields.String(), required=True, metadata={"description": "Career stage keys."})
    scale = fields.List(fields.Nested(ScaleLevelSchema), required=True)
    domains = fields.List(fields.Nested(DomainSchema), required=True)


class RubricQueryArgs(Schema):
    all = fields.Boolean(load_default=False, metadata={"description": "Every version, not only the latest"})


class CriterionSchema(Schema):
    """Evidence of readiness for the next stage; which fields are present depends on `kind`."""

    key = fields.String(required=True)
    description = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CRITERION_KINDS))
    rubric = fields.String()
    domain = fields.String()
    indicator = fields.String()
    min = fields.Float(metadata={"description": "Lowest mean (domain_average) or score (indicator_min)"})
    weeks = fields.Integer(metadata={"description": "Window of recent weeks, or weeks at the stage."})
    min_observations = fields.Integer()
    count = fields.Integer(metadata={"description": "Action steps mastered since the stage began."})


class StageSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    next_criteria = fields.List(fields.Nested(CriterionSchema), required=True)


class CareerPathSchema(Schema):
    stages = fields.List(fields.Nested(StageSchema), required=True)
