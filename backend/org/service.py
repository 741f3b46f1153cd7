"""Who belongs where, and the questions every other domain asks about it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import CompoundSelect, Select, select, union
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

if TYPE_CHECKING:
    pass

TeamLink = type[TeamLeader] | type[TeamMember]
TEAM_LINKS: tuple[tuple[TeamLink, str], ...] = ((TeamLeader, "leader"), (TeamMember, "member"))


def _district_school_ids_q(person_id: uuid.UUID) -> Select[Any]:
    return (
        select(School.id)
        .join(DistrictAdmin, DistrictAdmin.district_id == School.district_id)
        .where(DistrictAdmin.person_id == person_id)
    )


def admin_school_ids_q(person_id: uuid.UUID) -> CompoundSelect:
    """Schools a person administers: as a school admin, or through a district they administer."""
    direct = select(Membership.school_id).where(Membership.person_id == person_id, Membership.role == "admin")
    return union(direct, _district_school_ids_q(person_id))


def school_ids_q(person_id: uuid.UUID) -> CompoundSelect:
    """Schools a person belongs to in any role."""
    return union(
        select(Membership.school_id).where(Membership.person_id == person_id), _district_school_ids_q(person_id)
    )


def led_team_ids_q(person_id: uuid.UUID) -> Select[Any]:
    return select(TeamLeader.team_id).where(TeamLeader.person_id == person_id)


def _member_team_ids_q(person_id: uuid.UUID) -> Select[Any]:
    return select(TeamMember.team_id).where(TeamMember.person_id == person_id)


def my_team_ids_q(person_id: uuid.UUID) -> CompoundSelect:
    """Teams a person leads or belongs to."""
    return union(led_team_ids_q(person_id), _member_team_ids_q(person_id))


def led_member_ids_q(person_id: uuid.UUID) -> Select[Any]:
    """Educators on the teams a person leads."""
    return select(TeamMember.person_id).where(TeamMember.team_id.in_(led_team_ids_q(person_id)))


def visible_person_ids_q(person_id: uuid.UUID) -> CompoundSelect:
    """People someone sees: themself, everyone on teams they lead or join, and their schools' staff if admin."""
    teams = my_team_ids_q(person_id)
    return union(
        select(TeamMember.person_id).where(TeamMember.team_id.in_(teams)),
        select(TeamLeader.person_id).where(TeamLeader.team_id.in_(teams)),
        select(Membership.person_id).where(Membership.school_id.in_(admin_school_ids_q(person_id))),
        select(Person.id).where(Person.id == person_id),
    )


def visible_team_ids_q(person_id: uuid.UUID) -> CompoundSelect:
    return union(
        led_team_ids_q(person_id),
        _member_team_ids_q(person_id),
        select(Team.id).where(Team.school_id.in_(admin_school_ids_q(person_id))),
    )


def visible_person(session: Session, actor_id: uuid.UUID, person_id: uuid.UUID) -> Person:
    """A person the actor may see; NotFound otherwise, so people elsewhere stay invisible."""
    person = session.scalar(
        select(Person).where(Person.id == person_id, Person.id.in_(visible_person_ids_q(actor_id)))
    )
    if person is None:
        raise NotFound("No such person.")
    return person


def get_person(session: Session, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("No such person.")
    return person


def observable_school(session: Session, actor_id: uuid.UUID, educator_id: uuid.UUID) -> uuid.UUID | None:
    """The school in which `actor` may observe `educator`, or None when they may not."""
    return observable_schools(session, actor_id, {educator_id}).get(educator_id)


def observable_schools(
    session: Session, actor_id: uuid.UUID, educator_ids: set[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """For each educator `actor` may observe, the school in which they may (one query per path).

    MCLs observe the members of the teams they lead; admins, the staff of the schools they administer.
    """
    if not educator_ids:
        return {}
    found: dict[uuid.UUID, uuid.UUID] = {}
    via_admin = select(Membership.person_id, Membership.school_id).where(
        Membership.person_id.in_(educator_ids), Membership.school_id.in_(admin_school_ids_q(actor_id))
    )
    via_team = (
        select(TeamMember.person_id, Team.school_id)
        .join(Team, TeamMember.team_id == Team.id)
        .join(TeamLeader, TeamLeader.team_id == Team.id)
        .where(TeamMember.person_id.in_(educator_ids), TeamLeader.person_id == actor_id)
    )
    for query in (via_admin, via_team):  # the team's school wins where both apply
        found.update({person_id: school_id for person_id, school_id in session.execute(query)})
    return found


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
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}


# ---- read views of the roster --------------------------------------------------------------------


def my_teams_detail(session: Session, actor_id: uuid.UUID) -> list[dict[str, object]]:
    """Teams someone leads or belongs to, with their leaders and members spelled out."""
    teams = teams_of(session, actor_id)
    ids = {x.person_id for t in teams for x in t.leaders} | {x.person_id for t in teams for x in t.members}
    people = people_by_ids(session, ids)

    def listed(links: Iterable[TeamLeader | TeamMember]) -> list[Person]:
        return sorted((people[link.person_id] for link in links), key=lambda p: (p.name, p.email))

    return [
        {
            "id": t.id, "school_id": t.school_id, "name": t.name,
            "leaders": listed(t.leaders), "members": listed(t.members),
        }
        for t in teams
    ]


def _team_roles(
    session: Session, person_ids: set[uuid.UUID], team_ids: Select[Any] | CompoundSelect[Any]
) -> dict[uuid.UUID, list[dict[str, object]]]:
    out: dict[uuid.UUID, list[dict[str, object]]] = {p: [] for p in person_ids}
    for model, role in TEAM_LINKS:
        rows = session.execute(
            select(model.person_id, Team.id, Team.name)
            .join(Team, Team.id == model.team_id)
            .where(model.person_id.in_(person_ids), Team.id.in_(team_ids), Team.deleted_at.is_(None))
        )
        for pid, team_id, name in rows:
            out[pid].append({"id": team_id, "name": name, "team_role": role})
    for teams in out.values():
        teams.sort(key=lambda t: (str(t["name"]), str(t["team_role"])))
    return out


def roster_detail(session: Session, actor_id: uuid.UUID, school_id: uuid.UUID) -> dict[str, object]:
    """A school's people with role, career stage and teams, for the school's admins (others: NotFound)."""
    school, people = school_roster(session, actor_id, school_id)
    roles = dict(
        session.execute(
            select(Membership.person_id, Membership.role).where(Membership.school_id == school_id)
        ).all()
    )
    teams = _team_roles(session, {p.id for p in people}, select(Team.id).where(Team.school_id == school_id))
    return {
        "school": school,
        "people": [
            {
                "id": p.id, "name": p.name, "email": p.email, "role": roles[p.id],
                "career_stage": p.career_stage, "teams": teams[p.id],
            }
            for p in people
        ],
    }


def person_detail(session: Session, actor_id: uuid.UUID, person_id: uuid.UUID) -> dict[str, object]:
    """A person the actor may see, with stage history and the teams the actor may see them on."""
    person = visible_person(session, actor_id, person_id)
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "career_stage": person.career_stage,
        "career_history": [{"stage": s.stage, "started_on": s.started_on} for s in person.stages],
        "teams": _team_roles(session, {person.id}, visible_team_ids_q(actor_id))[person.id],
    }
