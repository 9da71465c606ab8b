"""Attaching photos to records and removing them, with the media store behind one accessor."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

from flask import current_app
from werkzeug.datastructures import FileStorage

from registry.extensions import db
from registry.imaging import DecodedPhoto, MediaStore, PhotoRejected, decode_photo
from registry.imaging.validate import FILE_TOO_LARGE
from registry.messages import N_
from registry.models import ObjectRecord, Photo, RecordChange
from registry.models.objects import utcnow
from registry.observability.metrics import count_refused_upload, refusal_reason
from registry.services.events import record_photos_added
from registry.services.foreign import refuse_foreign
from registry.services.index import note_photo_changed, store_signature
from registry.storage import open_storage


def media_store() -> MediaStore:
    """The media store configured for the current app: REGISTRY_MEDIA_STORE (``s3://bucket/prefix``) when set,
    else the local folder REGISTRY_MEDIA_DIR. One per app and address (an S3 client is costly to build)."""
    config = current_app.config
    address = config.get("MEDIA_STORE") or config["MEDIA_DIR"]
    stores = current_app.extensions.setdefault("registry_media_stores", {})
    if address not in stores:
        stores[address] = MediaStore(open_storage(address, endpoint_url=config.get("S3_ENDPOINT_URL") or None,
                                                  region=config.get("S3_REGION") or None))
    return stores[address]


@contextmanager
def counting_refusals() -> Iterator[None]:
    """Count a photo refused while decoding it, by reason (the /metrics counter registry_uploads_refused_total)."""
    try:
        yield
    except PhotoRejected as exc:
        count_refused_upload(refusal_reason(exc.template))
        raise


def decode_upload(data: bytes, filename: str = "") -> DecodedPhoto:
    """Decode an uploaded photo with the app's size limits; raises PhotoRejected with the reason."""
    with counting_refusals():
        return decode_photo(
            data,
            filename=filename,
            max_bytes=current_app.config["MAX_PHOTO_BYTES"],
            max_pixels=current_app.config["MAX_PHOTO_PIXELS"],
        )


def decode_query_upload(data: bytes, filename: str = "") -> DecodedPhoto:
    """Decode a photo submitted for a check: like :func:`decode_upload`, with the lower pixel limit of check photos,
    and only at the size matching uses: a large JPEG is decoded at a reduced scale, and any photo is then reduced
    as the matcher would reduce it itself (the same pixels; the uploaded bytes are kept whole)."""
    from registry.matching import QUERY_WORK_SIDE
    from registry.matching.signature import QUERY_REDUCE_SIDE

    with counting_refusals():
        return decode_photo(
            data,
            filename=filename,
            max_bytes=current_app.config["MAX_PHOTO_BYTES"],
            max_pixels=min(current_app.config["MAX_CHECK_PHOTO_PIXELS"], current_app.config["MAX_PHOTO_PIXELS"]),
            decode_side=QUERY_WORK_SIDE,
            reduce_side=QUERY_REDUCE_SIDE,
        )


def read_upload(upload: FileStorage) -> bytes:
    """The bytes of an uploaded photo. One larger than the photo limit is refused from its size alone, without
    reading it into memory (Werkzeug keeps a large upload in a temporary file)."""
    stream = upload.stream
    try:
        start = stream.tell()
        size = stream.seek(0, os.SEEK_END) - start
        stream.seek(start)
    except (AttributeError, OSError, ValueError):  # a stream that cannot seek: read no more than the limit and one
        size = None
    limit = current_app.config["MAX_PHOTO_BYTES"]
    if size is not None and size > limit:
        name = upload.filename or ""
        label = name if name.isprintable() and not {"/", "\\"} & set(name) else ""
        count_refused_upload("too_large")
        raise PhotoRejected(FILE_TOO_LARGE, label, size=f"{size / 1_048_576:.1f}", limit=f"{limit / 1_048_576:.0f}")
    return stream.read(limit + 1)


def decode_stored(photo: Photo) -> DecodedPhoto:
    """Decode a stored photo's original bytes again (for re-indexing)."""
    from registry.imaging.validate import ALLOWED_FORMATS

    data = media_store().read_original(photo.sha256, ALLOWED_FORMATS[photo.image_format])
    if data is None:
        raise PhotoRejected(N_("the photo's original file is no longer kept"))
    return decode_upload(data, photo.original_filename)


def attach_photos(record: ObjectRecord, photos: list[DecodedPhoto], filenames: list[str], actor: str) -> list[Photo]:
    """Store and attach photos to a record (not committed); a photo already on the record is skipped.

    :return: the new Photo rows.
    """
    refuse_foreign(record)
    store = media_store()
    present = {photo.sha256 for photo in record.current_photos}
    position = max((photo.position for photo in record.photos), default=-1) + 1
    added: list[Photo] = []
    for decoded, filename in zip(photos, filenames):
        if decoded.sha256 in present:
            continue
        store.save(decoded)
        photo = Photo(
            sha256=decoded.sha256,
            original_filename=_safe_name(filename),
            image_format=decoded.image_format,
            width=decoded.width,
            height=decoded.height,
            position=position,
            created_by=actor,
        )
        record.photos.append(photo)
        db.session.flush()
        store_signature(photo, decoded)
        present.add(decoded.sha256)
        position += 1
        added.append(photo)
        record.changes.append(
            RecordChange(changed_by=actor, action="photo_added", field="photos", new_value=f"{photo.original_filename} ({decoded.sha256[:12]})")
        )
    if added:
        record_photos_added.send(record, photos=added)
    return added


def remove_photo(photo: Photo, actor: str) -> None:
    """Take a photo off its record and commit. The row and file stay, marked removed, as evidence."""
    refuse_foreign(photo.record)
    if photo.removed_at is not None:
        raise PhotoRejected(N_("this photo was already removed"))
    photo.removed_at = utcnow()
    photo.removed_by = actor
    note_photo_changed(photo.id)
    photo.record.changes.append(
        RecordChange(changed_by=actor, action="photo_removed", field="photos", old_value=f"{photo.original_filename} ({photo.sha256[:12]})")
    )
    db.session.commit()


def _safe_name(filename: str) -> str:
    """Keep only the last path component of an uploaded name, for display."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:255]
