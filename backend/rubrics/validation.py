"""Read and validate the files of a rubric directory: rubrics, the career path and the cadence targets."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError

from backend.config import ROOT
from backend.errors import Invalid

# The schemas describe what this code understands, so they come with the code, not with the data.
SCHEMAS = ROOT / "rubrics"
RUBRIC_SCHEMA = "schema.json"
CAREER_PATH = "career-path.yaml"
TARGETS = "cadence-targets.yaml"
SCHEMA_OF = {CAREER_PATH: "career-path.schema.json", TARGETS: "cadence-targets.schema.json"}
_KEY_PATTERN = "^[a-z][a-z0-9_]*$"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file: which file, where in it, and what."""

    file: str
    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.place}: {self.message}"


class RubricFileError(Invalid):
    """The rubric directory holds invalid files; nothing was loaded. `problems` lists every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors: dict[str, list[str]] = {}
        for p in problems:
            errors.setdefault(p.file, []).append(f"{p.place}: {p.message}")
        super().__init__("\n".join(str(p) for p in problems), errors)


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate mapping keys, which PyYAML would silently overwrite."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice in this mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def _jsonable(value: Any) -> Any:
    # YAML reads `1: text` with an integer key; JSON (the API and the stored content) has string keys.
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _read(path: Path) -> Any:
    """Parse one YAML file, or raise RubricFileError naming the line of a syntax error."""
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506
    except UnicodeDecodeError:
        raise RubricFileError([Problem(path.name, "top level", "the file is not UTF-8 text")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "top level"
        message = "; ".join(str(x) for x in (exc.context, exc.problem) if x) or "invalid YAML"
        raise RubricFileError([Problem(path.name, place, f"YAML syntax: {message}")]) from None
    except yaml.YAMLError as exc:
        raise RubricFileError([Problem(path.name, "top level", f"YAML syntax: {exc}")]) from None
    if document is None:
        raise RubricFileError([Problem(path.name, "top level", "the file is empty")])
    return _jsonable(document)


@lru_cache(maxsize=16)
def _validator(schema_path: str, _mtime_ns: int) -> Draft202012Validator:
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _place(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "top level"


def _explain(error: ValidationError) -> str:
    if error.validator == "not" and error.validator_value == {}:  # "$defs/absent" in career-path.schema.json
        return "this field does not apply to this kind of criterion"
    if error.validator == "pattern" and error.validator_value == _KEY_PATTERN:
        return f"{error.instance!r} is not a valid key (use a-z, 0-9 and _, starting with a letter)"
    return error.message


def schema_problems(name: str, document: Any, schema_path: Path) -> list[Problem]:
    validator = _validator(str(schema_path), schema_path.stat().st_mtime_ns)
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p).zfill(6) for p in e.absolute_path])
    return [Problem(name, _place(e.absolute_path), _explain(e)) for e in errors]


def checked(path: Path, schema: str) -> Any:
    """Read a YAML file and validate it against one of the shipped schemas."""
    document = _read(path)
    problems = schema_problems(path.name, document, SCHEMAS / schema)
    if problems:
        raise RubricFileError(problems)
    return document


def _rubric_problems(name: str, doc: dict[str, Any], stages: list[str] | None) -> list[Problem]:
    """Check what the schema cannot: unique levels and keys, a descriptor per level, known stages."""
    problems: list[Problem] = []

    def add(place: str, message: str) -> None:
        problems.append(Problem(name, place, message))

    levels: list[int] = []
    for i, step in enumerate(doc["scale"]):
        if not isinstance(step["level"], int):
            add(f"scale[{i}].level", "write the level as a whole number")
        elif step["level"] in levels:
            add(f"scale[{i}].level", f"level {step['level']} is listed twice")
        levels.append(step["level"])
    wanted, scale = {str(level) for level in levels}, ", ".join(str(x) for x in levels)
    domains: dict[str, str] = {}
    indicators: dict[str, str] = {}
    for d, domain in enumerate(doc["domains"]):
        here = f"domains[{d}]"
        if domain["key"] in domains:
            add(f"{here}.key", f"domain key {domain['key']!r} is also used at {domains[domain['key']]}")
        domains.setdefault(domain["key"], here)
        for i, indicator in enumerate(domain["indicators"]):
            at, key = f"{here}.indicators[{i}]", indicator["key"]
            if key in indicators:
                add(f"{at}.key", f"indicator key {key!r} is also used at {indicators[key]}")
            indicators.setdefault(key, at)
            descriptors = indicator["descriptors"]
            for level in sorted(wanted - set(descriptors), key=int):
                add(f"{at}.descriptors", f"indicator {key!r} has no descriptor for level {level}")
            for level in sorted(set(descriptors) - wanted, key=int):
                add(f"{at}.descriptors.{level}", f"level {level} is not on the scale ({scale})")
    for i, stage in enumerate(doc["applies_to"]):
        if stages is not None and stage not in stages:
            add(f"applies_to[{i}]", f"{stage!r} is not a stage of {CAREER_PATH}")
    return problems


def career_problems(doc: dict[str, Any]) -> list[Problem]:
    """Check what the schema cannot: unique keys, and no criteria after the last stage."""
    problems: list[Problem] = []

    def add(place: str, message: str) -> None:
        problems.append(Problem(CAREER_PATH, place, message))

    seen: set[str] = set()
    for s, stage in enumerate(doc["stages"]):
        here = f"stages[{s}]"
        if stage["key"] in seen:
            add(f"{here}.key", f"stage key {stage['key']!r} is used twice")
        seen.add(stage["key"])
        if s == len(doc["stages"]) - 1 and stage["next_criteria"]:
            add(f"{here}.next_criteria", "the last stage has no next stage, so it takes no criteria")
        keys: set[str] = set()
        for c, criterion in enumerate(stage["next_criteria"]):
            if criterion["key"] in keys:
                add(f"{here}.next_criteria[{c}].key", f"criterion key {criterion['key']!r} is used twice")
            keys.add(criterion["key"])
    return problems


def _career_reference_problems(doc: dict[str, Any], rubrics: dict[str, dict[str, Any]]) -> list[Problem]:
    """Check that score criteria name a rubric, domain and indicator that exist, and a reachable score."""
    problems: list[Problem] = []
    for s, stage in enumerate(doc["stages"]):
        for c, criterion in enumerate(stage["next_criteria"]):
            at = f"stages[{s}].next_criteria[{c}]"
            if "rubric" not in criterion:
                continue
            rubric = rubrics.get(criterion["rubric"])
            if rubric is None:
                problems.append(
                    Problem(CAREER_PATH, f"{at}.rubric", f"no rubric has the key {criterion['rubric']!r}")
                )
                continue
            problems += [
                Problem(CAREER_PATH, f"{at}.{field}", message)
                for field, message in _missing(criterion, rubric)
            ]
    return problems


def _missing(criterion: dict[str, Any], rubric: dict[str, Any]) -> list[tuple[str, str]]:
    """What a score criterion names that its rubric lacks, as (field, message)."""
    found: list[tuple[str, str]] = []
    name = rubric["key"]
    domains = {d["key"] for d in rubric["domains"]}
    indicators = {i["key"] for d in rubric["domains"] for i in d["indicators"]}
    if "domain" in criterion and criterion["domain"] not in domains:
        found.append(("domain", f"rubric {name!r} has no domain {criterion['domain']!r}"))
    if "indicator" in criterion and criterion["indicator"] not in indicators:
        found.append(("indicator", f"rubric {name!r} has no indicator {criterion['indicator']!r}"))
    low, high = min(s["level"] for s in rubric["scale"]), max(s["level"] for s in rubric["scale"])
    if not low <= criterion["min"] <= high:
        found.append(("min", f"{criterion['min']} is outside the scale of {name!r} ({low} to {high})"))
    return found


def validate_directory(directory: Path) -> dict[str, dict[str, Any]]:
    """Validate every file of a rubric directory together; return the rubrics by file name.

    Every problem in every file is collected before raising, so one run shows all there is to fix.
    """
    problems: list[Problem] = []
    career = _career_path_of(directory, problems)
    stages = [s["key"] for s in career["stages"]] if career else None
    rubrics: dict[str, dict[str, Any]] = {}
    owner: dict[str, str] = {}
    unreadable = False
    for path in sorted(directory.glob("*.yaml")):
        if path.name in SCHEMA_OF:
            continue
        try:
            document = checked(path, RUBRIC_SCHEMA)
        except RubricFileError as exc:
            problems += exc.problems
            unreadable = True
            continue
        problems += _rubric_problems(path.name, document, stages)
        if document["key"] in owner:
            problems.append(
                Problem(path.name, "key", f"{document['key']!r} is also the key of {owner[document['key']]}")
            )
        owner.setdefault(document["key"], path.name)
        rubrics[path.name] = document
    if career is not None and not unreadable:  # an unreadable rubric would show as "no such rubric" too
        problems += _career_reference_problems(career, {doc["key"]: doc for doc in rubrics.values()})
    if problems:
        raise RubricFileError(problems)
    return rubrics


def _career_path_of(directory: Path, problems: list[Problem]) -> dict[str, Any] | None:
    """Validate the career path and the cadence targets; return the career path if it is sound."""
    career = None
    for name, schema in SCHEMA_OF.items():
        path = directory / name
        if not path.is_file():
            problems.append(Problem(name, "top level", "the file is missing"))
            continue
        try:
            document = checked(path, schema)
        except RubricFileError as exc:
            problems += exc.problems
            continue
        if name == CAREER_PATH:
            found = career_problems(document)
            problems += found
            career = None if found else document
    return career
