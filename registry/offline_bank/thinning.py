"""Fitting a bank to its size: a photo's re-ranking features cut to the keypoints that cover the most of it."""

from __future__ import annotations

import numpy as np

from registry.matching import features as matching_features

BYTES_PER_KEYPOINT = 8 + 32 + 1 + 1  # position, ORB descriptor, orientation, codebook cell (matching.features)
SPREAD_CELL = 32  # px: verdicts count the 32-px cells a match's inliers cover, so a thinned photo keeps its spread


def keypoints_in(blob: bytes) -> int:
    """How many keypoints a features blob holds."""
    return len(matching_features.unpack_features(blob)["kp"])


def thin(blob: bytes, keep: int) -> bytes:
    """The blob with at most `keep` keypoints, taken in turn from each 32-px cell of the photo (so that what is
    kept still covers as much of the object as it can); colours, size and codes are kept whole."""
    parts = matching_features.unpack_features(blob)
    if len(parts["kp"]) <= keep:
        return blob
    chosen = spread_out(parts["kp"], keep)
    return matching_features.pack_features(parts["kp"][chosen], parts["desc"][chosen], parts["angle"][chosen],
                                           parts["colour"], tuple(int(v) for v in parts["size"]), parts["words"],
                                           parts["cells"][chosen])


def spread_out(points: np.ndarray, keep: int) -> np.ndarray:
    """Indices of `keep` points: the first of every grid cell, then the second of every cell, and so on."""
    if keep <= 0:
        return np.zeros(0, np.intp)
    cells = (points // SPREAD_CELL).astype(np.int64)
    cell_id = cells[:, 1] * 100_000 + cells[:, 0]
    order = np.argsort(cell_id, kind="stable")
    sorted_ids = cell_id[order]
    first_of_cell = np.searchsorted(sorted_ids, sorted_ids, side="left")
    rank_in_cell = np.arange(len(order)) - first_of_cell
    by_turn = order[np.lexsort((np.arange(len(order)), rank_in_cell))]
    return np.sort(by_turn[:keep])
