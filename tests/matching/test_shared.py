"""Parts of a query photo that verify several records (a studio's scale bar, a colour chart) are not evidence."""
from __future__ import annotations

import numpy as np
import pytest

import edits
from objects import make_object, with_props

from registry.matching import HashIndex, compute_query, compute_signature, rank, shared
from registry.matching.shared import GRID, RecordInliers, shared_parts, variant_mask


class _PropsRegistry:
    def __init__(self, n: int) -> None:
        rng = np.random.default_rng(0)
        self.index, self.blobs = HashIndex(), {}
        self.images = [with_props(make_object(300000 + i), rng) for i in range(n)]
        for i, img in enumerate(self.images):
            sig = compute_signature(img)
            self.index.add(i, i, sig.index_key)
            self.blobs[i] = sig.features

    def check(self, img):  # noqa: ANN001, ANN201
        q = compute_query(img)
        return rank(q, self.index.search(q, 60), lambda ids: {i: self.blobs[i] for i in ids}, top=5)


@pytest.fixture(scope="module")
def props_registry() -> _PropsRegistry:
    return _PropsRegistry(12)


def _strangers() -> list:
    rng = np.random.default_rng(5)
    return [edits.jpeg(with_props(make_object(400000 + j), rng), rng, 80) for j in range(8)]


def test_a_stranger_photographed_with_the_registrys_props_is_not_flagged(props_registry) -> None:
    for img in _strangers():
        res = props_registry.check(img)
        assert res and all(m.verdict != "match" for m in res)
        assert res[0].evidence["shared_parts_ignored"] > 0  # the evidence says parts were left out


def test_without_the_rule_the_props_would_accuse_the_stranger(props_registry, monkeypatch) -> None:
    monkeypatch.setattr(shared, "SHARED_MIN_RECORDS", 10**6)
    flagged = [any(m.verdict == "match" for m in props_registry.check(img)) for img in _strangers()]
    assert all(flagged)


def test_parts_that_verified_three_records_are_shared() -> None:
    q = compute_query(make_object(8))
    v = q.variants[0]
    x = v.features.keypoints[:, 0]
    left_edge, right_edge = np.percentile(x, 30), np.percentile(x, 70)
    left, right = np.flatnonzero(x < left_edge), np.flatnonzero(x > right_edge)
    verified = [RecordInliers(1, v.name, 20, left), RecordInliers(2, v.name, 20, left),
                RecordInliers(3, v.name, 20, left),
                RecordInliers(4, v.name, 20, right), RecordInliers(5, v.name, 20, right),  # two records: not shared
                RecordInliers(6, v.name, 5, right)]  # too few cells to count
    grid = shared_parts(verified, q)
    x0, _, x1, _ = v.box
    columns = np.flatnonzero(grid.any(axis=0))
    assert len(columns) and (columns.max() + 1) / GRID <= x0 + (left_edge / v.size[0]) * (x1 - x0) + 1 / GRID
    mask = variant_mask(v, grid)
    assert mask.shape == (v.size[1], v.size[0])
    assert (mask[:, : int(left_edge)] == 0).any() and (mask[:, int(right_edge):] == 255).all()
    assert not shared_parts(verified[3:], q).any()


def _with_bar(obj_colour: tuple[int, int, int] = (150, 90, 50), bar_image=None) -> tuple[np.ndarray, tuple]:
    from PIL import Image, ImageDraw

    from objects import scale_bar

    canvas = Image.new("RGB", (700, 620), (235, 233, 228))
    ImageDraw.Draw(canvas).ellipse([150, 40, 450, 440], fill=obj_colour)
    bar = bar_image if bar_image is not None else scale_bar()
    canvas.paste(bar, (100, 520))
    return np.asarray(canvas), (100, 520, 100 + bar.size[0], 520 + bar.size[1])


def test_a_scale_bar_beside_the_object_is_painted_out() -> None:
    from registry.matching.imageops import paint_out_bars

    arr, (x0, y0, x1, y1) = _with_bar()
    out = paint_out_bars(arr)
    bar = out[y0:y1, x0:x1].astype(int)
    assert np.abs(bar - np.array([235, 233, 228])).max() <= 2  # the background's colour
    assert np.array_equal(out[200:300, 250:350], arr[200:300, 250:350])  # the object untouched


def test_a_query_photo_is_hashed_without_its_scale_bar() -> None:
    from PIL import Image

    from registry.matching import compute_query
    from registry.matching import features as ft
    from registry.matching import signature as sg
    from registry.matching.imageops import paint_bars, printed_bars, resize_query, segment, working_array

    photo = Image.fromarray(_with_bar()[0])
    full = resize_query(working_array(photo, sg.QUERY_REDUCE_SIDE), ft.FEATURE_SIDE)
    bars = printed_bars(segment(full, ft.FEATURE_SIDE // 2))
    assert bars is not None
    whole = compute_query(photo).variant("full")  # its hashes begin before the bar is found
    assert np.array_equal(whole.hash_words, sg._hashes(paint_bars(full, bars))[0])
    assert not np.array_equal(whole.hash_words, sg._hashes(full)[0])


def test_an_elongated_object_is_not_a_prop() -> None:
    from PIL import Image

    from registry.matching.imageops import paint_out_bars

    sword = Image.new("RGB", (420, 60), (120, 125, 130))  # grey metal, elongated like a scale bar
    arr, _ = _with_bar(bar_image=sword)
    assert np.array_equal(paint_out_bars(arr), arr)
    from objects import scale_bar

    alone = np.full((300, 700, 3), 235, np.uint8)
    alone[100:170, 150:550] = np.asarray(scale_bar())
    assert np.array_equal(paint_out_bars(alone), alone)  # nothing else in the photo: it is what was photographed


def test_an_object_registered_with_the_studios_props_is_found_from_a_photo_without_them(props_registry) -> None:
    rng = np.random.default_rng(2)
    found = 0
    for i in range(5):
        res = props_registry.check(edits.apply("angle", make_object(300000 + i), rng))
        found += bool(res) and res[0].record_id == i
    assert found >= 4  # before bars were painted out: 0-2 of 20 (bench/props.py)
