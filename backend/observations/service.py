"""Observations, action steps and feedback responses: every write the app makes lands here.

The sync push calls these functions (as would a CLI or the demo seed); each takes the acting person and
the moment of the action, checks everything before it writes anything, and raises a domain error that
sync turns into `rejected` or `conflict`. They leave flushing to the caller, so that a batch of
observations reaches the database as a few multi-row statements.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from backend.db import add, lookup, memo, memo_put, touch
from backend.errors import Conflict, Invalid, NotFound
from backend.observations.models import ActionStep, FeedbackResponse, Observation
from backend.observations.schemas import action_step_payload, entry, observation_payload
from backend.org import service as org
from backend.org.models import Person
from backend.rubrics.models import Rubric
from backend.rubrics.service import applies_to_stage

_ACTION_STEP_NS = uuid.UUID("6f1c2c64-3a4e-4a55-9c1e-6a8f0e3f2b10")
_FEEDBACK_NS = uuid.UUID("0b7e4a39-8f0f-4c5e-b8a4-2d8f3c6e9a21")
NOT_YOURS = "Only the person who recorded this observation can change it."


def action_step_id_for(observation_id: uuid.UUID) -> uuid.UUID:
    """The id of an observation's action step, derivable on the device too."""
    return uuid.uuid5(_ACTION_STEP_NS, str(observation_id))


def feedback_id_for(observation_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_FEEDBACK_NS, str(observation_id))


# ---- who sees what ---------------------------------------------------------------------------


def visible_observation_clause(person_id: uuid.UUID) -> ColumnElement[bool]:
    """Drafts: their observer only. Published: also the educator, the educator's MCLs, school admins."""
    published = Observation.status == "published"
    return or_(
        Observation.observer_id == person_id,
        and_(
            published,
            or_(
                Observation.educator_id == person_id,
                Observation.educator_id.in_(org.led_member_ids_q(person_id)),
                Observation.school_id.in_(org.admin_school_ids_q(person_id)),
            ),
        ),
    )


def visible_observation_ids_q(person_id: uuid.UUID) -> Any:
    return select(Observation.id).where(visible_observation_clause(person_id))


def observation_entry(session: Session, obs: Observation) -> dict[str, Any]:
    step = lookup(session, ActionStep, action_step_id_for(obs.id))
    return entry("observation", obs, observation_payload(obs, step))


# ---- checks ------------------------------------------------------------------------------------


def observable_school(session: Session, actor_id: uuid.UUID, educator_id: uuid.UUID) -> uuid.UUID | None:
    return memo(session, ("observable", actor_id, educator_id),
                lambda: org.observable_school(session, actor_id, educator_id))


def warm_up(session: Session, actor_id: uuid.UUID, educator_ids: set[uuid.UUID]) -> None:
    """Answer, in one query, whom a batch's actor may observe (inside `db.prefetched`)."""
    schools = org.observable_schools(session, actor_id, educator_ids)
    for educator_id in educator_ids:
        memo_put(session, ("observable", actor_id, educator_id), schools.get(educator_id))


def _owned_observation(session: Session, actor: Person, observation_id: uuid.UUID, base_version: int) -> Observation:
    obs = lookup(session, Observation, observation_id)
    if obs is None or (obs.observer_id != actor.id and not _may_see(session, actor, obs)):
        raise Invalid("There is no such observation.", {"id": ["Unknown observation."]})
    if obs.observer_id != actor.id:
        raise Invalid(NOT_YOURS, {"id": [NOT_YOURS]})
    if obs.deleted_at is not None or obs.version != base_version:
        raise Conflict("The observation changed on the server since this device last saw it.",
                       current=observation_entry(session, obs))
    return obs


def _may_see(session: Session, actor: Person, obs: Observation) -> bool:
    return session.scalar(
        select(Observation.id).where(Observation.id == obs.id, visible_observation_clause(actor.id))
    ) is not None


def _check_scores(rubric: Rubric, scores: dict[str, int], *, complete: bool) -> None:
    keys, levels = rubric.indicator_keys(), rubric.levels()
    errors: dict[str, list[str]] = {}
    for key, level in scores.items():
        if key not in keys:
            errors[key] = [f"'{key}' is not an indicator of {rubric.title}."]
        elif level not in levels:
            errors[key] = [f"{level} is off the scale; use one of {', '.join(map(str, levels))}."]
    if complete:
        for key in keys:
            if key not in scores:
                errors[key] = ["Score this indicator before publishing."]
    if errors:
        raise Invalid("Some scores are not valid.", {"scores": errors})


