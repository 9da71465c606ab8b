"""Small photos (issue 23): a thumbnail of a photo the registry holds only small is a `match`; a small photo of
another object, even one of the same kind and material, is not."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFilter
from skimage import data as skdata

from conftest import on_falling_light
from objects import make_object
from registry.demo.images import draw_object
from registry.matching import candidates_to_verify, compute_query, rank, ranking

REGISTERED_SIDE = 128  # an old inventory print, a poster's picture
PHOTOS = {"coffee": skdata.coffee, "chelsea": skdata.chelsea, "astronaut": skdata.astronaut, "rocket": skdata.rocket}


def _small(img: Image.Image, side: int, quality: int = 80) -> Image.Image:
    """``img`` reduced to ``side`` px on its longer side and saved as a JPEG, as a web page would serve it."""
    img = img.convert("RGB")
    scale = side / max(img.size)
    img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


def _vase(seed: int) -> Image.Image:
    return draw_object(seed, "vase", "terracotta")


@pytest.fixture(scope="module")
def small_registry():
    """Real photographs (scikit-image's) and drawn objects, each registered only at 128 px."""
    from conftest import Registry

    images = {i: make_object(2000 + i) for i in range(4)}
    images.update({10 + i: Image.fromarray(load()) for i, load in enumerate(PHOTOS.values())})
    images[20] = _vase(51)
    return Registry({pid: _small(img, REGISTERED_SIDE, 92) for pid, img in images.items()})


def _check(registry, img: Image.Image):
    query = compute_query(img)
    return rank(query, registry.index.search(query, candidates_to_verify(query)), registry.load, top=5)


@pytest.mark.parametrize(("pid", "side"), [(10, 55), (11, 64), (12, 70), (13, 50), (10, 75), (12, 50)])
def test_a_thumbnail_of_a_small_registered_photo_is_a_match(small_registry, pid, side):
    """Real photographs (the rule is calibrated on real ones: bench/eth80.py; a drawn object's hard edges move
    its thumbnail's dHash further, and it stays `possible`)."""
    found = _check(small_registry, _small(small_registry.images[pid], side))
    assert found[0].record_id == 100 + pid
    assert found[0].verdict == "match", found[0].evidence
    assert found[0].score >= 0.8


@pytest.mark.parametrize("img", [
    pytest.param(lambda: Image.fromarray(skdata.camera()), id="real photo of a cameraman"),
    pytest.param(lambda: Image.fromarray(skdata.coins()), id="real photo of coins"),
    pytest.param(lambda: make_object(2100), id="another drawn object"),
    pytest.param(lambda: _vase(52), id="another terracotta vase"),
    pytest.param(lambda: _vase(53), id="a third terracotta vase"),
])
def test_a_small_photo_of_an_unregistered_object_is_not_a_match(small_registry, img):
    for side in (50, 64, 96):
        assert all(m.verdict != "match" for m in _check(small_registry, _small(img(), side)))


def test_the_rule_is_for_small_photos_only(small_registry):
    """A large photo whose hashes are near but that verifies nothing is not called a match by this rule."""
    query = compute_query(_small(small_registry.images[20], 640))
    assert query.source_side == 640
    found = rank(query, small_registry.index.search(query, candidates_to_verify(query)), small_registry.load, top=5)
    assert not any(m.evidence["small_photo_near_copy"] for m in found)


STUDIO_PHOTOS = {30: skdata.coffee, 31: skdata.chelsea, 32: skdata.astronaut, 33: skdata.rocket,
                 34: skdata.immunohistochemistry}


@pytest.fixture(scope="module")
def studio_registry():
    """Real photographs' discs on white studio paper whose light falls off, each registered only at 128 px."""
    from conftest import Registry

    return Registry({pid: _small(on_falling_light(load(), pid), REGISTERED_SIDE, 92)
                     for pid, load in STUDIO_PHOTOS.items()})


@pytest.mark.parametrize(("pid", "side"), [(30, 52), (31, 50), (31, 52), (32, 50), (33, 50), (33, 58), (34, 58),
                                           (34, 60)])
def test_a_thumbnail_of_a_small_studio_photo_is_a_near_copy_by_its_whole_frame(studio_registry, pid, side):
    """Copies that verify fewer cells than a `match` by areas: the object's hashes cannot say it is a copy (the
    thumbnail's paper is cut out, or not, otherwise than the registered photo's); the whole frame's pHash, with
    the cells its pixels allow, does (ranking.FRAME_COPY_PHASH). Before it, these were `possible`, or a `match`
    only as the one record of five that verified 10 or more cells (`distinct`)."""
    found = _check(studio_registry, _small(studio_registry.images[pid], side))
    assert found[0].record_id == 100 + pid
    assert found[0].verdict == "match", found[0].evidence
    assert found[0].evidence["small_photo_near_copy"], found[0].evidence


DARK_PAPER = {"light": (15, 8), "grain": 3.0}  # black paper, a little lighter at the bottom, a camera's noise


@pytest.fixture(scope="module")
def dark_studio_registry():
    """The same discs on black paper: at 128 px its grain keeps the border from being one colour; in a thumbnail
    the grain is averaged away, the paper is plain, and the check cuts the disc out of it."""
    from conftest import Registry

    return Registry({pid + 10: _small(on_falling_light(load(), pid + 10, **DARK_PAPER), REGISTERED_SIDE, 92)
                     for pid, load in STUDIO_PHOTOS.items()})


@pytest.mark.parametrize(("pid", "side"), [(41, 58), (41, 75), (43, 50), (44, 50), (44, 75)])
def test_a_thumbnail_cut_out_of_paper_the_registered_photo_was_not_is_matched_by_its_whole_frame(
        dark_studio_registry, pid, side):
    """A small photo's whole frame is verified too (ranking._always_tried): here it, not the cut-out disc, is
    the registered photo's framing."""
    found = _check(dark_studio_registry, _small(dark_studio_registry.images[pid], side))
    assert found[0].record_id == 100 + pid
    assert found[0].verdict == "match", found[0].evidence
    assert found[0].evidence["query_variant"] == "full"


@pytest.mark.parametrize(("registry", "first_seed", "paper"), [("studio_registry", 30, {}),
                                                              ("dark_studio_registry", 40, DARK_PAPER)])
def test_a_thumbnail_of_another_disc_on_the_same_paper_is_not_a_match(request, registry, first_seed, paper):
    """The same paper, the same light, a disc of the same size: only the disc differs."""
    registered = request.getfixturevalue(registry)
    for seed, load in enumerate((skdata.camera, skdata.coins, skdata.moon, skdata.hubble_deep_field)):
        for side in (50, 64, 75):
            img = _small(on_falling_light(load(), first_seed + seed, **paper), REGISTERED_SIDE, 92)
            assert all(m.verdict != "match" for m in _check(registered, _small(img, side))), (load.__name__, side)


SMOOTH_PHOTOS = {50: skdata.coffee, 51: skdata.chelsea, 52: skdata.astronaut, 53: skdata.rocket,
                 54: skdata.immunohistochemistry}


def _smooth(photo: np.ndarray) -> np.ndarray:
    """A real photo so far out of focus that it is a smooth object's surface, an apple's or a glazed cup's."""
    return np.asarray(Image.fromarray(photo).convert("RGB").filter(ImageFilter.GaussianBlur(40)))


@pytest.fixture(scope="module")
def smooth_registry():
    """Smooth discs on white studio paper whose light falls off, each registered only at 128 px."""
    from conftest import Registry

    return Registry({pid: _small(on_falling_light(_smooth(load()), pid), REGISTERED_SIDE, 92)
                     for pid, load in SMOOTH_PHOTOS.items()})


@pytest.mark.parametrize(("pid", "side"), [(52, 50), (54, 50), (54, 60)])
def test_a_thumbnail_of_a_smooth_object_is_a_near_copy_by_its_whole_frame_alone(smooth_registry, pid, side):
    """A thumbnail that gives ORB nothing to verify (ranking.FRAME_TWIN_PHASH): its whole frame's pHash equals the
    registered photo's and its colours are the object's. Before it, `possible` or `no_match`."""
    found = _check(smooth_registry, _small(smooth_registry.images[pid], side))
    assert found[0].record_id == 100 + pid
    assert found[0].evidence["inlier_cells"] < ranking.NEAR_COPY_MIN_CELLS
    assert found[0].verdict == "match", found[0].evidence
    assert found[0].evidence["small_photo_near_copy"]


def _other_colours(img: Image.Image, hue_shift: int) -> Image.Image:
    hsv = np.asarray(img.convert("HSV")).copy()
    hsv[..., 0] = (hsv[..., 0].astype(np.int32) + hue_shift) % 256
    return Image.fromarray(hsv, "HSV").convert("RGB")


@pytest.mark.parametrize("hue_shift", [64, 128])
def test_a_thumbnail_of_the_same_shape_in_other_colours_is_not_a_match(smooth_registry, hue_shift):
    """The same disc on the same paper, its colours turned round the hue circle: its whole frame's pHash (of its
    lightness) may be the registered photo's, its colours are not. (Where its corners verify, it is a copy of the
    photo with its colours edited, and FRAME_COPY_PHASH may call it one.)"""
    for pid in SMOOTH_PHOTOS:
        for side in (50, 60):
            found = _check(smooth_registry, _small(_other_colours(smooth_registry.images[pid], hue_shift), side))
            unverified = [m for m in found if m.evidence["inlier_cells"] < ranking.NEAR_COPY_MIN_CELLS]
            assert all(m.verdict != "match" for m in unverified), (pid, side, found[0].evidence)
