"""Rubric versions, stored exactly as loaded; a changed file makes a new version."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, Synced, new_uuid, utcnow


class Rubric(Synced, Base):
    """One version of a rubric. `content` is the whole document in the shape of DESIGN §4."""

    __tablename__ = "rubric"
    __table_args__ = (UniqueConstraint("key", "rubric_version", name="uq_rubric_key_version"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    key: Mapped[str] = mapped_column(String(64), index=True)
    rubric_version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    cadence: Mapped[str] = mapped_column(String(16))
    applies_to: Mapped[list[str]] = mapped_column(JSON)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    def indicator_keys(self) -> list[str]:
        return [i["key"] for d in self.content["domains"] for i in d["indicators"]]

    def levels(self) -> list[int]:
        return [s["level"] for s in self.content["scale"]]
