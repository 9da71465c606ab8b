"""Database tables of the registry."""

from registry.models.objects import Agency, Institution, ObjectRecord, RecordChange
from registry.models.photos import Photo
from registry.models.matching import Check, IndexEvent, StoredSignature
from registry.models.redlists import CategoryRow, CategoryTag, RedListRow
from registry.models.users import ApiToken, AuditEvent, Notification, SignInBackoff, User
from registry.models.certificates import Certificate, CertificateAlert, CertificatePhoto
from registry.models.federation import FederationSource
from registry.models.harvest import HarvestSource
from registry.models.watch import CheckPhotoSignature, RecordWatch, WatchHit, WatchSweep
from registry.models import guards  # noqa: F401,E402  (append-only evidence)

__all__ = [
    "Agency", "ApiToken", "AuditEvent", "Certificate", "CertificateAlert", "CertificatePhoto", "FederationSource",
    "HarvestSource", "Notification", "SignInBackoff", "User",
    "CategoryRow", "CategoryTag", "CheckPhotoSignature", "RecordWatch", "RedListRow", "WatchHit", "WatchSweep", "Check", "IndexEvent", "Institution", "ObjectRecord", "Photo", "RecordChange", "StoredSignature"]