def _resolve_save(session: Session, actor: Person, args: dict[str, Any]) -> tuple[Person, uuid.UUID, Rubric]:
    """Check the educator, the actor's right to observe them, the rubric and the follow-up."""
    educator = lookup(session, Person, args["educator_id"])
    school_id = observable_school(session, actor.id, educator.id) if educator else None
    if educator is None or school_id is None:
        raise Invalid(
            "You can observe only the members of the teams you lead (or, as an admin, your school's staff).",
            {"educator_id": ["Unknown educator, or not one you may observe."]},
        )
    rubric = lookup(session, Rubric, args["rubric_id"])
    if rubric is None:
        raise Invalid("There is no such rubric.", {"rubric_id": ["Unknown rubric."]})
    if not applies_to_stage(rubric, educator.career_stage):
        stage = (educator.career_stage or "no stage").replace("_", " ")
        raise Invalid(
            f"{rubric.title} does not apply to a {stage}.", {"rubric_id": [f"Does not apply to a {stage}."]}
        )
    follows_up = args.get("follows_up")
    if follows_up is not None:
        step = lookup(session, ActionStep, follows_up)
        if step is None or step.deleted_at is not None or step.educator_id != educator.id:
            raise Invalid("The follow-up must be an action step of this educator.",
                          {"follows_up": ["Unknown action step for this educator."]})
    return educator, school_id, rubric


# ---- writes ------------------------------------------------------------------------------------

_SAVED_FIELDS = ("observed_at", "duration_minutes", "context", "scores", "evidence", "glow", "grow")


def save_observation(session: Session, actor: Person, args: dict[str, Any], now: datetime) -> Observation:
    """Create (base_version None) or update an observation and its action step."""
    obs = lookup(session, Observation, args["id"])
    if args.get("base_version") is None:
        if obs is not None:
            raise Conflict("An observation with this id already exists.", current=observation_entry(session, obs))
    else:
        obs = _owned_observation(session, actor, args["id"], args["base_version"])
        if obs.status == "published" and args["educator_id"] != obs.educator_id:
            raise Invalid("A published observation keeps its educator.",
                          {"educator_id": ["Cannot change once published."]})
    educator, school_id, rubric = _resolve_save(session, actor, args)
    if args.get("follows_up") is not None and (obs is None or args["follows_up"] != obs.follows_up_id):
        _open_follow_up(session, args["follows_up"])
    _check_scores(rubric, args["scores"], complete=obs is not None and obs.status == "published")
    if obs is None:
        obs = Observation(id=args["id"], observer_id=actor.id, status="draft", created_at=now)
        add(session, obs)
    obs.school_id, obs.educator_id, obs.rubric_id = school_id, educator.id, rubric.id
    obs.follows_up_id = args.get("follows_up")
    for name in _SAVED_FIELDS:
        value = args[name]
        if name == "evidence":
            value = [{"at": e["at"].isoformat(), "text": e["text"]} for e in value]
        setattr(obs, name, value)
    obs.updated_at = now
    touch(session, obs)
    _save_action_step(session, obs, args.get("action_step"), now)
    return obs


def _open_follow_up(session: Session, step_id: uuid.UUID | None) -> None:
    step = lookup(session, ActionStep, step_id) if step_id else None
    if step is not None and step.status != "open":
        raise Invalid("Only an open action step can be followed up.",
                      {"follows_up": ["This action step is already mastered."]})


def _save_action_step(session: Session, obs: Observation, text: str | None, now: datetime) -> None:
    text = (text or "").strip()
    step = lookup(session, ActionStep, action_step_id_for(obs.id))
    if not text:
        if step is not None and step.deleted_at is None:
            step.deleted_at = now
            touch(session, step)
        return
    if step is None:
        step = ActionStep(id=action_step_id_for(obs.id), observation_id=obs.id, status="open", note="",
                          created_at=now)
        add(session, step)
    elif step.text == text and step.deleted_at is None and step.educator_id == obs.educator_id:
        return
    step.text, step.educator_id, step.school_id, step.deleted_at = text, obs.educator_id, obs.school_id, None
    touch(session, step)


def _retouch_children(session: Session, obs: Observation, now: datetime, *, delete: bool) -> None:
    """Send an observation's action step and response again: who may see them follows the observation."""
    step = lookup(session, ActionStep, action_step_id_for(obs.id))
    response = lookup(session, FeedbackResponse, feedback_id_for(obs.id))
    for row in (step, response):
        if row is None or (row.deleted_at is not None and not delete):
            continue
        if delete and row.deleted_at is None:
            row.deleted_at = now
            touch(session, row)
        else:
            touch(session, row, bump_version=False)


def publish_observation(
    session: Session, actor: Person, observation_id: uuid.UUID, base_version: int, now: datetime
) -> Observation:
    """Publish feedback; publishing what is already published changes nothing."""
    obs = lookup(session, Observation, observation_id)
    if obs is not None and obs.status == "published" and obs.deleted_at is None and obs.observer_id == actor.id:
        return obs
    obs = _owned_observation(session, actor, observation_id, base_version)
    rubric = lookup(session, Rubric, obs.rubric_id)
    assert rubric is not None
    _check_scores(rubric, obs.scores, complete=True)
    obs.status, obs.published_at, obs.updated_at = "published", now, now
    touch(session, obs)
    _retouch_children(session, obs, now, delete=False)
    return obs


