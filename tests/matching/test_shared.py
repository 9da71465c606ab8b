"""Parts of a query photo that verify several records (a studio's scale bar, a colour chart) are not evidence."""
from __future__ import annotations

import numpy as np
import pytest

import edits
from objects import make_object, with_props

from registry.matching import HashIndex, compute_query, compute_signature, rank, shared
from registry.matching.shared import GRID, Verified, shared_parts, variant_mask


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
    return [edits.jpeg(with_props(make_object(400000 + j), rng), rng, 80) for j in range(3)]


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
    verified = [Verified(1, v.name, 20, left), Verified(2, v.name, 20, left), Verified(3, v.name, 20, left),
                Verified(4, v.name, 20, right), Verified(5, v.name, 20, right),  # only two records: not shared
                Verified(6, v.name, 5, right)]  # too few cells to count
    grid = shared_parts(verified, q)
    x0, _, x1, _ = v.box
    columns = np.flatnonzero(grid.any(axis=0))
    assert len(columns) and (columns.max() + 1) / GRID <= x0 + (left_edge / v.size[0]) * (x1 - x0) + 1 / GRID
    mask = variant_mask(v, grid)
    assert mask.shape == (v.size[1], v.size[0])
    assert (mask[:, : int(left_edge)] == 0).any() and (mask[:, int(right_edge):] == 255).all()
    assert not shared_parts(verified[3:], q).any()
