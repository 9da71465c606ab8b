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


def on_falling_light(photo: np.ndarray, seed: int, side: int = 256, light: tuple[float, float] = (222, 24),
                     grain: float = 2.0) -> Image.Image:
    """A disc of a real photo (a plate, a coin, a medallion) on studio paper whose light falls off from bottom to
    top, as under one lamp (``light``: the paper's lightness at the top, and how much lighter it is at the bottom),
    with a camera's ``grain``: at 128 px the paper's border is not one colour (imageops.isolate_object leaves the
    photo whole; imageops.isolate_object_off_shaded_paper cuts the disc out of it)."""
    rng = np.random.default_rng(seed)
    y = np.linspace(0.0, 1.0, side, dtype=np.float32)[:, None, None]
    tint = rng.uniform(0.97, 1.03, 3).astype(np.float32)
    paper = (light[0] + light[1] * y) * tint + rng.normal(0, grain, (side, side, 1))
    disc = np.asarray(Image.fromarray(photo).convert("RGB").resize((side * 5 // 8, side * 5 // 8)), np.float32)
    d, top = disc.shape[0], (side - disc.shape[0]) // 2
    yy, xx = np.mgrid[:d, :d]
    inside = ((yy - d / 2) ** 2 + (xx - d / 2) ** 2 < (d / 2) ** 2)[..., None]
    paper[top:top + d, top:top + d] = np.where(inside, disc, paper[top:top + d, top:top + d])
    return Image.fromarray(np.clip(paper, 0, 255).astype(np.uint8))
