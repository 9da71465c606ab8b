"""Database tables of the registry."""

from registry.models.objects import Institution, ObjectRecord, RecordChange
from registry.models.photos import Photo

__all__ = ["Institution", "ObjectRecord", "RecordChange", "Photo"]
