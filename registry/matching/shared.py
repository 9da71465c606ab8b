"""Parts of a query photo that several records share: a photographer's props, not evidence of identity.

One object is registered once. When the same part of a query photo verifies three or more different
records, it shows something their photos have in common (a scale bar, a colour chart, a backdrop, a
watermark, or a series made alike, such as coins of one die) and says nothing about which object
this is. Ranking looks a few candidates past its first clear match for such parts and, when it
finds one, describes the query again without it and verifies the candidates again.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Iterable, NamedTuple

import numpy as np

from .types import QuerySignature, QueryVariant

GRID = 20  # the query photo is cut into GRID x GRID parts (5 % of its sides)
SHARED_MIN_RECORDS = 3  # a part where inliers verified this many different records is shared
SHARED_MIN_CELLS = 10  # ... counting the records verified to at least this many cells (a "possible")


class RecordInliers(NamedTuple):
    """Which query keypoints verified a record's photo."""

    record_id: int
    variant: str
    cells: int
    query_inliers: np.ndarray  # indices into the variant's keypoints


def shared_parts(verified: Iterable[RecordInliers], query: QuerySignature) -> np.ndarray:
    """(GRID, GRID) bool: the parts of the query photo (row, column) whose inliers verified
    SHARED_MIN_RECORDS different records or more."""
    parts_of_record: dict[int, set[int]] = {}
    for v in verified:
        if v.cells >= SHARED_MIN_CELLS:
            variant = query.variant(v.variant)
            parts = _parts(variant, variant.features.keypoints[v.query_inliers])
            parts_of_record.setdefault(v.record_id, set()).update(parts.tolist())
    counts = Counter(part for parts in parts_of_record.values() for part in parts)
    grid = np.zeros(GRID * GRID, bool)
    grid[[part for part, n in counts.items() if n >= SHARED_MIN_RECORDS]] = True
    return grid.reshape(GRID, GRID)


def _photo_fractions(variant: QueryVariant, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x0, y0, x1, y1 = variant.box
    w, h = variant.size
    return x0 + xs / w * (x1 - x0), y0 + ys / h * (y1 - y0)


def _grid_index(fractions: np.ndarray) -> np.ndarray:
    return np.clip((fractions * GRID).astype(np.intp), 0, GRID - 1)


def _parts(variant: QueryVariant, keypoints: np.ndarray) -> np.ndarray:
    fx, fy = _photo_fractions(variant, keypoints[:, 0], keypoints[:, 1])
    return _grid_index(fy) * GRID + _grid_index(fx)


def variant_mask(variant: QueryVariant, shared: np.ndarray) -> np.ndarray:
    """uint8 mask of the variant's picture: 0 over the shared parts of the photo, 255 elsewhere."""
    w, h = variant.size
    fx, fy = _photo_fractions(variant, np.arange(w) + 0.5, np.arange(h) + 0.5)
    return np.where(shared[_grid_index(fy)[:, None], _grid_index(fx)[None, :]], 0, 255).astype(np.uint8)


def without_shared(query: QuerySignature, shared: np.ndarray) -> QuerySignature:
    """The query described again without its shared parts. Variants whose features were never extracted
    are left out (which of their parts are shared was not seen), as are those left with nothing."""
    variants = []
    for v in query.variants:
        if v.pending:
            continue
        mask = variant_mask(v, shared)
        if mask.all():
            variants.append(v)
        elif mask.any() and v.describe is not None:
            variants.append(QueryVariant(v.name, v.hash_words, v.colour_hist, v.size, features=v.describe(mask),
                                         box=v.box, describe=v.describe, backdrop=v.backdrop_mask,
                                         object_colours=lambda _mask, v=v: v.object_colours()))
    return replace(query, variants=variants)


def unshared_cells(variant: QueryVariant, query_inliers: np.ndarray, shared: np.ndarray, cell_px: int) -> int:
    """Cells (``cell_px`` pixels of the variant's picture) covered by the inliers outside the shared parts:
    what a verification found besides the props."""
    kp = variant.features.keypoints[query_inliers]
    parts = _parts(variant, kp)
    outside = kp[~shared.ravel()[parts] & ~variant.on_backdrop(kp)]
    return len(np.unique((outside // cell_px).astype(np.int64), axis=0))