def delete_observation(
    session: Session, actor: Person, observation_id: uuid.UUID, base_version: int, now: datetime
) -> Observation:
    obs = _owned_observation(session, actor, observation_id, base_version)
    obs.deleted_at, obs.updated_at = now, now
    touch(session, obs)
    _retouch_children(session, obs, now, delete=True)
    return obs


def _my_published(session: Session, actor: Person, observation_id: uuid.UUID) -> Observation:
    obs = lookup(session, Observation, observation_id)
    if obs is None or obs.educator_id != actor.id or obs.status != "published" or obs.deleted_at is not None:
        raise Invalid("There is no published feedback for you with this id.",
                      {"observation_id": ["Unknown feedback."]})
    return obs


def _response_for(session: Session, obs: Observation, now: datetime) -> FeedbackResponse:
    response = lookup(session, FeedbackResponse, feedback_id_for(obs.id))
    if response is None:
        response = FeedbackResponse(id=feedback_id_for(obs.id), observation_id=obs.id, educator_id=obs.educator_id,
                                    reflection="")
        add(session, response)
    if response.seen_at is None:
        response.seen_at = now
    return response


def acknowledge_feedback(session: Session, actor: Person, observation_id: uuid.UUID, now: datetime) -> FeedbackResponse:
    """Mark feedback acknowledged; acknowledging twice changes nothing."""
    response = _response_for(session, _my_published(session, actor, observation_id), now)
    if response.acknowledged_at is not None:
        return response
    response.acknowledged_at = now
    touch(session, response)
    return response


def reflect_on_feedback(
    session: Session, actor: Person, observation_id: uuid.UUID, text: str, now: datetime
) -> FeedbackResponse:
    obs = _my_published(session, actor, observation_id)
    response = _response_for(session, obs, now)
    response.reflection, response.reflected_at = text, now
    touch(session, response)
    return response


def update_action_step(
    session: Session, actor: Person, step_id: uuid.UUID, base_version: int, status: str, note: str | None,
    now: datetime,
) -> ActionStep:
    """Mark an action step mastered (or open again); for those who may observe its educator."""
    step = lookup(session, ActionStep, step_id)
    if step is None or observable_school(session, actor.id, step.educator_id) is None:
        raise Invalid("There is no such action step you may change.", {"id": ["Unknown action step."]})
    if step.deleted_at is not None or step.version != base_version:
        raise Conflict("The action step changed on the server since this device last saw it.",
                       current=entry("action_step", step, action_step_payload(step)))
    step.status, step.note = status, note or ""
    step.status_by_id, step.status_at = actor.id, now
    touch(session, step)
    return step


# ---- reads -------------------------------------------------------------------------------------


def my_observations(session: Session, actor: Person, status: str | None, limit: int) -> list[Observation]:
    """Observations I recorded, and published ones about me, newest first."""
    query = select(Observation).where(
        Observation.deleted_at.is_(None),
        or_(Observation.observer_id == actor.id,
            and_(Observation.educator_id == actor.id, Observation.status == "published")),
    )
    if status:
        query = query.where(Observation.status == status)
    return list(session.scalars(query.order_by(Observation.observed_at.desc()).limit(limit)))


def educator_observations(session: Session, actor: Person, educator_id: uuid.UUID, limit: int) -> list[Observation]:
    """An educator's observations that the actor may see; 404 when the educator is not visible to them."""
    org.visible_person(session, actor.id, educator_id)
    query = select(Observation).where(
        Observation.educator_id == educator_id, Observation.deleted_at.is_(None),
        visible_observation_clause(actor.id),
    )
    return list(session.scalars(query.order_by(Observation.observed_at.desc()).limit(limit)))


def get_observation(session: Session, actor: Person, observation_id: uuid.UUID) -> Observation:
    obs = session.scalar(
        select(Observation).where(Observation.id == observation_id, Observation.deleted_at.is_(None),
                                  visible_observation_clause(actor.id))
    )
    if obs is None:
        raise NotFound("No such observation.")
    return obs


def action_steps_for(session: Session, observations: list[Observation]) -> dict[uuid.UUID, ActionStep]:
    ids = [action_step_id_for(o.id) for o in observations]
    if not ids:
        return {}
    return {s.observation_id: s for s in session.scalars(select(ActionStep).where(ActionStep.id.in_(ids)))}


def visible_action_steps(session: Session, actor: Person, educator_id: uuid.UUID | None) -> list[ActionStep]:
    query = select(ActionStep).where(
        ActionStep.deleted_at.is_(None), ActionStep.observation_id.in_(visible_observation_ids_q(actor.id))
    )
    if educator_id is not None:
        query = query.where(ActionStep.educator_id == educator_id)
    return list(session.scalars(query.order_by(ActionStep.created_at.desc())))
