"""The demonstration collection: Object ID records with drawn photos, so a new registry has something to search."""

from __future__ import annotations

import io
from contextlib import nullcontext
from datetime import date
from typing import Callable, Iterable

from PIL import Image
from sqlalchemy import func, select

from registry.demo.collection import DEMO_RECORDS, DemoRecord
from registry.demo.images import draw_object, other_view
from registry.extensions import db
from registry.models import ObjectRecord, RedListRow
from registry.redlists import load_default
from registry.services.objects import create_record
from registry.services.photos import decode_upload
from registry.services.redlists import import_red_list_set, suggestions_for_record, tag_record

DEMO_TAG_MIN_SCORE = 0.7


def demo_photos(demo: DemoRecord) -> list[tuple[bytes, str]]:
    """The JPEG photos of a demo record: a front view, and for some a view from another angle."""
    image = _painting(demo) if demo.shape == "painting" else draw_object(demo.seed, demo.shape, demo.material_key)
    photos = [(_jpeg(image), f"{demo.object_number}-front.jpg")]
    if demo.second_view:
        photos.append((_jpeg(other_view(image, demo.seed, 25.0)), f"{demo.object_number}-angle.jpg"))
    return photos


def seed_demo(actor: str, only_if_empty: bool = False, progress: Callable | None = None) -> int:
    """Create the demo records that are not there yet; return how many were created."""
    seed_red_lists()
    if only_if_empty and db.session.scalar(select(func.count()).select_from(ObjectRecord)):
        return 0
    created = 0
    records: Iterable[DemoRecord] = DEMO_RECORDS
    with (progress(records, "Demo records") if progress else nullcontext(records)) as items:
        for demo in items:
            if _exists(demo):
                continue
            files = demo_photos(demo)
            record = create_record(
                demo.institution,
                demo.fields(),
                actor,
                photos=[decode_upload(data, name) for data, name in files],
                filenames=[name for _, name in files],
                status_fields=_status_fields(demo),
            )
            _tag_demo_record(record, actor)
            created += 1
    return created


def seed_red_lists() -> None:
    """Load the shipped ICOM index and demonstration categories unless Red Lists are already stored."""
    if db.session.scalar(select(func.count()).select_from(RedListRow)) == 0:
        import_red_list_set(load_default())


def _tag_demo_record(record: ObjectRecord, actor: str) -> None:
    """Tag a demo record with the category it fits best, when it fits well (as a registrar would accept it)."""
    suggestions = suggestions_for_record(record, limit=1)
    if suggestions and suggestions[0].score >= DEMO_TAG_MIN_SCORE:
        tag_record(record, suggestions[0].code, f"{actor} (demo)")


def _exists(demo: DemoRecord) -> bool:
    from registry.models import Institution

    return db.session.scalar(
        select(ObjectRecord.id).join(Institution).where(
            Institution.name == demo.institution, ObjectRecord.object_number == demo.object_number
        )
    ) is not None


def _status_fields(demo: DemoRecord) -> dict:
    if demo.status == "inventory":
        return {"status": "inventory"}
    return {
        "status": demo.status,
        "loss_date": date(2024 + demo.seed % 2, 1 + demo.seed % 12, 1 + demo.seed % 27),
        "loss_place": demo.loss_place,
        "case_reference": f"DEMO-{demo.seed:04d}",
        "loss_notes": "Demonstration record: not a real theft report.",
    }


def _painting(demo: DemoRecord) -> Image.Image:
    """A framed picture made from one of scikit-image's sample photographs (shipped in the package)."""
    from skimage import data as samples

    picture = Image.fromarray(getattr(samples, demo.material_key)()).convert("RGB")
    picture.thumbnail((480, 480))
    frame = Image.new("RGB", (picture.width + 60, picture.height + 60), (96, 64, 30))
    frame.paste(picture, (30, 30))
    wall = Image.new("RGB", (640, 640), (226, 222, 214))
    wall.paste(frame, ((640 - frame.width) // 2, (640 - frame.height) // 2))
    return wall


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()
