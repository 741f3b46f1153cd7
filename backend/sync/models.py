"""The sync ledger: installations, the mutations they pushed, and changes of who may see what."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, new_uuid, utcnow


class SyncClient(Base):
    """One installation of the app; bound to the person who first pushed from it."""

    __tablename__ = "sync_client"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncMutation(Base):
    """A handled mutation with its stored result; a mutation id is never handled twice."""

    __tablename__ = "sync_mutation"
    __table_args__ = (UniqueConstraint("client_id", "seq", name="uq_sync_mutation_client_seq"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sync_client.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccessChange(Base):
    """A person gained or lost sight of a row without the row itself changing (roster moves).

    Pull merges these with row changes by `change_seq`: a gain sends the row's current state, a loss
    sends a tombstone.
    """

    __tablename__ = "access_change"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    row_type: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[uuid.UUID] = mapped_column()
    granted: Mapped[bool] = mapped_column(Boolean)
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
