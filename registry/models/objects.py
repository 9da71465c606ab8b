"""Object ID records, the institutions that hold them, and the history of every change."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db

if TYPE_CHECKING:
    from registry.models.photos import Photo


def client_address() -> str:
    """The address a change comes from: the web client's, or "cli" outside a request."""
    from flask import has_request_context, request

    return (request.remote_addr or "unknown") if has_request_context() else "cli"


def current_principal_user_id() -> int | None:
    """The signed-in user's id during a web or API request, else None."""
    from flask import has_request_context
    from flask_login import current_user

    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def utcnow() -> datetime:
    """The current time in UTC (timezone-aware)."""
    return datetime.now(timezone.utc)


class ContactDetails:
    """Where an institution or agency is reached about a stolen object (all optional; managed by an admin)."""

    postal_address: Mapped[str] = mapped_column(Text, default="", server_default="")
    phone: Mapped[str] = mapped_column(String(50), default="", server_default="")
    enquiry_email: Mapped[str] = mapped_column(String(254), default="", server_default="")  # for stolen-object enquiries
    website: Mapped[str] = mapped_column(String(300), default="", server_default="")

    @property
    def contact(self) -> dict[str, str]:
        """The contact details as plain values (empty strings where not given)."""
        return {name: getattr(self, name) or "" for name in CONTACT_FIELDS}

    @property
    def has_contact(self) -> bool:
        """True when any contact detail is given."""
        return any(self.contact.values())


CONTACT_FIELDS = ("postal_address", "phone", "enquiry_email", "website")


class Institution(ContactDetails, db.Model):
    """A museum or other holder that registers objects."""

    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    records: Mapped[list[ObjectRecord]] = relationship(back_populates="institution")


class Agency(ContactDetails, db.Model):
    """A law-enforcement agency (police, customs); its officers' accounts name it (users.agency)."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ObjectRecord(db.Model):
    """One cultural object described to the Object ID standard."""

    __tablename__ = "object_records"
    __table_args__ = (UniqueConstraint("institution_id", "object_number", name="uq_object_records_institution_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    object_number: Mapped[str] = mapped_column(String(100))

    object_type: Mapped[str] = mapped_column(String(200), index=True)
    materials: Mapped[str] = mapped_column(Text, default="")
    techniques: Mapped[str] = mapped_column(Text, default="")
    measurements_text: Mapped[str] = mapped_column(Text, default="")
    height_cm: Mapped[float | None] = mapped_column(Float)
    width_cm: Mapped[float | None] = mapped_column(Float)
    depth_cm: Mapped[float | None] = mapped_column(Float)
    diameter_cm: Mapped[float | None] = mapped_column(Float)
    weight_kg: Mapped[float | None] = mapped_column(Float)
    length_unit: Mapped[str] = mapped_column(String(4), default="cm")
    weight_unit: Mapped[str] = mapped_column(String(4), default="kg")
    inscriptions: Mapped[str] = mapped_column(Text, default="")
    distinguishing_features: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    date_period: Mapped[str] = mapped_column(String(200), default="")
    year_from: Mapped[int | None] = mapped_column(Integer, index=True)
    year_to: Mapped[int | None] = mapped_column(Integer, index=True)
    maker: Mapped[str] = mapped_column(String(300), default="")
    maker_qualifier: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # Object ID's recommended additional categories.
    place_of_origin: Mapped[str] = mapped_column(String(300), default="", server_default="")
    related_written_material: Mapped[str] = mapped_column(Text, default="", server_default="")
    related_objects: Mapped[str] = mapped_column(Text, default="", server_default="")
    documented_on: Mapped[date | None] = mapped_column(Date)
    # Provenance and ownership history: a list of events (registry/objectid/provenance.py). Always replaced whole,
    # never changed in place, so that the ORM sees the change, bumps the version and the history keeps both lists.
    provenance: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default=text("'[]'"))

    status: Mapped[str] = mapped_column(String(20), default="inventory", index=True)
    loss_date: Mapped[date | None] = mapped_column(Date)
    loss_place: Mapped[str] = mapped_column(String(300), default="")
    case_reference: Mapped[str] = mapped_column(String(100), default="")
    loss_notes: Mapped[str] = mapped_column(Text, default="")

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    # Optimistic concurrency: every UPDATE of the row says which version it changes and bumps it, so a write
    # made from a stale copy fails (StaleDataError) instead of silently overwriting another's edit.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    # A foreign record: published by another registry and pulled from its signed feed (services/federation.py);
    # read-only here. Its own institution's name (this registry names the institution "<name> (via <source>)").
    source_id: Mapped[int | None] = mapped_column(ForeignKey("federation_sources.id"), index=True)
    source_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    source_institution: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # A deleted record stays as a tombstone (services/deletion.py): out of every list, search, export and the photo
    # index, while checks and certificates that named it still show what they named.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    deleted_by: Mapped[str] = mapped_column(String(200), default="", server_default="")
    deletion_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    institution: Mapped[Institution] = relationship(back_populates="records")
    photos: Mapped[list[Photo]] = relationship(
        back_populates="record", order_by="Photo.position", cascade="all, delete-orphan"
    )
    changes: Mapped[list[RecordChange]] = relationship(
        back_populates="record", order_by="RecordChange.id", cascade="all, delete-orphan"
    )

    @property
    def current_photos(self) -> list[Photo]:
        """Photos not removed from the record, in display order."""
        return [photo for photo in self.photos if photo.removed_at is None]

    @property
    def display_title(self) -> str:
        """A short label: the title, else the object type, with the object number."""
        return f"{self.title or self.object_type} ({self.object_number})"


class RecordChange(db.Model):
    """One change to one field of a record (or a photo added or removed): who, when, old and new."""

    __tablename__ = "record_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("object_records.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(Integer, default=lambda: current_principal_user_id())
    ip: Mapped[str] = mapped_column(String(64), default=lambda: client_address())
    action: Mapped[str] = mapped_column(String(30))  # created, updated, status, photo_added, photo_removed
    field: Mapped[str] = mapped_column(String(60), default="")
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)

    record: Mapped[ObjectRecord] = relationship(back_populates="changes")
