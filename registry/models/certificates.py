"""Due-diligence certificates: a signed statement of a check, and the photos it covered (for later alerts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.matching import Check
from registry.models.objects import utcnow
from registry.models.users import User


class Certificate(db.Model):
    """A numbered certificate; `content` is what was signed and is never changed afterwards."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    verification_code: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("checks.id"), unique=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    signature: Mapped[str] = mapped_column(String(64))

    user: Mapped[User] = relationship()
    check: Mapped[Check] = relationship()
    photos: Mapped[list[CertificatePhoto]] = relationship(back_populates="certificate", cascade="all, delete-orphan")


class CertificatePhoto(db.Model):
    """The signature of a photo covered by a certificate, to recognise it if a matching object is reported later."""

    __tablename__ = "certificate_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    algorithm_version: Mapped[str] = mapped_column(String(40))
    index_key: Mapped[bytes] = mapped_column(LargeBinary)
    features: Mapped[bytes] = mapped_column(LargeBinary)

    certificate: Mapped[Certificate] = relationship(back_populates="photos")


class CertificateAlert(db.Model):
    """A record reported lost that matches a certificate's photos: raised once per certificate and record."""

    __tablename__ = "certificate_alerts"
    __table_args__ = (UniqueConstraint("certificate_id", "record_id", name="uq_certificate_alerts_certificate_record"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("object_records.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    score: Mapped[float] = mapped_column(default=0.0)

    certificate: Mapped[Certificate] = relationship()
