"""Everything a check initialises on first use, done once when a process loads its index.

The first check of a process otherwise paid ~170 ms more than the next ones: OpenCV builds its
colour-conversion tables on the first call, the code projection is read from the package, and the
descriptor matcher is compiled (or loaded from Numba's cache).
"""
from __future__ import annotations

import numpy as np
from PIL import Image

from . import features as ft
from .signature import compute_query, compute_signature


def warm_up() -> None:
    """Run one small registration and check on a generated picture (which also compiles the matcher)."""
    picture = _checkerboard()
    registered = ft.unpack_features(compute_signature(picture).features)
    query = compute_query(picture).variants[0].features
    ft.verify(query.keypoints, query.descriptors, registered["kp"], registered["desc"], query.cell_bounds,
              ft.cell_bounds(registered["cells"], len(query.cell_bounds) - 1), query.angles, registered["angle"])


def _checkerboard() -> Image.Image:
    rng = np.random.default_rng(0)
    tiles = rng.integers(0, 256, (12, 12, 3), dtype=np.uint8)
    return Image.fromarray(np.kron(tiles, np.ones((24, 24, 1), np.uint8)))
