"""An object's own colours rank the records a turned view verifies no plane with (issue 23): read from real photos
without the one-coloured or plain studio backdrop they lie on, stored with each registered photo, worth no more than
a few verified cells, and never a verdict."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image
from skimage import data as skdata

from conftest import Registry, ranked_records
from registry.matching import candidates_to_verify, compute_query, compute_signature, rank, ranking
from registry.matching import features as ft
from registry.matching.imageops import backdrop_for_colours, one_colour_backdrop, plain_backdrop
from registry.matching.types import Candidate

CUP = (40, 330, 120, 480)  # rows, then columns, of the cup and saucer in scikit-image's real coffee photo
CAT_FACE = (40, 280, 80, 330)  # ... and of the cat in its real photo of a cat
CAT_BODY = (120, 300, 20, 250)  # ... and of its cheek and chest, below and left of its face
OWN_COLOUR_BINS = ft.OBJECT_COLOUR_BINS + ft.OBJECT_CHROMA_BINS


def _cloth(ab: tuple[int, int], h: int = 480, w: int = 640) -> np.ndarray:
    """A cloth of one colour (CIELAB chroma ``ab``), its weave from a real texture (scikit-image's grass)."""
    grey = np.asarray(Image.fromarray(skdata.grass()).resize((w, h)), np.float32)
    lab = np.stack([40 + grey * 0.6, np.full((h, w), ab[0], np.float32), np.full((h, w), ab[1], np.float32)], -1)
    return cv2.cvtColor(lab.astype(np.uint8), cv2.COLOR_LAB2RGB)


def _on_cloth(part: np.ndarray, y: int, x: int, ab: tuple[int, int] = (150, 80)) -> np.ndarray:
    frame = _cloth(ab)
    frame[y:y + part.shape[0], x:x + part.shape[1]] = part
    return frame


def _part(img: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    r0, r1, c0, c1 = box
    return np.ascontiguousarray(img[r0:r1, c0:c1])


def _on_studio_backdrop(part: np.ndarray, y: int, x: int, lightness: float) -> np.ndarray:
    """``part`` on a studio's plain backdrop of this lightness, lit a little unevenly, with a camera's grain."""
    rng = np.random.default_rng(3)
    light = np.linspace(lightness, lightness + 12, 480, dtype=np.float32)[:, None, None]
    frame = np.clip(light + rng.normal(0, 2, (480, 640, 1)), 0, 255).repeat(3, axis=2).astype(np.uint8)
    frame[y:y + part.shape[0], x:x + part.shape[1]] = part
    return frame


def _object_colours(frame: np.ndarray) -> np.ndarray:
    return ft.object_colour_histogram(frame, backdrop_for_colours(frame))


def test_an_objects_colours_leave_out_the_cloth_it_lies_on():
    cup = _part(skdata.coffee(), CUP)
    on_blue = _object_colours(_on_cloth(cup, 100, 40, ab=(150, 80)))
    on_green = _object_colours(_on_cloth(cup, 150, 250, ab=(90, 170)))  # moved, and on a cloth of another colour
    cat = _object_colours(_on_cloth(_part(skdata.chelsea(), CAT_FACE), 100, 40, ab=(150, 80)))
    assert len(on_blue) == OWN_COLOUR_BINS
    hues, chroma = on_blue[:ft.OBJECT_COLOUR_BINS], on_blue[ft.OBJECT_COLOUR_BINS:]
    assert abs(float(hues.sum()) - 1) < 1e-4 and abs(float(chroma.sum()) - 1) < 1e-4
    for alike in (ft.hues_alike, ft.chroma_alike):
        assert alike(on_blue, on_green) >= 0.85
        assert alike(on_blue, cat) < alike(on_blue, on_green) - 0.3


def test_an_objects_colours_leave_out_a_plain_black_or_white_studio_backdrop():
    cup = _part(skdata.coffee(), CUP)
    on_black, on_white = _on_studio_backdrop(cup, 100, 40, 15), _on_studio_backdrop(cup, 150, 250, 232)
    assert one_colour_backdrop(on_black) is None and one_colour_backdrop(on_white) is None  # no chroma: not for matches
    assert 0.6 < float(plain_backdrop(on_black).mean()) < 0.95 and 0.6 < float(plain_backdrop(on_white).mean()) < 0.95
    cup_on_black, cup_on_white = _object_colours(on_black), _object_colours(on_white)
    cat = _object_colours(_on_studio_backdrop(_part(skdata.chelsea(), CAT_FACE), 100, 40, 15))
    assert len(cup_on_black) == OWN_COLOUR_BINS
    for alike in (ft.hues_alike, ft.chroma_alike):
        assert alike(cup_on_black, cup_on_white) >= 0.85
        assert alike(cup_on_black, cat) < alike(cup_on_black, cup_on_white) - 0.3
    assert plain_backdrop(_on_cloth(cup, 100, 40)) is None  # a coloured cloth is one_colour_backdrop's


def test_a_busy_frame_has_no_colours_of_its_own_object():
    busy = skdata.astronaut()
    assert one_colour_backdrop(busy) is None and plain_backdrop(busy) is None
    assert len(_object_colours(busy)) == 0


def test_a_registered_photo_keeps_its_objects_colours_beside_its_frames():
    on_cloth = ft.unpack_features(compute_signature(Image.fromarray(_on_cloth(_part(skdata.coffee(), CUP), 100, 40)))
                                  .features)
    frame, own = ft.frame_and_object_colours(on_cloth["colour"].astype(np.float32))
    assert len(frame) == ft.COLOUR_BINS and len(own) == OWN_COLOUR_BINS
    cup_on_black = Image.fromarray(_on_studio_backdrop(_part(skdata.coffee(), CUP), 100, 40, 15))
    on_black = ft.unpack_features(compute_signature(cup_on_black).features)
    assert len(ft.frame_and_object_colours(on_black["colour"].astype(np.float32))[1]) == OWN_COLOUR_BINS
    busy = ft.unpack_features(compute_signature(Image.fromarray(skdata.astronaut())).features)
    assert len(ft.frame_and_object_colours(busy["colour"])[1]) == 0


def test_a_query_on_a_cloth_or_a_studio_backdrop_reads_its_objects_colours():
    cup = _part(skdata.coffee(), CUP)
    for frame in (_on_cloth(cup, 100, 40), _on_studio_backdrop(cup, 100, 40, 232)):
        query = compute_query(Image.fromarray(frame))
        assert len(query.variants[0].object_colours()) == OWN_COLOUR_BINS


def _paler(part: np.ndarray, chroma: float = 0.8) -> np.ndarray:
    """``part`` with its CIELAB chroma scaled: another object of one kind and one hue, its colours less strong."""
    lab = cv2.cvtColor(part, cv2.COLOR_RGB2LAB).astype(np.float32)
    lab[..., 1:] = (lab[..., 1:] - 128.0) * chroma + 128.0
    return cv2.cvtColor(np.clip(lab, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB)


def test_two_objects_of_one_hue_are_told_apart_by_their_chroma():
    """The cat seen by another part of it, against its face and a paler cat's: their hues do not say which (the
    paler face's come out nearer), their chroma does."""
    cat = skdata.chelsea()
    seen = _object_colours(_on_cloth(_part(cat, CAT_BODY), 150, 250))
    own = _object_colours(_on_cloth(_part(cat, CAT_FACE), 100, 40))
    paler = _object_colours(_on_cloth(_paler(_part(cat, CAT_FACE)), 100, 40))
    assert ft.hues_alike(seen, paler) >= ft.hues_alike(seen, own)
    assert ft.chroma_alike(seen, own) > ft.chroma_alike(seen, paler) + 0.15


def test_a_view_that_verifies_nothing_is_ranked_by_its_objects_chroma():
    """The cat registered by its face, beside a paler cat's face, checked with its cheek and chest upside down (as
    an object turned over shows another side): nothing verifies a plane with either, and its own record comes
    first by the chroma its photo shares, never as more than `no_match`."""
    cat = skdata.chelsea()
    registry = Registry({1: Image.fromarray(_on_cloth(_part(cat, CAT_FACE), 100, 40)),
                         2: Image.fromarray(_on_cloth(_paler(_part(cat, CAT_FACE)), 120, 300)),
                         3: Image.fromarray(skdata.astronaut())})
    body = _part(cat, CAT_BODY)
    for turned in (body[::-1], body[:, ::-1]):
        query = compute_query(Image.fromarray(_on_cloth(np.ascontiguousarray(turned), 150, 250)))
        found = rank(query, registry.index.search(query, candidates_to_verify(query)), registry.load, top=3)
        assert [m.record_id for m in found[:2]] == [101, 102]
        assert all(m.verdict == "no_match" and m.evidence["inlier_cells"] < ranking.OBJECT_COLOUR_UP_TO_CELLS
                   for m in found)
        own = ft.unpack_features(registry.blobs[1])["colour"].astype(np.float32)[ft.COLOUR_BINS:]
        seen = ranking._object_colour_estimates(query, found[0].evidence["query_variant"])
        assert found[0].evidence["object_colour_similarity"] == round(max(ft.colours_alike(c, own) for c in seen), 4)


def test_grey_objects_are_told_apart_by_their_lightness():
    """A light and a dark object without colour (white marble, black basalt: scikit-image's real grey photo of a
    camera, lightened and darkened) have one chroma; the likeness that ranks still tells them apart."""
    grey = np.repeat(_part(skdata.camera(), (40, 280, 80, 330))[..., None], 3, axis=2).astype(np.float32)
    light, lighter, dark = (_object_colours(_on_cloth(np.clip(grey * k + add, 0, 255).astype(np.uint8), 100, 40))
                            for k, add in ((0.4, 150), (0.4, 140), (0.4, 10)))
    assert abs(ft.chroma_alike(light, dark) - ft.chroma_alike(light, lighter)) < 0.05
    assert ft.colours_alike(light, lighter) > ft.colours_alike(light, dark) + 0.1


QUERY = compute_query(Image.fromarray(skdata.coffee()))  # a real query photo: its first variant stands for each one


def _photo(record_id: int, cells: int, object_colour: float, turned_alike: int = 0,
           combined: float = 20.0) -> ranking._PhotoResult:
    cand = Candidate(photo_id=record_id * 10, record_id=record_id, distances={"phash": 20, "combined": combined})
    score = ranking._image_score(cells, cand, 0.8, turned_alike, object_colour)
    return ranking._PhotoResult(cand, cells + 5, cells + 20, cells, QUERY.variants[0].name, 0.8, score, np.arange(cells),
                                False, 0, turned_alike, object_colour)


def _ranked(*photos: ranking._PhotoResult) -> list:
    return ranked_records(QUERY, list(photos))


def test_alike_colours_rank_first_where_no_plane_verified_and_are_never_a_verdict():
    ranked = _ranked(_photo(1, 0, 0.3, turned_alike=20, combined=18.0), _photo(2, 0, 0.95, turned_alike=12, combined=24.0))
    assert [m.record_id for m in ranked] == [2, 1]  # without the objects' colours: the nearer hashes, more turned alike
    assert [m.verdict for m in ranked] == ["no_match", "no_match"]
    assert ranked[0].evidence["object_colour_similarity"] == 0.95


def test_they_count_no_more_than_a_few_verified_cells():
    cells = ranking.OBJECT_COLOUR_UP_TO_CELLS
    ranked = _ranked(_photo(1, cells, 0.0), _photo(2, 0, 1.0, turned_alike=400))
    assert [m.record_id for m in ranked] == [1, 2]
    assert _photo(3, cells, 0.0).image_score == _photo(3, cells, 1.0).image_score
    assert _photo(3, 14, 0.0).image_score == _photo(3, 14, 1.0).image_score
