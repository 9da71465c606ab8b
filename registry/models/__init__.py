"""Database tables of the registry."""

from registry.models.objects import Institution, ObjectRecord, RecordChange
from registry.models.photos import Photo
from registry.models.matching import Check, IndexEvent, StoredSignature
from registry.models.redlists import CategoryRow, CategoryTag, RedListRow

__all__ = ["CategoryRow", "CategoryTag", "RedListRow", "Check", "IndexEvent", "Institution", "ObjectRecord", "Photo", "RecordChange", "StoredSignature"]
