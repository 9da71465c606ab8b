"""Other registries whose published lost records this registry pulls (their records: ObjectRecord.source_id)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.models.objects import utcnow


class FederationSource(db.Model):
    """Another registry: its feed's address, the public key its feed is signed with, and how far it was pulled."""

    __tablename__ = "federation_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    public_key: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    added_by: Mapped[str] = mapped_column(String(200), default="")
    cursor: Mapped[str] = mapped_column(String(64), default="")  # the newest change pulled (the feed's since=)
    last_pulled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
