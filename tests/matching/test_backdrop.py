"""A one-coloured backdrop is not evidence (issue 23): two photos of one studio cloth verify each other's weave
and folds, so a stranger laid on the cloth a registered object was photographed on must not be found by the
cloth; the object itself, moved on the cloth, still is."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image
from skimage import data as skdata

from conftest import Registry
from registry.matching import candidates_to_verify, compute_query, rank
from registry.matching import features as ft
from registry.matching.imageops import one_colour_backdrop
from registry.matching.ranking import POSSIBLE_MIN_CELLS

CUP = (40, 330, 120, 480)  # rows, then columns, of the cup and saucer in scikit-image's real coffee photo
CAT_FACE = (40, 280, 80, 330)  # ... and of the cat in its real photo of a cat


def _cloth(h: int = 480, w: int = 640, ab: tuple[int, int] = (150, 80)) -> np.ndarray:
    """A real texture (scikit-image's photo of grass) as the weave of a cloth of one colour: its lightness from
    the photo, its chroma (CIELAB a, b) the cloth's."""
    grey = np.asarray(Image.fromarray(skdata.grass()).resize((w, h)), np.float32)
    lab = np.stack([40 + grey * 0.6, np.full((h, w), ab[0], np.float32), np.full((h, w), ab[1], np.float32)], -1)
    return cv2.cvtColor(lab.astype(np.uint8), cv2.COLOR_LAB2RGB)


def _on_cloth(part: np.ndarray, y: int, x: int) -> np.ndarray:
    frame = _cloth()
    frame[y:y + part.shape[0], x:x + part.shape[1]] = part
    return frame


def _cup() -> np.ndarray:
    r0, r1, c0, c1 = CUP
    return skdata.coffee()[r0:r1, c0:c1]


def _cat() -> np.ndarray:
    r0, r1, c0, c1 = CAT_FACE
    return skdata.chelsea()[r0:r1, c0:c1]


def _check(registry: Registry, img: np.ndarray):
    query = compute_query(Image.fromarray(img))
    return query, rank(query, registry.index.search(query, candidates_to_verify(query)), registry.load, top=5)


def _registry() -> Registry:
    return Registry({1: Image.fromarray(_on_cloth(_cup(), 100, 40)), 2: Image.fromarray(skdata.astronaut()),
                     3: Image.fromarray(skdata.rocket())})


def test_the_backdrop_of_one_colour_is_told_from_the_object_on_it():
    frame = _on_cloth(_cup(), 100, 40)
    mask = one_colour_backdrop(frame)
    assert mask is not None
    h, w = mask.shape
    sy, sx = h / frame.shape[0], w / frame.shape[1]
    on_cup = mask[int(130 * sy):int(360 * sy), int(70 * sx):int(370 * sx)]
    assert on_cup.mean() < 0.1  # the cup and saucer are the object
    assert mask[:, int(450 * sx):].mean() > 0.9  # the cloth beside them is the backdrop
    for busy in (skdata.astronaut(), skdata.chelsea(), np.stack([skdata.camera()] * 3, -1)):
        assert one_colour_backdrop(busy) is None  # no backdrop of one colour: nothing is set aside


def test_a_stranger_on_the_same_cloth_is_not_found_by_the_cloth():
    registry = _registry()
    stranger = _on_cloth(_cat(), 150, 330)  # another object, elsewhere on the same cloth
    query, found = _check(registry, stranger)
    # the cloth alone verifies the registered photo (what the rule is there for) ...
    blob = ft.unpack_features(registry.blobs[1])
    whole = query.variant("full").features
    raw = ft.verify(whole.keypoints, whole.descriptors, blob["kp"], blob["desc"])
    assert raw.cells >= POSSIBLE_MIN_CELLS
    # ... but it is not evidence of the cup
    cup = next((m for m in found if m.record_id == 101), None)
    assert cup is None or (cup.verdict == "no_match" and cup.evidence["inlier_cells"] < POSSIBLE_MIN_CELLS), cup


def test_the_object_moved_on_its_cloth_is_still_a_match():
    registry = _registry()
    _, found = _check(registry, _on_cloth(_cup(), 160, 260))
    assert found[0].record_id == 101 and found[0].verdict == "match", found[0].evidence
    assert 0.3 < found[0].evidence["backdrop_left_out"] < 0.9  # the evidence says the cloth was left out
