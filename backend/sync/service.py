"""The sync contract: apply pushed mutations exactly once, in order, and page changes out by change_seq."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, insert, select, true
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from backend.db import current_change_seq, next_change_seq, prefetched
from backend.errors import Forbidden
from backend.observations import schemas as obs_schemas
from backend.observations import service as observations
from backend.observations.models import ActionStep, FeedbackResponse, Observation
from backend.org import service as org
from backend.org.models import Person, School, Team
from backend.rubrics.models import Rubric
from backend.rubrics.service import rubric_payload
from backend.sync import mutations as ops
from backend.sync.models import AccessChange, SyncClient, SyncMutation

# ---- push ----------------------------------------------------------------------------------------


def _client(session: Session, actor: Person, client_id: uuid.UUID, now: datetime) -> SyncClient:
    client = session.scalar(select(SyncClient).where(SyncClient.id == client_id).with_for_update())
    if client is None:
        client = SyncClient(id=client_id, person_id=actor.id, last_seq=0, created_at=now)
        session.add(client)
        session.flush()
    elif client.person_id != actor.id:
        raise Forbidden("This installation is bound to another person; sign in as them to send its changes.")
    client.last_seen_at = now
    return client


def push(
    session: Session, actor: Person, client_id: uuid.UUID, mutations: list[dict[str, Any]], now: datetime
) -> dict[str, Any]:
    """Handle a batch in order; each effect, its ledger row and the client's last_seq commit together.

    A first pass applies the batch without a savepoint per mutation, its rows loaded up front and its
    writes flushed together; it is kept only if every mutation applies. Otherwise (a rejection, a
    conflict, a database error) the pass is undone and the batch runs again with one savepoint each.
    """
    prepared = [ops.prepare(m) for m in mutations]  # the costly argument checks happen before any lock
    # Take the change counter's lock before anything else: pushes then commit in change_seq order and
    # always lock in the same order (counter, then client), so they cannot deadlock.
    next_change_seq(session)
    client = _client(session, actor, client_id, now)
    ids = [m["id"] for m in mutations]
    stored = {
        row.id: {"client_id": row.client_id, "result": row.result}
        for row in session.execute(
            select(SyncMutation.id, SyncMutation.client_id, SyncMutation.result).where(SyncMutation.id.in_(ids))
        )
    } if ids else {}
    try:
        touched, derived = ops.rows_touched(mutations)
        with session.begin_nested(), prefetched(session, touched, ops.missing(session, touched, derived)):
            observations.warm_up(session, actor.id, touched[Person])
            body = _handle(session, actor, client, prepared, stored, now, careful=False)
            session.flush()
        return body
    except (ops.Careful, SQLAlchemyError):
        session.expire_all()
    return _handle(session, actor, client, prepared, stored, now, careful=True)


def _handle(
    session: Session, actor: Person, client: SyncClient, prepared: list[ops.Prepared],
    stored: dict[uuid.UUID, dict[str, Any]], now: datetime, *, careful: bool,
) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    ledger: dict[uuid.UUID, dict[str, Any]] = {}
    resend_from: int | None = None
    last_seq = client.last_seq
    for item in prepared:
        mutation = item.mutation
        mid, seq = mutation["id"], mutation["seq"]
        if resend_from is not None:
            results.append({"id": str(mid), "status": "gap", "resend_from": resend_from})
            continue
        seen = stored.get(mid) or ledger.get(mid)
        if seen is not None:
            results.append(_replay(seen, client, mid))
            continue
        if seq > last_seq + 1:
            resend_from = last_seq + 1
            results.append({"id": str(mid), "status": "gap", "resend_from": resend_from})
            continue
        if seq <= last_seq:
            results.append(ops.rejected(mid, f"Sequence number {seq} is already taken on this installation.",
                                     {"seq": [f"Must be {last_seq + 1}."]}))
            continue
        result = ops.apply(session, actor, item, now, careful=careful)
        ledger[mid] = {"id": mid, "client_id": client.id, "seq": seq, "name": mutation["name"][:64],
                       "status": result["status"], "result": result, "received_at": now}
        last_seq = seq
        results.append(result)
    if ledger:
        session.execute(insert(SyncMutation), list(ledger.values()))  # one multi-row insert
    client.last_seq = last_seq
    body: dict[str, Any] = {"results": results}
    if resend_from is not None:
        body["resend_from"] = resend_from
    return body


def _replay(stored: dict[str, Any], client: SyncClient, mid: uuid.UUID) -> dict[str, Any]:
    if stored["client_id"] != client.id:
        return ops.rejected(mid, "This mutation id was already used by another installation.",
                         {"id": ["Use a new id."]})
    result = dict(stored["result"])
    if result["status"] == "applied":
        result["status"] = "duplicate"
    return result


# ---- pull --------------------------------------------------------------------------------------


def _school_payloads(_: Session, rows: list[School]) -> dict[uuid.UUID, dict[str, Any]]:
    return {s.id: {"id": str(s.id), "name": s.name, "district_id": str(s.district_id)} for s in rows}


class _Step(NamedTuple):
    id: uuid.UUID
    text: str
    deleted_at: datetime | None


def _observation_payloads(_: Session, rows: list[Any]) -> dict[uuid.UUID, dict[str, Any]]:
    def step(o: Any) -> _Step | None:
        return _Step(o.step_id, o.step_text, o.step_deleted_at) if o.step_id else None

    return {o.id: obs_schemas.observation_payload(o, step(o)) for o in rows}


def _each(fn: Callable[[Any], dict[str, Any]]) -> Callable[[Session, list[Any]], dict[uuid.UUID, dict[str, Any]]]:
    return lambda _session, rows: {row.id: fn(row) for row in rows}


def _plain(model: Any) -> Callable[[], Select[Any]]:
    """Load a type's rows as plain rows, not ORM objects: a page holds up to a thousand of them."""
    return lambda: select(*model.__table__.columns)


