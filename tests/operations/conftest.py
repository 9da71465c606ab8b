"""Fixtures of the operations tests: registering real photos (drawn objects, decoded by Pillow) and checking them."""

from __future__ import annotations

import io

import pytest

from registry.demo.images import draw_object, other_view


def jpeg_of(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


SHAPES = ("vase", "coin", "statuette", "mask", "bowl")
MATERIALS = ("bronze", "gold", "stone", "wood", "clay")


def object_photo(seed: int) -> bytes:
    """A drawn object, distinct per seed."""
    return jpeg_of(draw_object(seed, SHAPES[seed % len(SHAPES)], MATERIALS[(seed // 5) % len(MATERIALS)]))


def another_view(seed: int) -> bytes:
    """The same object as object_photo(seed), photographed from another angle."""
    return jpeg_of(other_view(draw_object(seed, SHAPES[seed % len(SHAPES)], MATERIALS[(seed // 5) % len(MATERIALS)]), seed))


@pytest.fixture
def register(app):
    """register(number, seeds, status="stolen", institution=...) -> ObjectRecord, committed, with real photos."""
    from registry.services.objects import create_record
    from registry.services.photos import decode_upload

    def make(number: str, seeds: list[int], status: str = "stolen", institution: str = "Museum of Testing"):
        photos = [decode_upload(object_photo(seed), f"{number}-{seed}.jpg") for seed in seeds]
        return create_record(institution, {"object_number": number, "object_type": "Statuette", "materials": "bronze"},
                             "test", photos=photos, filenames=[f"{number}-{seed}.jpg" for seed in seeds],
                             status_fields={"status": status})

    return make


@pytest.fixture
def check_answer(app):
    """check_answer(photo bytes) -> [(record id, verdict, score)] of a logged check of every status, its photo kept."""
    from registry.services.checks import QueryPhoto, run_check
    from registry.services.photos import decode_query_upload

    def answer(data: bytes) -> list[tuple[int, str, float]]:
        _, results = run_check([QueryPhoto("suspect.jpg", decode_query_upload(data, "suspect.jpg"))], {}, "test", "web",
                               all_statuses=True, keep_photos=True)
        return [(c["record_id"], c["verdict"], c["score"]) for c in results[0]["candidates"]]

    return answer
