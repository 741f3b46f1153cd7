"""Rubric versions, the career path and the cadence targets: stored and served from the validated files."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.config import ROOT
from backend.db import touch
from backend.errors import Invalid, NotFound
from backend.org.models import School
from backend.rubrics.models import Rubric
from backend.rubrics.validation import (
    CAREER_PATH,
    SCHEMA_OF,
    SCHEMAS,
    TARGETS,
    Problem,
    RubricFileError,
    career_problems,
    checked,
    schema_problems,
    validate_directory,
)

__all__ = ["LoadReport", "LoadedFile", "Problem", "RubricFileError", "validate_directory"]


@dataclass(frozen=True)
class LoadedFile:
    """What loading did with one rubric file."""

    file: str
    key: str
    version: int  # the stored version that now matches the file
    new: bool

    def summary(self) -> str:
        if not self.new:
            return f"{self.key}: unchanged (version {self.version})"
        return f"{self.key}: version {self.version} stored ({'new' if self.version == 1 else 'changed'})"


@dataclass
class LoadReport:
    """What loading did with each rubric file, in file-name order."""

    files: list[LoadedFile] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return sum(f.new for f in self.files)


# ---- storing rubric versions ---------------------------------------------------------------------


def _content(document: dict[str, Any]) -> dict[str, Any]:
    # The file's `version` is informational: the stored version is assigned here, so it is not content.
    return {k: v for k, v in document.items() if k != "version"}


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_directory(session: Session, directory: Path) -> LoadReport:
    """Validate every file, then store a new version of each rubric whose content differs from its latest.

    Stored versions are never altered; loading the same files again stores nothing. Flushes, never commits.
    """
    report = LoadReport()
    for name, document in validate_directory(directory).items():
        content = _content(document)
        digest = content_hash(content)
        latest = session.scalars(
            select(Rubric).where(Rubric.key == content["key"]).order_by(Rubric.rubric_version.desc()).limit(1)
        ).first()
        # Compared with the latest only, so a file reverted to older text becomes the newest version again.
        if latest is not None and latest.content_hash == digest:
            report.files.append(LoadedFile(name, latest.key, latest.rubric_version, new=False))
            continue
        rubric = Rubric(
            key=content["key"],
            rubric_version=(latest.rubric_version if latest else 0) + 1,
            title=content["title"],
            cadence=content["cadence"],
            applies_to=list(content["applies_to"]),
            content=content,
            content_hash=digest,
        )
        touch(session, rubric)
        session.add(rubric)
        report.files.append(LoadedFile(name, rubric.key, rubric.rubric_version, new=True))
    session.flush()
    return report


def rubric_payload(rubric: Rubric) -> dict[str, Any]:
    """The one rubric shape of DESIGN §4, for the API and the sync payload."""
    content = rubric.content
    return {
        "id": str(rubric.id),
        "key": rubric.key,
        "version": rubric.rubric_version,
        "title": rubric.title,
        "cadence": rubric.cadence,
        "applies_to": list(rubric.applies_to),
        "scale": content["scale"],
        "domains": content["domains"],
    }


def get_rubric(session: Session, rubric_id: Any) -> Rubric:
    rubric = session.get(Rubric, rubric_id)
    if rubric is None:
        raise NotFound("No such rubric.")
    return rubric


def latest_rubrics(session: Session) -> list[Rubric]:
    """The newest version of each rubric, by key."""
    newest = (
        select(Rubric.key, func.max(Rubric.rubric_version).label("v"))
        .where(Rubric.deleted_at.is_(None))
        .group_by(Rubric.key)
        .subquery()
    )
    return list(
        session.scalars(
            select(Rubric)
            .join(newest, (Rubric.key == newest.c.key) & (Rubric.rubric_version == newest.c.v))
            .order_by(Rubric.key)
        )
    )


def all_rubrics(session: Session) -> list[Rubric]:
    return list(session.scalars(select(Rubric).order_by(Rubric.key, Rubric.rubric_version)))


def applies_to_stage(rubric: Rubric, stage: str | None) -> bool:
    """Whether a rubric may be used for an educator at this career stage (no stage: never)."""
    return stage is not None and stage in rubric.applies_to


# ---- career path and cadence targets -------------------------------------------------------------


def default_directory() -> Path:
    if has_app_context():
        return Path(current_app.config["RUBRICS_DIR"])
    return ROOT / "rubrics"


@lru_cache(maxsize=16)
def _checked_cached(path: str, schema: str, _mtimes: tuple[int, int]) -> Any:
    return checked(Path(path), schema)


def _special(name: str, directory: Path | None) -> Any:
    """Read the career path or the targets, validated; cached until the file or its schema changes."""
    path, schema = (directory or default_directory()) / name, SCHEMA_OF[name]
    if not path.is_file():
        raise RubricFileError([Problem(name, "top level", "the file is missing")])
    mtimes = (path.stat().st_mtime_ns, (SCHEMAS / schema).stat().st_mtime_ns)
    return copy.deepcopy(_checked_cached(str(path), schema, mtimes))  # callers may change their copy


def career_path(directory: Path | None = None) -> dict[str, Any]:
    """The validated career path: `stages` in order, each with `next_criteria`."""
    document: dict[str, Any] = _special(CAREER_PATH, directory)
    problems = career_problems(document)
    if problems:
        raise RubricFileError(problems)
    return document


def stage_keys(directory: Path | None = None) -> list[str]:
    return [stage["key"] for stage in career_path(directory)["stages"]]


def validate_targets(targets: dict[str, Any], directory: Path | None = None) -> dict[str, Any]:
    """Overlay target overrides on the defaults; raise Invalid, field by field, if the result is wrong."""
    merged = {**_special(TARGETS, directory), **targets}
    problems = schema_problems("targets", merged, SCHEMAS / SCHEMA_OF[TARGETS])
    if problems:
        raise Invalid("The cadence targets are not valid.", {p.place: p.message for p in problems})
    return merged


def cadence_targets(school: School, directory: Path | None = None) -> dict[str, Any]:
    """A school's cadence targets: the shipped defaults overlaid with `school.targets`."""
    return validate_targets(dict(school.targets or {}), directory)