def _plain_observations() -> Select[Any]:
    """Observations with their action step's text in the same rows (one query, no second lookup)."""
    return select(
        *Observation.__table__.columns,
        ActionStep.id.label("step_id"), ActionStep.text.label("step_text"),
        ActionStep.deleted_at.label("step_deleted_at"),
    ).outerjoin(ActionStep, ActionStep.observation_id == Observation.id)


@dataclass(frozen=True)
class RowType:
    model: Any
    visible: Callable[[uuid.UUID], ColumnElement[bool]]
    payloads: Callable[[Session, list[Any]], dict[uuid.UUID, dict[str, Any]]]
    options: tuple[Any, ...] = ()
    plain: Callable[[], Select[Any]] | None = None

    def rows(self, session: Session, where: ColumnElement[bool]) -> list[Any]:
        if self.plain is not None:
            return list(session.execute(self.plain().where(where)))
        return list(session.scalars(select(self.model).where(where).options(*self.options)))


def _via_observation(model: Any) -> Callable[[uuid.UUID], ColumnElement[bool]]:
    return lambda pid: model.observation_id.in_(observations.visible_observation_ids_q(pid))


ROW_TYPES: dict[str, RowType] = {
    "school": RowType(School, lambda pid: School.id.in_(org.school_ids_q(pid)), _school_payloads),
    "person": RowType(Person, lambda pid: Person.id.in_(org.visible_person_ids_q(pid)), _each(org.person_payload)),
    "team": RowType(
        Team, lambda pid: Team.id.in_(org.visible_team_ids_q(pid)), _each(org.team_payload),
        (selectinload(Team.leaders), selectinload(Team.members)),
    ),
    "rubric": RowType(Rubric, lambda _pid: true(), _each(rubric_payload)),
    "observation": RowType(
        Observation, observations.visible_observation_clause, _observation_payloads, plain=_plain_observations
    ),
    "action_step": RowType(
        ActionStep, _via_observation(ActionStep), _each(obs_schemas.action_step_payload), plain=_plain(ActionStep)
    ),
    "feedback_response": RowType(
        FeedbackResponse, _via_observation(FeedbackResponse), _each(obs_schemas.feedback_payload),
        plain=_plain(FeedbackResponse),
    ),
}
# Whose sight of these rows follows the roster; rubrics are visible to everyone.
ROSTER_SENSITIVE = [k for k in ROW_TYPES if k != "rubric"]


