"""Observations, the action steps they give, and the educator's response to the feedback."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import Base, Synced, utcnow


class Observation(Synced, Base):
    __tablename__ = "observation"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # made on the device
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school.id"), index=True)
    observer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    educator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    rubric_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rubric.id"), index=True)
    observed_at: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    glow: Mapped[str] = mapped_column(Text, default="")
    grow: Mapped[str] = mapped_column(Text, default="")
    # The action step this observation follows up; not a foreign key, because action steps point back at
    # observations and a cycle would make the tables hard to create and empty in order.
    follows_up_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActionStep(Synced, Base):
    """The one next step an observation gives; its id is derived from the observation's."""

    __tablename__ = "action_step"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    observation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("observation.id"), unique=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school.id"), index=True)
    educator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    note: Mapped[str] = mapped_column(Text, default="")
    status_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), default=None)
    status_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Declared so a flush inserts observations before the action steps that point at them.
    observation: Mapped[Observation] = relationship(lazy="raise")


class FeedbackResponse(Synced, Base):
    """What the educator did with published feedback. Only the educator writes it."""

    __tablename__ = "feedback_response"
    __table_args__ = (UniqueConstraint("observation_id", name="uq_feedback_response_observation_id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    observation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("observation.id"))
    educator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    seen_at: Mapped[datetime | None] = mapped_column(default=None)
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
    reflection: Mapped[str] = mapped_column(Text, default="")
    reflected_at: Mapped[datetime | None] = mapped_column(default=None)

    observation: Mapped[Observation] = relationship(lazy="raise")
