"""Everything a check initialises on first use, done once when a process loads its index.

The first check of a process otherwise paid ~170 ms more than the next ones: OpenCV builds its
colour-conversion tables on the first call, the code projection is read from the package, and the
descriptor matcher is compiled (or loaded from Numba's cache).
"""
from __future__ import annotations

import numpy as np
from PIL import Image

from .index import HashIndex
from .ranking import rank
from .signature import compute_query, compute_signature


def warm_up() -> None:
    """Register a generated picture in a one-photo index and check it (which also compiles the kernels)."""
    picture = _checkerboard()
    signature = compute_signature(picture)
    index = HashIndex()
    index.add(1, 1, signature.index_key)
    query = compute_query(picture)
    rank(query, index.search(query, 1), lambda ids: {i: signature.features for i in ids})
    index.add(2, 2, signature.index_key)  # the pre-filter's kernels, which an index of fewer rows than it keeps skips
    index._prefilter(query.variants[0].hash_words[:1, 0], query.variants[0].features.code[None], keep=1)


def _checkerboard() -> Image.Image:
    rng = np.random.default_rng(0)
    tiles = rng.integers(0, 256, (12, 12, 3), dtype=np.uint8)
    return Image.fromarray(np.kron(tiles, np.ones((24, 24, 1), np.uint8)))
