"""Write a checked roster into the database (backend/org/importer.py reads and checks the CSV)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from backend.db import touch
from backend.org.models import (
    CareerStage,
    District,
    DistrictAdmin,
    Membership,
    Person,
    School,
    Team,
)
from backend.org.service import TEAM_LINKS, set_career_stage

if TYPE_CHECKING:
    from backend.org.importer import Row, Schools


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
            touch(session, school)
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
    for model, role in TEAM_LINKS:
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
            touch(session, person)
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
        touch(session, team)
        session.add(team)
    changes.teams_created = len(new_teams)
    session.flush()
    link_model = {role: model for model, role in TEAM_LINKS}
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
