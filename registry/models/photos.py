"""Photos of records, stored once per content hash under the media directory."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.objects import utcnow

if TYPE_CHECKING:
    from registry.models.objects import ObjectRecord


class Photo(db.Model):
    """A photo attached to a record. Removing it sets `removed_at`; the row and the file stay as evidence."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("object_records.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    original_filename: Mapped[str] = mapped_column(String(255), default="")
    image_format: Mapped[str] = mapped_column(String(10))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    removed_by: Mapped[str] = mapped_column(String(200), default="")
    # When its files were purged, after the retention period of a deleted record (services/deletion.py).
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    record: Mapped[ObjectRecord] = relationship(back_populates="photos")
