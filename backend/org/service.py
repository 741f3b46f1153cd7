"""Who belongs where, and the questions every other domain asks about it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import CompoundSelect, Select, delete, func, or_, select, union
from sqlalchemy.orm import Session, selectinload

from backend.db import next_change_seq, touch
from backend.errors import NotFound
from backend.org.models import (
    CareerStage,
    District,
    DistrictAdmin,
    Membership,
    Person,
    School,
    Team,
    TeamLeader,
    TeamMember,
)

if TYPE_CHECKING:
    from backend.org.importer import Row, Schools

TeamLink = type[TeamLeader] | type[TeamMember]
_LINKS: tuple[tuple[TeamLink, str], ...] = ((TeamLeader, "leader"), (TeamMember, "member"))


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
    return {p.id: p for p in session.scalars(select(Person).where(or_(Person.id.in_(ids))))}


# ---- roster import (backend/org/importer.py reads and checks the CSV; this writes it) ------------


@dataclass
class RosterChanges:
    people_created: int = 0
    people_updated: int = 0
    stage_changes: int = 0
    schools_created: int = 0
    teams_created: int = 0
    teams_changed: int = 0
    memberships_changed: int = 0

    def any(self) -> bool:
        return any(vars(self).values())


def people_by_email(session: Session, emails: Iterable[str]) -> dict[str, Person]:
    """Existing people keyed by lower-case email, with their stage history loaded."""
    wanted, found = sorted(set(emails)), {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(Person).options(selectinload(Person.stages)).where(func.lower(Person.email).in_(chunk))
        found.update({p.email.lower(): p for p in session.scalars(query)})
    return found


def _school_admin_ids(session: Session, school_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    direct = select(Membership.person_id).where(
        Membership.school_id.in_(school_ids), Membership.role == "admin"
    )
    district = (
        select(DistrictAdmin.person_id)
        .join(School, School.district_id == DistrictAdmin.district_id)
        .where(School.id.in_(school_ids))
    )
    return set(session.scalars(direct.union(district)))


def apply_roster(
    session: Session,
    rows: list[Row],
    schools: Schools,
    people: dict[str, Person],
    today: date,
    progress: Callable[[int], None] | None = None,
) -> RosterChanges:
    """Make the roster match checked rows, changing (and touching) only what differs.

    People are keyed by email. Each person's team links inside their school become exactly those of
    their rows; people and teams absent from the rows are left alone. Everyone whose sight of other
    rows may change is recorded through the sync domain, from a snapshot taken before any write.
    """
    from backend.sync.service import record_access_changes, visibility_snapshot

    changes = RosterChanges()
    if schools.to_create:
        district = schools.district or District(name=schools.district_name or "District")
        session.add(district)
        session.flush()
        for name in schools.to_create:
            school = School(district_id=district.id, name=name, targets={})
            school.change_seq = next_change_seq(session)
            session.add(school)
            schools.found[name.casefold()] = school
            changes.schools_created += 1
        session.flush()
    by_email: dict[str, list[Row]] = {}
    for row in rows:
        by_email.setdefault(row.email, []).append(row)
    school_ids = {schools.found[r.school.casefold()].id for r in rows}
    teams = {
        (t.school_id, t.name.casefold()): t
        for t in session.scalars(select(Team).where(Team.school_id.in_(school_ids)))
    }
    links: set[tuple[uuid.UUID, uuid.UUID, str]] = set()
    for model, role in _LINKS:
        found = session.execute(
            select(model.team_id, model.person_id).join(Team).where(Team.school_id.in_(school_ids))
        ).all()
        links |= {(team_id, pid, role) for team_id, pid in found}
    team_school = {t.id: t.school_id for t in teams.values()}
    roles = {
        (m.person_id, m.school_id): m
        for m in session.scalars(select(Membership).where(Membership.school_id.in_(school_ids)))
    }

    # Plan first, so the visibility snapshot can be taken before anything is written.
    new_ids = {email: uuid.uuid4() for email in by_email if email not in people}
    new_teams: dict[tuple[uuid.UUID, str], Team] = {}
    add: set[tuple[uuid.UUID, uuid.UUID, str]] = set()
    remove: set[tuple[uuid.UUID, uuid.UUID, str]] = set()
    role_changes: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
    for email, own in by_email.items():
        pid = people[email].id if email in people else new_ids[email]
        school_id = schools.found[own[0].school.casefold()].id
        wanted = set()
        for row in own:
            if not row.team:
                continue
            key = (school_id, row.team.casefold())
            if key not in teams and key not in new_teams:
                new_teams[key] = Team(id=uuid.uuid4(), school_id=school_id, name=row.team)
            team_id = teams[key].id if key in teams else new_teams[key].id
            wanted.add((team_id, pid, row.team_role))
        have = {x for x in links if x[1] == pid and team_school.get(x[0]) == school_id}
        add |= wanted - have
        remove |= have - wanted
        current = roles.get((pid, school_id))
        if current is None or current.role != own[0].role:
            role_changes[pid] = (school_id, own[0].role)
    changed_teams = {t for t, _, _ in add | remove}
    # People created now have never pulled: their first pull starts from nothing and brings all they
    # may see, so only people who already exist need their gains and losses recorded.
    created = set(new_ids.values())
    affected = ({p for t, p, _ in links | add if t in changed_teams} | set(role_changes)) - created
    if role_changes:
        affected |= _school_admin_ids(session, {s for s, _ in role_changes.values()})
    before = visibility_snapshot(session, affected) if affected else None

    for email, own in by_email.items():
        first = own[0]
        person = people.get(email)
        if person is None:
            person = Person(id=new_ids[email], email=email, name=first.name)
            if first.career_stage:
                person.career_stage = first.career_stage
                started = first.stage_started_on or today
                person.stages.append(CareerStage(stage=first.career_stage, started_on=started))
            person.change_seq = next_change_seq(session)
            session.add(person)
            people[email] = person
            changes.people_created += 1
        else:
            renamed = person.name != first.name
            if renamed:
                person.name = first.name
            restaged = bool(first.career_stage) and set_career_stage(
                session, person, first.career_stage, first.stage_started_on or today
            )
            if renamed and not restaged:
                touch(session, person)
            changes.stage_changes += int(restaged)
            changes.people_updated += int(renamed or restaged)
        if progress:
            progress(len(own))
    session.flush()
    for pid, (school_id, role) in role_changes.items():
        if (pid, school_id) in roles:
            roles[(pid, school_id)].role = role
        else:
            session.add(Membership(person_id=pid, school_id=school_id, role=role))
        changes.memberships_changed += 1
    for team in new_teams.values():
        team.change_seq = next_change_seq(session)
        session.add(team)
    changes.teams_created = len(new_teams)
    session.flush()
    link_model = {role: model for model, role in _LINKS}
    for team_id, pid, role in remove:
        session.execute(delete(link_model[role]).where(
            link_model[role].team_id == team_id, link_model[role].person_id == pid))
    for team_id, pid, role in add:
        session.add(link_model[role](team_id=team_id, person_id=pid))
    new_team_ids = {t.id for t in new_teams.values()}
    for team in teams.values():
        if team.id in changed_teams and team.id not in new_team_ids:
            touch(session, team)
            changes.teams_changed += 1
    session.flush()
    for team in teams.values():
        if team.id in changed_teams:
            session.expire(team, ["leaders", "members"])
    if before is not None:
        record_access_changes(session, affected, before)
    return changes


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
    for model, role in _LINKS:
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
    visible = session.scalar(
        select(Person.id).where(Person.id == person_id, Person.id.in_(visible_person_ids_q(actor_id)))
    )
    if visible is None:
        raise NotFound("No such person.")
    person = get_person(session, person_id)
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "career_stage": person.career_stage,
        "career_history": [{"stage": s.stage, "started_on": s.started_on} for s in person.stages],
        "teams": _team_roles(session, {person.id}, visible_team_ids_q(actor_id))[person.id],
    }
