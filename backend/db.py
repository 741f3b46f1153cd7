"""Declarative base, column helpers and the change counter shared by every domain."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, TypeDecorator, select, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, registry

T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as UTC and always hand back aware ones (SQLite forgets the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give an offset")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION), type_annotation_map={datetime: UTCDateTime()}
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()


class Synced:
    """Columns every synced row carries: a version bumped per change and its place in the change order."""

    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0, nullable=False, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


class ChangeCounter(Base):
    """The single row whose value orders every change; updating it serialises writers in commit order."""

    __tablename__ = "change_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


_COUNTER_KEY = "cadence_change_counter"


def next_change_seq(session: Session) -> int:
    """Return the next change_seq for this transaction.

    The first call in a transaction bumps the counter row (`UPDATE ... RETURNING`), which takes its
    row lock until commit: transactions that write changes therefore commit in change_seq order, and a
    pull never skips a change that commits late. Later calls in the same transaction hand out the
    following numbers locally and `flush_change_seq` writes the last one back before commit.
    """
    state: dict[str, Any] | None = session.info.get(_COUNTER_KEY)
    if state is None:
        value = session.execute(
            text("UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value")
        ).scalar_one()
        session.info[_COUNTER_KEY] = {"value": value, "written": value}
        return int(value)
    state["value"] += 1
    return int(state["value"])


def flush_change_seq(session: Session) -> None:
    """Write the counter's local high-water mark back; called before the outermost commit."""
    state = session.info.get(_COUNTER_KEY)
    if state and state["value"] != state["written"]:
        session.execute(
            text("UPDATE change_counter SET value = :v WHERE id = 1 AND value < :v"), {"v": state["value"]}
        )
        state["written"] = state["value"]


def forget_change_seq(session: Session) -> None:
    session.info.pop(_COUNTER_KEY, None)


def current_change_seq(session: Session) -> int:
    return int(session.execute(text("SELECT value FROM change_counter WHERE id = 1")).scalar_one())


def touch(session: Session, row: Synced, *, bump_version: bool = True) -> None:
    """Mark a synced row changed: a new change_seq and, unless told otherwise, a new version."""
    if row.version is None:
        row.version = 1
    elif bump_version and row.change_seq:
        row.version += 1
    row.change_seq = next_change_seq(session)


# ---- batch lookups ---------------------------------------------------------------------------------

_PREFETCH_KEY = "cadence_prefetch"


@contextmanager
def prefetched(
    session: Session, wanted: dict[type[Any], set[Any]], missing: dict[type[Any], set[Any]] | None = None
) -> Iterator[None]:
    """Load the rows a batch will touch in one query per model, so `lookup` answers without SQL.

    `missing` names rows known not to exist, which need no query at all. Without a query per lookup
    there is no autoflush per lookup either, and the batch's inserts reach the database together.
    """
    cache: dict[tuple[type[Any], Any], Any] = {}
    for model, ids in (missing or {}).items():
        for ident in ids:
            cache[(model, ident)] = None
    for model, ids in wanted.items():
        for ident in ids:
            cache[(model, ident)] = None
        if ids:
            for row in session.scalars(select(model).where(model.id.in_(ids))):
                cache[(model, row.id)] = row
    session.info[_PREFETCH_KEY] = cache
    try:
        # The batch's own queries (roster checks) need none of its pending rows: flush once at the end.
        with session.no_autoflush:
            yield
    finally:
        session.info.pop(_PREFETCH_KEY, None)


def lookup(session: Session, model: type[T], ident: Any) -> T | None:
    """`session.get`, answered from a batch's prefetched rows (and rows it added) when there are some."""
    cache = session.info.get(_PREFETCH_KEY)
    if cache is None or (model, ident) not in cache:
        return session.get(model, ident)
    return cast(T | None, cache[(model, ident)])


def add(session: Session, row: Any) -> None:
    """`session.add`, also telling a prefetched batch's `lookup` that the row now exists."""
    session.add(row)
    cache = session.info.get(_PREFETCH_KEY)
    if cache is not None:
        cache[(type(row), row.id)] = row


def memo(session: Session, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """Remember an answer for the rest of a prefetched batch (nothing a batch does changes it)."""
    cache = session.info.get(_PREFETCH_KEY)
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cast(T, cache[key])


def memo_put(session: Session, key: tuple[Any, ...], value: Any) -> None:
    cache = session.info.get(_PREFETCH_KEY)
    if cache is not None:
        cache[key] = value
