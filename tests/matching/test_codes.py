"""The ORB code: shipped projection, sub-window codes of busy frames, busy-picture FAST threshold."""
from __future__ import annotations

import numpy as np
import pytest
from objects import make_object
from PIL import Image
from skimage import data as skdata

from registry.matching import aggregate as ag
from registry.matching import compute_query, compute_signature
from registry.matching import features as ft
from registry.matching.signature import key_to_words
from registry.matching.types import is_object_variant


def _code_distance(a: np.ndarray, b: np.ndarray) -> int:
    return int(sum(bin(int(x) ^ int(y)).count("1") for x, y in zip(a, b)))


def _registered_code(img: Image.Image) -> np.ndarray:
    return key_to_words(compute_signature(img).index_key)[4:6]


def _busy_frame(obj: Image.Image) -> Image.Image:
    """The object at 55 % of the frame's side in a corner of a photo of gravel (corners everywhere)."""
    gravel = np.stack([skdata.gravel()] * 3, axis=2)
    scene = np.asarray(Image.fromarray(gravel).resize((640, 640))).copy()
    small = np.asarray(obj.convert("RGB").resize((352, 352)))
    scene[-352:, -352:] = small
    return Image.fromarray(scene)


def test_projection_ships_with_the_package_and_fits_the_codebook() -> None:
    mean, matrix = ag._projection()
    assert matrix.shape == (ag.N_CELLS * 256, ag.CODE_BITS) and mean.shape == (ag.N_CELLS * 256,)
    assert np.isfinite(matrix).all() and ag.PROJECTION_PATH.is_file()


def test_the_same_object_gets_a_nearer_code_than_a_stranger() -> None:
    obj = Image.fromarray(skdata.coffee())
    turned = obj.rotate(12, expand=True, fillcolor=(255, 255, 255)).resize((300, 240))
    near = _code_distance(_registered_code(obj), compute_query(turned).variants[0].features.code)
    far = _code_distance(_registered_code(obj), compute_query(make_object(4242)).variants[0].features.code)
    assert near < far and near < 40


def test_busy_frame_gets_sub_window_codes_nearer_to_the_object() -> None:
    obj = Image.fromarray(skdata.astronaut())
    query = compute_query(_busy_frame(obj))
    names = [v.name for v in query.variants]
    assert names[0] == "full" and not any(is_object_variant(n) for n in names)  # nothing plain to cut the object out of
    assert query.window_codes.shape[1] == 2 and 1 <= len(query.window_codes) <= len(ag.window_boxes((640, 640))) == 25
    registered = _registered_code(obj)
    whole = _code_distance(registered, query.variants[0].features.code)
    best_window = min(_code_distance(registered, c) for c in query.window_codes)
    assert best_window + 5 <= whole  # bench figures: 44 bits for the whole frame, 33 for the best window


def test_object_on_a_plain_background_has_no_sub_window_codes() -> None:
    page = Image.new("RGB", (640, 640), (250, 250, 250))
    page.paste(Image.fromarray(skdata.astronaut()).resize((300, 300)), (170, 170))
    query = compute_query(page)
    assert query.variants[0].name == "object" and len(query.window_codes) == 0


@pytest.mark.parametrize("busy", [False, True])
def test_fast_threshold_follows_how_busy_the_picture_is(busy: bool) -> None:
    rng = np.random.default_rng(1)
    if busy:
        arr = rng.integers(0, 256, (480, 480, 3), dtype=np.uint8)  # noise: a corner everywhere
    else:
        arr = np.asarray(make_object(11).convert("RGB").resize((480, 480)))
    gray = np.ascontiguousarray(arr[..., 1])
    expected = ft.BUSY_FAST_THRESHOLD if busy else ft.FAST_THRESHOLD
    assert ft._fast_threshold_for(gray) == expected
    kp, desc, angles = ft.extract_features(arr)
    assert 0 < len(kp) <= ft.MAX_FEATURES and desc.shape == (len(kp), 32) and angles.shape == (len(kp),)
    as_query = ft.extract_features(arr, query=True)[0]
    if busy:  # a busy query frame keeps more keypoints, so that the object's own survive its background's
        assert ft.MAX_FEATURES < len(as_query) <= ft.BUSY_QUERY_FEATURES
    else:
        assert len(as_query) == len(kp)


def test_blob_not_sorted_by_cell_is_refused() -> None:
    blob = bytearray(compute_signature(make_object(5)).features)
    out = ft.unpack_features(bytes(blob))
    n = len(out["kp"])
    cells_at = 16 + n * 8 + n * 32 + n  # header, keypoints, descriptors, orientations, then one cell byte each
    assert out["cells"][0] != out["cells"][-1]
    blob[cells_at], blob[cells_at + n - 1] = blob[cells_at + n - 1], blob[cells_at]
    with pytest.raises(ValueError, match="reindex"):
        ft.unpack_features(bytes(blob))


