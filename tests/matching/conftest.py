"""Shared fixtures: a tiny registry of real generated images (no mocks)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata

ROOT = Path(__file__).resolve().parents[2]
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from objects import make_object  # noqa: E402

from registry.matching import HashIndex, compute_signature, ranking  # noqa: E402
from registry.matching.types import QuerySignature  # noqa: E402


class Registry:
    """Registered photos, their blobs and an index built from them."""

    def __init__(self, images: dict[int, Image.Image]) -> None:
        self.images = images
        self.index = HashIndex()
        self.blobs: dict[int, bytes] = {}
        for pid, img in images.items():
            sig = compute_signature(img)
            self.index.add(pid, 100 + pid, sig.index_key)
            self.blobs[pid] = sig.features

    def load(self, ids: list[int]) -> dict[int, bytes]:
        """load_features callback."""
        return {i: self.blobs[i] for i in ids if i in self.blobs}


@pytest.fixture(scope="session")
def registry() -> Registry:
    """Twelve registered objects: procedural ones and skimage photos."""
    imgs = {i: make_object(1000 + i) for i in range(8)}
    imgs[8] = Image.fromarray(skdata.astronaut())
    imgs[9] = Image.fromarray(skdata.coffee())
    imgs[10] = Image.fromarray(skdata.chelsea())
    imgs[11] = Image.fromarray(skdata.rocket())
    return Registry(imgs)


@pytest.fixture()
def rng() -> np.random.Generator:
    """Deterministic RNG."""
    return np.random.default_rng(42)


def ranked_records(query: QuerySignature, photos: list) -> list:
    """Verified photos (``ranking._PhotoResult``) ranked into records as a check ranks them, without fields."""
    groups = ranking._group(list(photos))
    scored = ranking._best_first([(ranking._record_score(g, ranking._NO_FIELDS), rid, g, ranking._NO_FIELDS)
                                  for rid, g in groups.items()])
    return [ranking._record_match(rid, g, ranking._NO_FIELDS, score, query, np.zeros(1, bool))
            for score, rid, g, _ in scored]
