"""Districts, schools, people, memberships, teams and career stages."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import Base, Synced, new_uuid, utcnow


class District(Base):
    __tablename__ = "district"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200))


class School(Synced, Base):
    __tablename__ = "school"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    district_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("district.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    # Cadence targets that differ from the shipped defaults (rubrics/cadence-targets.yaml).
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Person(Synced, Base):
    __tablename__ = "person"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    career_stage: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    stages: Mapped[list[CareerStage]] = relationship(
        back_populates="person", order_by="CareerStage.started_on", cascade="all, delete-orphan"
    )


class CareerStage(Base):
    """One period of a person's career: the stage key and the day it began (history is kept)."""

    __tablename__ = "career_stage"
    __table_args__ = (UniqueConstraint("person_id", "started_on", name="uq_career_stage_person_day"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(64))
    started_on: Mapped[date] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="stages")


class Membership(Base):
    """A person's role in a school: `admin` or `staff`."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("person_id", "school_id", name="uq_membership_person_school"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))


class DistrictAdmin(Base):
    """A person who administers every school of a district."""

    __tablename__ = "district_admin"
    __table_args__ = (UniqueConstraint("person_id", "district_id", name="uq_district_admin_person_district"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    district_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"), index=True)


class Team(Synced, Base):
    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("school_id", "name", name="uq_team_school_name"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    leaders: Mapped[list[TeamLeader]] = relationship(cascade="all, delete-orphan")
    members: Mapped[list[TeamMember]] = relationship(cascade="all, delete-orphan")


class TeamLeader(Base):
    __tablename__ = "team_leader"
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class TeamMember(Base):
    __tablename__ = "team_member"
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )
