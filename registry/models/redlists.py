"""Red Lists and their categories as stored, and the tags that attach categories to records."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.objects import utcnow

if TYPE_CHECKING:
    from registry.models.objects import ObjectRecord


class RedListRow(db.Model):
    """A published Red List; `data` holds the entry in the documented file format."""

    __tablename__ = "red_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    region: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    categories: Mapped[list[CategoryRow]] = relationship(back_populates="red_list", order_by="CategoryRow.code")


class CategoryRow(db.Model):
    """A category of objects at risk; `data` holds the entry in the documented file format."""

    __tablename__ = "red_list_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    red_list_id: Mapped[int] = mapped_column(ForeignKey("red_lists.id"), index=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name_en: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    red_list: Mapped[RedListRow] = relationship(back_populates="categories")
    tags: Mapped[list[CategoryTag]] = relationship(back_populates="category")


class CategoryTag(db.Model):
    """A record tagged with a Red List category by a person; untagging sets `removed_at` (kept as evidence)."""

    __tablename__ = "record_category_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("object_records.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("red_list_categories.id"), index=True)
    tagged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    tagged_by: Mapped[str] = mapped_column(String(200))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    removed_by: Mapped[str] = mapped_column(String(200), default="")

    record: Mapped[ObjectRecord] = relationship()
    category: Mapped[CategoryRow] = relationship(back_populates="tags")