def test_a_phone_sized_photo_is_reduced_before_matching_and_still_found(registry) -> None:
    from registry.matching import rank
    from registry.matching.imageops import working_array

    big = registry.images[9].resize((4000, 2667), Image.Resampling.BICUBIC)  # a 10-megapixel photo of the coffee cup
    assert working_array(big, 1280).shape[:2] == (889, 1334)  # reduced 3x by a box filter, never below 1280
    query = compute_query(big)
    best = rank(query, registry.index.search(query, 60), registry.load, top=5)[0]
    assert best.record_id == 109 and best.verdict == "match"


def test_busy_frames_verify_more_candidates() -> None:
    from registry.matching import candidates_to_verify
    from registry.matching.ranking import BUSY_FRAME_K, PLAIN_BACKGROUND_K

    canvas = Image.new("RGB", (900, 700), (238, 238, 232))
    canvas.paste(make_object(4).convert("RGB").resize((420, 360)), (240, 170))
    on_plain_background = compute_query(canvas)
    busy = compute_query(Image.fromarray(skdata.astronaut()))
    assert on_plain_background.variants[0].name == "object" and busy.variants[0].name == "full"
    assert candidates_to_verify(on_plain_background) == PLAIN_BACKGROUND_K < candidates_to_verify(busy) == BUSY_FRAME_K


def test_window_codes_are_the_codes_of_each_window_described_alone() -> None:
    f = compute_query(_busy_frame(Image.fromarray(skdata.astronaut()))).variants[0].features
    x = ag.signed_bits(f.descriptors)
    expected = []
    for x0, y0, x1, y1 in ag.window_boxes((640, 640)):
        inside = (f.keypoints[:, 0] >= x0) & (f.keypoints[:, 0] < x1) & (f.keypoints[:, 1] >= y0) & (f.keypoints[:, 1] < y1)
        if inside.sum() >= ag.WINDOW_MIN_KEYPOINTS:
            expected.append(ag._code_of(ag.vlad(x[inside], f.descriptor_cells[inside])))
    got = ag.window_codes(f.keypoints, f.descriptors, f.descriptor_cells, (640, 640))
    assert len(expected) >= 10
    np.testing.assert_array_equal(got, np.stack(expected))


def _on_gravel(obj: Image.Image, side: int = 330) -> tuple[Image.Image, tuple[int, int, int, int]]:
    gravel = np.stack([skdata.gravel()] * 3, axis=2)
    scene = np.asarray(Image.fromarray(gravel).resize((640, 640))).copy()
    x0, y0 = 250, 60
    scene[y0:y0 + side, x0:x0 + side] = np.asarray(obj.convert("RGB").resize((side, side)))
    return Image.fromarray(scene), (x0, y0, x0 + side, y0 + side)


def test_a_smooth_object_on_gravel_gets_a_variant_of_its_own() -> None:
    from registry.matching.imageops import calm_region_box

    frame, (x0, y0, x1, y1) = _on_gravel(make_object(100019))
    box = calm_region_box(np.asarray(frame))
    assert box is not None
    overlap = max(0, min(x1, box[2]) - max(x0, box[0])) * max(0, min(y1, box[3]) - max(y0, box[1]))
    union = (x1 - x0) * (y1 - y0) + (box[2] - box[0]) * (box[3] - box[1]) - overlap
    assert overlap / union > 0.6
    query = compute_query(frame)
    assert [v.name for v in query.variants] == ["full", "cutout", "cutout-on-black", "cutout-on-white", "mirrored"]
    # cut out by its colours, and laid on a studio's black and white
    registered = _registered_code(make_object(100019))
    region = _code_distance(registered, query.variant("cutout").features.code)
    assert region + 10 <= _code_distance(registered, query.variant("full").features.code)


def test_uniformly_busy_and_plain_frames_get_no_region_variant() -> None:
    from registry.matching.imageops import calm_region_box

    gravel = np.ascontiguousarray(np.stack([skdata.gravel()] * 3, axis=2))
    assert calm_region_box(gravel) is None
    assert [v.name for v in compute_query(make_object(100019)).variants] == ["object", "full", "mirrored"]


def test_uniformly_textured_grey_frames_have_no_rare_coloured_region() -> None:
    from registry.matching.imageops import rare_colour_region

    for texture in (skdata.brick(), skdata.gravel(), skdata.grass()):
        assert rare_colour_region(np.ascontiguousarray(np.stack([texture] * 3, axis=2))) is None


def test_one_set_vlad_is_the_vlad_of_all_members() -> None:
    rng = np.random.default_rng(3)
    x = ag.signed_bits(rng.integers(0, 256, (500, 32), dtype=np.uint8))
    nearest = ag.nearest_centre(x)
    np.testing.assert_allclose(ag.vlad(x, nearest), ag.vlads(x, nearest, np.ones((1, 500), bool))[0], atol=1e-6)
