"""Who belongs where, and the questions every other domain asks about it."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from backend.db import touch
from backend.errors import NotFound
from backend.org.models import (
    CareerStage,
    DistrictAdmin,
    Membership,
    Person,
    School,
    Team,
    TeamLeader,
    TeamMember,
)


def admin_school_ids_q(person_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """Schools a person administers: as a school admin, or through a district they administer."""
    direct = select(Membership.school_id).where(Membership.person_id == person_id, Membership.role == "admin")
    district = (
        select(School.id)
        .join(DistrictAdmin, DistrictAdmin.district_id == School.district_id)
        .where(DistrictAdmin.person_id == person_id)
    )
    return direct.union(district)  # type: ignore[return-value]


def school_ids_q(person_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """Schools a person belongs to in any role."""
    return select(Membership.school_id).where(Membership.person_id == person_id).union(  # type: ignore[return-value]
        admin_school_ids_q(person_id)
    )


def led_team_ids_q(person_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    return select(TeamLeader.team_id).where(TeamLeader.person_id == person_id)


def my_team_ids_q(person_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """Teams a person leads or belongs to."""
    return led_team_ids_q(person_id).union(  # type: ignore[return-value]
        select(TeamMember.team_id).where(TeamMember.person_id == person_id)
    )


def led_member_ids_q(person_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """Educators on the teams a person leads."""
    return select(TeamMember.person_id).where(TeamMember.team_id.in_(led_team_ids_q(person_id)))


def leader_ids_of_q(educator_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """MCLs who lead a team the educator is on."""
    teams = select(TeamMember.team_id).where(TeamMember.person_id == educator_id)
    return select(TeamLeader.person_id).where(TeamLeader.team_id.in_(teams))


def visible_person_ids_q(person_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """People someone sees: themself, everyone on teams they lead or join, and their schools' staff if admin."""
    teams = my_team_ids_q(person_id)
    return (
        select(TeamMember.person_id)
        .where(TeamMember.team_id.in_(teams))
        .union(
            select(TeamLeader.person_id).where(TeamLeader.team_id.in_(teams)),
            select(Membership.person_id).where(Membership.school_id.in_(admin_school_ids_q(person_id))),
            select(Person.id).where(Person.id == person_id),
        )
    )  # type: ignore[return-value]


def visible_team_ids_q(person_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    return my_team_ids_q(person_id).union(  # type: ignore[return-value]
        select(Team.id).where(Team.school_id.in_(admin_school_ids_q(person_id)))
    )


def get_person(session: Session, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("No such person.")
    return person


def school_of(session: Session, person_id: uuid.UUID) -> uuid.UUID | None:
    """The school a staff member works in (their first membership)."""
    return session.scalars(
        select(Membership.school_id).where(Membership.person_id == person_id).order_by(Membership.role.desc())
    ).first()


def observable_school(session: Session, actor_id: uuid.UUID, educator_id: uuid.UUID) -> uuid.UUID | None:
    """The school in which `actor` may observe `educator`, or None when they may not.

    MCLs observe the members of the teams they lead; admins, the staff of the schools they administer.
    """
    via_team = session.scalars(
        select(Team.school_id)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .join(TeamLeader, TeamLeader.team_id == Team.id)
        .where(TeamMember.person_id == educator_id, TeamLeader.person_id == actor_id)
    ).first()
    if via_team is not None:
        return via_team
    return session.scalars(
        select(Membership.school_id).where(
            Membership.person_id == educator_id, Membership.school_id.in_(admin_school_ids_q(actor_id))
        )
    ).first()


def is_admin_of(session: Session, actor_id: uuid.UUID, school_id: uuid.UUID) -> bool:
    return session.scalar(
        select(School.id).where(School.id == school_id, School.id.in_(admin_school_ids_q(actor_id)))
    ) is not None


def roles_of(session: Session, person_id: uuid.UUID) -> list[str]:
    roles = set(session.scalars(select(Membership.role).where(Membership.person_id == person_id)))
    if session.scalar(select(DistrictAdmin.id).where(DistrictAdmin.person_id == person_id)):
        roles.add("district_admin")
    if session.scalar(select(TeamLeader.team_id).where(TeamLeader.person_id == person_id)):
        roles.add("mcl")
    return sorted(roles)


def schools_of(session: Session, person_id: uuid.UUID) -> list[School]:
    return list(session.scalars(select(School).where(School.id.in_(school_ids_q(person_id))).order_by(School.name)))


def teams_of(session: Session, person_id: uuid.UUID) -> list[Team]:
    return list(
        session.scalars(
            select(Team).where(Team.id.in_(my_team_ids_q(person_id)), Team.deleted_at.is_(None)).order_by(Team.name)
        )
    )


def school_roster(session: Session, actor_id: uuid.UUID, school_id: uuid.UUID) -> tuple[School, list[Person]]:
    """Everyone in a school, for its admins. Others get NotFound, so schools stay invisible to them."""
    school = session.get(School, school_id)
    if school is None or not is_admin_of(session, actor_id, school_id):
        raise NotFound("No such school.")
    people = session.scalars(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.school_id == school_id)
        .order_by(Person.name)
    )
    return school, list(people)


def team_payload(team: Team) -> dict[str, object]:
    return {
        "id": str(team.id),
        "school_id": str(team.school_id),
        "name": team.name,
        "leader_ids": sorted(str(x.person_id) for x in team.leaders),
        "member_ids": sorted(str(x.person_id) for x in team.members),
    }


def person_payload(person: Person) -> dict[str, object]:
    return {"id": str(person.id), "name": person.name, "email": person.email, "career_stage": person.career_stage}


def set_career_stage(session: Session, person: Person, stage: str, started_on: date) -> bool:
    """Record a stage change (history kept); return whether anything changed."""
    if person.career_stage == stage:
        return False
    existing = next((s for s in person.stages if s.started_on == started_on), None)
    if existing is not None:
        existing.stage = stage
    else:
        person.stages.append(CareerStage(stage=stage, started_on=started_on))
    person.career_stage = stage
    touch(session, person)
    return True


def people_by_ids(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, Person]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(or_(Person.id.in_(ids))))}