def pull(session: Session, actor: Person, cursor: int, limit: int) -> dict[str, Any]:
    """Changes after `cursor` that the actor may see, oldest first, at most `limit` of them."""
    # Read the counter first: every change_seq at or below it belongs to a committed transaction
    # (writers hold the counter row until they commit), so nothing below it can still appear.
    high = current_change_seq(session)
    keys: list[tuple[int, str, uuid.UUID, AccessChange | None]] = []
    for kind, spec in ROW_TYPES.items():
        # limit + 1 from each type, so one type alone filling the page still shows there is more.
        query = (
            select(spec.model.change_seq, spec.model.id)
            .where(spec.model.change_seq > cursor, spec.model.change_seq <= high, spec.visible(actor.id))
            .order_by(spec.model.change_seq)
            .limit(limit + 1)
        )
        keys.extend((seq, kind, row_id, None) for seq, row_id in session.execute(query))
    grants = session.scalars(
        select(AccessChange)
        .where(AccessChange.person_id == actor.id, AccessChange.change_seq > cursor, AccessChange.change_seq <= high)
        .order_by(AccessChange.change_seq)
        .limit(limit + 1)
    )
    keys.extend((g.change_seq, g.row_type, g.row_id, g) for g in grants)
    keys.sort(key=lambda key: key[0])
    has_more = len(keys) > limit
    page = keys[:limit]
    return {
        "changes": _entries(session, actor, page),
        "cursor": page[-1][0] if has_more else max(high, cursor),
        "has_more": has_more,
    }


def _entries(
    session: Session, actor: Person, page: list[tuple[int, str, uuid.UUID, AccessChange | None]]
) -> list[dict[str, Any]]:
    """Load the page's rows, one query per type, and turn them into pull entries in page order."""
    rows: dict[str, dict[uuid.UUID, Any]] = {}
    versions: dict[uuid.UUID, int] = {}  # of rows that went out of sight, for their tombstones
    if not page:
        return []
    first, last = page[0][0], page[-1][0]
    for kind in {kind for _, kind, _, _ in page}:
        spec = ROW_TYPES[kind]
        found: dict[uuid.UUID, Any] = {}
        # The page holds every visible change of this type within its range, so ask for the range
        # (no list of a thousand ids to send).
        changed = {row_id for _, k, row_id, grant in page if k == kind and grant is None}
        if changed:
            in_range = and_(spec.model.change_seq >= first, spec.model.change_seq <= last, spec.visible(actor.id))
            found.update((row.id, row) for row in spec.rows(session, in_range))
            moved = changed - found.keys()
            if moved:  # changed again since the keys were read: send the newer state now
                found.update((row.id, row) for row in spec.rows(
                    session, and_(spec.model.id.in_(moved), spec.visible(actor.id))))
        granted = {row_id for _, k, row_id, grant in page if k == kind and grant is not None}
        if granted:
            # An access change sends the row as it is now when still visible, else a tombstone.
            still_visible = and_(spec.model.id.in_(granted), spec.visible(actor.id))
            found.update((row.id, row) for row in spec.rows(session, still_visible))
            hidden = granted - found.keys()
            if hidden:
                hidden_rows = session.execute(
                    select(spec.model.id, spec.model.version).where(spec.model.id.in_(hidden))
                )
                versions.update({row_id: version for row_id, version in hidden_rows})
        rows[kind] = found
    payloads = {kind: ROW_TYPES[kind].payloads(session, list(found.values())) for kind, found in rows.items()}
    out: list[dict[str, Any]] = []
    for _, kind, row_id, grant in page:
        row = rows[kind].get(row_id)
        if row is not None:
            out.append(obs_schemas.entry(kind, row, payloads[kind].get(row.id)))
        elif grant is not None:
            out.append({"type": kind, "id": str(row_id), "version": versions.get(row_id, 0), "deleted": True})
    return out


# ---- roster moves --------------------------------------------------------------------------------

Snapshot = dict[uuid.UUID, set[tuple[str, uuid.UUID]]]


def visibility_snapshot(session: Session, person_ids: Iterable[uuid.UUID]) -> Snapshot:
    """What each person may see now, for the roster-sensitive row types."""
    snapshot: Snapshot = {}
    for pid in set(person_ids):
        seen: set[tuple[str, uuid.UUID]] = set()
        for kind in ROSTER_SENSITIVE:
            spec = ROW_TYPES[kind]
            seen.update((kind, row_id) for row_id in session.scalars(select(spec.model.id).where(spec.visible(pid))))
        snapshot[pid] = seen
    return snapshot


def record_access_changes(session: Session, person_ids: Iterable[uuid.UUID], before: Snapshot) -> int:
    """Record, as access changes, what each person gained or lost sight of since `before`."""
    session.flush()
    after = visibility_snapshot(session, person_ids)
    count = 0
    for pid, now_seen in after.items():
        was_seen = before.get(pid, set())
        for granted, keys in ((True, now_seen - was_seen), (False, was_seen - now_seen)):
            for kind, row_id in sorted(keys, key=lambda k: (k[0], str(k[1]))):
                session.add(AccessChange(person_id=pid, row_type=kind, row_id=row_id, granted=granted,
                                         change_seq=next_change_seq(session)))
                count += 1
    session.flush()
    return count
