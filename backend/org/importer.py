"""Read a roster CSV into checked rows; every problem is reported with its line number.

This module only reads: `parse` checks each row and the rows against each other; `resolve_schools` and
`check_stage_dates` check what needs the database. `backend.org.roster.apply_roster` writes.
The format is documented in docs/roster-csv.md.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.org.models import District, School

COLUMNS = ("email", "name", "school", "role", "team", "team_role", "career_stage", "stage_started_on")
ROLES = ("admin", "staff")
TEAM_ROLES = ("leader", "member")
# The career path as shipped; the rubrics domain owns the real list (rubrics/career-path file).
FALLBACK_STAGE_KEYS = (
    "resident",
    "reach_associate",
    "team_teacher",
    "team_reach_teacher",
    "master_team_reach_teacher",
    "multi_classroom_leader",
)
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Fields that describe the person rather than one team link: they must agree on every row of an email.
_PERSON_FIELDS = ("name", "school", "role", "career_stage", "stage_started_on")


def stage_keys() -> list[str]:
    """Return the career stage keys the rubrics domain knows, or the shipped list before it loads any."""
    try:
        from backend.rubrics import service as rubrics
    except ImportError:
        return list(FALLBACK_STAGE_KEYS)
    keys = getattr(rubrics, "stage_keys", None)
    if keys is None:
        return list(FALLBACK_STAGE_KEYS)
    return list(keys())


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class Row:
    line: int
    email: str
    name: str
    school: str
    role: str
    team: str
    team_role: str
    career_stage: str
    stage_started_on: date | None

    def person_data(self) -> tuple[Any, ...]:
        return (self.name, self.school.casefold(), self.role, self.career_stage, self.stage_started_on)


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unreadable: bool = False  # the header is wrong: no row can be trusted

    def bad_emails(self) -> set[str]:
        lines = {e.line for e in self.errors}
        return {r.email for r in self.rows if r.line in lines}

    def without_invalid(self) -> tuple[list[Row], list[RowError]]:
        """Keep the people all of whose rows are valid; say which good rows go with a bad one."""
        bad = self.bad_emails()
        error_lines = {e.line for e in self.errors}
        kept = [r for r in self.rows if r.email not in bad]
        notes = [
            RowError(r.line, f"skipped with the invalid rows of {r.email}")
            for r in self.rows
            if r.email in bad and r.line not in error_lines
        ]
        return kept, notes


def _check_row(raw: dict[str, str], line: int, default_school: str | None, known_stages: list[str]) -> Parsed:
    out = Parsed()

    def bad(message: str) -> None:
        out.errors.append(RowError(line, message))

    value = {c: (raw.get(c) or "").strip() for c in COLUMNS}
    email = value["email"].lower()
    if not email:
        bad("missing email")
    elif len(email) > 254 or not _EMAIL.match(email):
        bad(f"bad email {value['email']!r}")
    if not value["name"]:
        bad("missing name")
    elif len(value["name"]) > 200:
        bad("name is longer than 200 characters")
    school = value["school"] or (default_school or "")
    if not school:
        bad("missing school (fill the column or give --school)")
    elif default_school and school.casefold() != default_school.casefold():
        bad(f"school {school!r} is not the school of this import ({default_school!r})")
    role = value["role"].lower() or "staff"
    if role not in ROLES:
        bad(f"unknown role {value['role']!r} (use admin or staff)")
    team, team_role = value["team"], value["team_role"].lower()
    if team_role and team_role not in TEAM_ROLES:
        bad(f"unknown team_role {value['team_role']!r} (use leader, member or leave it blank)")
    if team_role and not team:
        bad("team_role given without a team")
    if len(team) > 200:
        bad("team name is longer than 200 characters")
    stage = value["career_stage"].lower()
    if stage and stage not in known_stages:
        bad(f"unknown career stage {value['career_stage']!r} (one of: {', '.join(known_stages)})")
    started: date | None = None
    if value["stage_started_on"]:
        try:
            if not _ISO_DAY.match(value["stage_started_on"]):
                raise ValueError
            started = date.fromisoformat(value["stage_started_on"])
        except ValueError:
            bad(f"bad date {value['stage_started_on']!r} (use YYYY-MM-DD)")
        if not stage:
            bad("stage_started_on given without a career_stage")
    out.rows.append(
        Row(line, email, value["name"], school, role, team, (team_role or "member") if team else "",
            stage, started)
    )
    return out


def _check_across(parsed: Parsed) -> None:
    """Check that rows of one email agree and that a team name means one team of one school."""
    first_of: dict[str, Row] = {}
    team_school: dict[str, Row] = {}
    links: dict[tuple[str, str], Row] = {}
    for row in parsed.rows:
        first = first_of.setdefault(row.email, row)
        if first is not row and first.person_data() != row.person_data():
            pairs = zip(_PERSON_FIELDS, first.person_data(), row.person_data(), strict=True)
            differing = ", ".join(f for f, a, b in pairs if a != b)
            parsed.errors.append(
                RowError(row.line, f"{row.email} is also on line {first.line} with a different {differing}")
            )
        if not row.team:
            continue
        bound = team_school.setdefault(row.team.casefold(), row)
        if bound.school.casefold() != row.school.casefold():
            parsed.errors.append(
                RowError(row.line, f"team {row.team!r} is a team of {bound.school!r} (line {bound.line}), "
                                   f"not of {row.school!r}")
            )
        link = links.setdefault((row.email, row.team.casefold()), row)
        if link is not row and link.team_role != row.team_role:
            parsed.errors.append(
                RowError(row.line, f"{row.email} is {link.team_role} of {row.team!r} on line {link.line}")
            )


def parse(lines: Iterable[str], default_school: str | None = None) -> Parsed:
    """Check every row of a roster CSV; rows are kept even when invalid so errors can be reported."""
    reader = csv.DictReader(lines)
    parsed = Parsed()
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in ("email", "name") if c not in header]
    if not default_school and "school" not in header:
        missing.append("school")
    if unknown or missing or not header:
        parts = [f"unknown columns: {', '.join(unknown)}"] if unknown else []
        parts += [f"missing columns: {', '.join(missing)}"] if missing else []
        parsed.errors.append(RowError(1, "; ".join(parts) or "the file is empty"))
        parsed.unreadable = True
        return parsed
    reader.fieldnames = header
    known = stage_keys()
    for raw in reader:
        if None in raw:
            parsed.errors.append(RowError(reader.line_num, "more values than columns"))
            continue
        if not any((v or "").strip() for v in raw.values()):
            continue
        one = _check_row(raw, reader.line_num, default_school, known)
        parsed.rows += one.rows
        parsed.errors += one.errors
    _check_across(parsed)
    parsed.errors.sort(key=lambda e: e.line)
    return parsed


@dataclass
class Schools:
    """Where each school name of the file lands: an existing school, or one to create."""

    found: dict[str, School] = field(default_factory=dict)
    to_create: list[str] = field(default_factory=list)
    district: District | None = None
    district_name: str | None = None


def resolve_schools(
    session: Session, rows: list[Row], district_name: str | None
) -> tuple[Schools, list[RowError]]:
    """Find each school by name (within the district when one is given); unknown ones need --district."""
    out = Schools(district_name=district_name)
    errors: list[RowError] = []
    if district_name:
        out.district = session.scalar(
            select(District).where(func.lower(District.name) == district_name.casefold())
        )
    names: dict[str, str] = {}
    for row in rows:
        names.setdefault(row.school.casefold(), row.school)
    for key, name in names.items():
        query = select(School).where(func.lower(School.name) == key)
        if district_name:
            query = query.where(School.district_id == (out.district.id if out.district else None))
        found = list(session.scalars(query))
        problem = None
        if len(found) == 1:
            out.found[key] = found[0]
        elif len(found) > 1:
            problem = f"school {name!r} exists in several districts; give --district"
        elif district_name:
            out.to_create.append(name)
        else:
            problem = f"unknown school {name!r} (give --district to create it)"
        if problem:
            errors += [RowError(r.line, problem) for r in rows if r.school.casefold() == key]
    return out, errors


def check_stage_dates(rows: list[Row], people: dict[str, Any]) -> list[RowError]:
    """A new stage may not start before the current one: history only moves forward."""
    errors = []
    for row in rows:
        person = people.get(row.email)
        if person is None or not row.career_stage or row.career_stage == person.career_stage:
            continue
        current = person.stages[-1] if person.stages else None
        if current and row.stage_started_on and row.stage_started_on < current.started_on:
            errors.append(
                RowError(row.line, f"stage_started_on {row.stage_started_on} is before the current stage "
                                   f"({current.stage} since {current.started_on})")
            )
    return errors
