"""The demo district: two schools, their teams, and twelve weeks of coaching, made deterministically.

Observations are written only through the observation service (the one write path), with backdated
`now` values so visits, publications and acknowledgements look like real weeks of work. Every random
choice comes from one seeded generator, so the same reference day always gives the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.db import touch
from backend.org.models import District, Membership, Person, School, Team, TeamLeader, TeamMember
from backend.org.service import set_career_stage
from backend.rubrics.models import Rubric

DEMO_PASSWORD = "cadence-demo"
DEMO_DISTRICT = "Cadence Demo District"
WEEKS = 12
SEED = 20250901
LOGINS = {
    "admin@cadence.test": "admin of Maple Grove Elementary",
    "mcl@cadence.test": "MCL leading Team Okafor",
    "teacher@cadence.test": "team teacher on Team Okafor",
    "other-admin@cadence.test": "admin of Riverside Middle",
}


@dataclass(frozen=True)
class Member:
    """One demo educator: stage, where they start on the rubric, how fast they grow, how often seen."""

    name: str
    email: str
    stage: str
    grade: str
    level: float = 2.3
    growth: float = 0.04  # rubric levels per week
    seen: float = 0.85  # share of expected visits that happen
    earlier: tuple[str, int] | None = None  # a previous stage and how many days before today it began


# school name -> team name -> (MCL (name, email), members). The MCLs lead; admins are listed apart.
SCHOOLS: dict[str, dict[str, Any]] = {
    "Maple Grove Elementary": {
        "admin": ("Renée Castillo", "admin@cadence.test"),
        "grades": ["K", "1", "2", "3", "4", "5"],
        "teams": {
            "Team Okafor": (("Grace Okafor", "mcl@cadence.test"), [
                Member("Sam Rivera", "teacher@cadence.test", "team_teacher", "3", 2.1, 0.11,
                       earlier=("reach_associate", 400)),
                Member("Hannah Brooks", "hannah.brooks@cadence.test", "resident", "3", 1.7, 0.09),
                Member("Diego Morales", "diego.morales@cadence.test", "team_reach_teacher", "4", 2.8, 0.03),
                Member("Aisha Bello", "aisha.bello@cadence.test", "reach_associate", "4", 2.0, 0.06),
                Member("Tom Weller", "tom.weller@cadence.test", "team_teacher", "3", 2.4, 0.0, seen=0.2),
            ]),
            "Team Lindqvist": (("Erik Lindqvist", "erik.lindqvist@cadence.test"), [
                Member("Mei Chen", "mei.chen@cadence.test", "master_team_reach_teacher", "1", 3.3, 0.02),
                Member("Jordan Price", "jordan.price@cadence.test", "team_teacher", "K", 2.2, 0.08),
                Member("Lucy Adeyemi", "lucy.adeyemi@cadence.test", "resident", "1", 1.6, 0.12),
                Member("Owen Fitzgerald", "owen.fitzgerald@cadence.test", "team_teacher", "2", 2.5, 0.01,
                       seen=0.25),
            ]),
            "Team Patel": (("Anjali Patel", "anjali.patel@cadence.test"), [
                Member("Carmen Ruiz", "carmen.ruiz@cadence.test", "team_reach_teacher", "5", 2.9, 0.04,
                       earlier=("team_teacher", 500)),
                Member("Noah Kim", "noah.kim@cadence.test", "reach_associate", "5", 1.9, 0.07),
                Member("Fatima Yusuf", "fatima.yusuf@cadence.test", "team_teacher", "4", 2.3, 0.05),
                Member("Ben Carter", "ben.carter@cadence.test", "resident", "5", 1.8, 0.05),
            ]),
        },
    },
    "Riverside Middle": {
        "admin": ("Marcus Bell", "other-admin@cadence.test"),
        "grades": ["6", "7", "8"],
        "teams": {
            "Team Haddad": (("Leila Haddad", "leila.haddad@cadence.test"), [
                Member("Ivy Nguyen", "ivy.nguyen@cadence.test", "team_teacher", "7", 2.4, 0.06),
                Member("Marco Rossi", "marco.rossi@cadence.test", "resident", "6", 1.7, 0.08),
                Member("Sofia Lund", "sofia.lund@cadence.test", "team_reach_teacher", "8", 2.9, 0.02,
                       seen=0.3),
            ]),
        },
    },
}


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)


def needs_seeding(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Person))


def demo_emails_taken(session: Session) -> list[str]:
    emails = [admin[1] for s in SCHOOLS.values() for admin in [s["admin"]]]
    emails += [lead[1] for s in SCHOOLS.values() for lead, _ in s["teams"].values()]
    emails += [m.email for s in SCHOOLS.values() for _, members in s["teams"].values() for m in members]
    return list(session.scalars(select(Person.email).where(Person.email.in_(emails))))


def _person(session: Session, name: str, email: str, password_hash: str) -> Person:
    person = Person(email=email, name=name, password_hash=password_hash)
    touch(session, person)
    session.add(person)
    session.flush()
    return person


def build_roster(session: Session, password_hash: str, today: date) -> dict[str, Any]:
    """Create the district, schools, people and teams; return what the observation generator needs."""
    district = District(name=DEMO_DISTRICT)
    session.add(district)
    session.flush()
    teams: list[tuple[School, Person, list[tuple[Person, Member]]]] = []
    for school_name, spec in SCHOOLS.items():
        school = School(district_id=district.id, name=school_name, targets={})
        touch(session, school)
        session.add(school)
        session.flush()
        admin = _person(session, spec["admin"][0], spec["admin"][1], password_hash)
        session.add(Membership(person_id=admin.id, school_id=school.id, role="admin"))
        for team_name, (lead, members) in spec["teams"].items():
            mcl = _person(session, lead[0], lead[1], password_hash)
            set_career_stage(session, mcl, "multi_classroom_leader", today - timedelta(days=800))
            session.add(Membership(person_id=mcl.id, school_id=school.id, role="staff"))
            team = Team(school_id=school.id, name=team_name)
            touch(session, team)
            session.add(team)
            session.flush()
            session.add(TeamLeader(team_id=team.id, person_id=mcl.id))
            people = []
            for member in members:
                person = _person(session, member.name, member.email, password_hash)
                if member.earlier:
                    stage, days_ago = member.earlier
                    set_career_stage(session, person, stage, today - timedelta(days=days_ago))
                set_career_stage(session, person, member.stage, today - timedelta(days=120))
                session.add(Membership(person_id=person.id, school_id=school.id, role="staff"))
                session.add(TeamMember(team_id=team.id, person_id=person.id))
                people.append((person, member))
            teams.append((school, mcl, people))
    session.flush()
    return {"district": district, "teams": teams}


def ensure_rubrics(session: Session, directory: Path) -> dict[str, Rubric]:
    from backend.rubrics.service import latest_rubrics, load_directory

    if not session.scalar(select(func.count()).select_from(Rubric)):
        load_directory(session, directory)
    return {r.key: r for r in latest_rubrics(session)}


def seed(session: Session, password_hash: str, rubrics_dir: Path, today: date, weeks: int = WEEKS) -> Summary:
    """Build the demo district and its coaching history. Flushes; the caller commits."""
    from backend.demo.history import History

    rubrics = ensure_rubrics(session, rubrics_dir)
    roster = build_roster(session, password_hash, today)
    rng = random.Random(SEED)
    history = History(session, rng, rubrics, today, weeks)
    for school, mcl, people in roster["teams"]:
        grades = SCHOOLS[school.name]["grades"]
        history.team(school, mcl, people, grades)
    session.flush()
    return Summary(history.counts())
