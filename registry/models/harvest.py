"""OAI-PMH endpoints of museums' collection systems the registry harvests, and how far each was harvested."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.models.objects import utcnow


class HarvestSource(db.Model):
    """An OAI-PMH endpoint (and set) harvested for one institution; `last_datestamp`: the next harvest's from=."""

    __tablename__ = "harvest_sources"
    __table_args__ = (UniqueConstraint("url", "metadata_prefix", "set_spec", name="uq_harvest_sources_url_prefix_set"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    metadata_prefix: Mapped[str] = mapped_column(String(40))
    set_spec: Mapped[str] = mapped_column(String(200), default="")
    institution: Mapped[str] = mapped_column(String(200), default="")
    last_datestamp: Mapped[str] = mapped_column(String(40), default="")
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_harvested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
