"""A photo's re-ranking features as a bank keeps them: cut to the keypoints that cover the most of it, and without
what the bank holds already (the index key's words), rebuilt for the engine when a check asks for them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from registry.matching import features as matching_features

BYTES_PER_KEYPOINT = 8 + 32 + 1 + 1  # position (2 x float32), ORB descriptor, orientation, codebook cell
SPREAD_CELL = 32  # px: verdicts count the 32-px cells a match's inliers cover, so a thinned photo keeps its spread
_DESCRIPTOR = 32


@dataclass
class BankFeatures:
    """What a bank keeps of a photo's features: its colours and size, and its kept keypoints (bank layout)."""

    colour: bytes  # float16 histogram
    size: bytes  # 2 x int32
    keypoints: bytes  # positions, descriptors, orientations, cells of the kept keypoints, one array after another

    @property
    def keypoint_count(self) -> int:
        """How many keypoints are kept."""
        return len(self.keypoints) // BYTES_PER_KEYPOINT


def keypoints_in(blob: bytes) -> int:
    """How many keypoints a features blob holds."""
    return len(matching_features.unpack_features(blob)["kp"])


def for_bank(blob: bytes, keep: int | None = None) -> BankFeatures:
    """The bank's part of a features blob, with at most `keep` keypoints (None: all), taken in turn from each 32-px
    cell of the photo, so that what is kept still covers as much of the object as it can."""
    parts = matching_features.unpack_features(blob)
    chosen = np.arange(len(parts["kp"])) if keep is None else spread_out(parts["kp"], keep)
    keypoints = b"".join(np.ascontiguousarray(a).tobytes() for a in (
        parts["kp"][chosen].astype("<f4"), parts["desc"][chosen].astype(np.uint8),
        parts["angle"][chosen].astype(np.uint8), parts["cells"][chosen].astype(np.uint8)))
    return BankFeatures(_bank_colours(parts["colour"]), parts["size"].astype("<i4").tobytes(), keypoints)


COLOUR_BINS = matching_features.COLOUR_BINS + matching_features.OBJECT_COLOUR_BINS  # a photo's colours in a bank


def _bank_colours(stored: np.ndarray) -> bytes:
    """A photo's colours at the bank's fixed size: the frame's, then its object's hues (zeros where it has none;
    their chroma left out: 512 bytes more a photo, and a check from the bank ranks by the hues)."""
    frame, own = matching_features.frame_and_object_colours(stored)
    own = matching_features.hues_only(own) if len(own) else np.zeros(matching_features.OBJECT_COLOUR_BINS, np.float32)
    return np.concatenate([frame, own]).astype("<f2").tobytes()


def _engine_colours(colour: bytes) -> np.ndarray:
    """The colours the engine's blob holds, from the bank's (no object colours where the bank has zeros)."""
    stored = np.frombuffer(colour, "<f2")
    frame, own = matching_features.frame_and_object_colours(stored)
    return stored if own.any() else frame


def engine_blob(kept: BankFeatures, index_key: bytes) -> bytes:
    """The features blob the matching engine reads, rebuilt from what the bank kept and the photo's index key."""
    n = kept.keypoint_count
    data, offset = kept.keypoints, 0
    arrays = []
    for dtype, width in (("<f4", 2), (np.uint8, _DESCRIPTOR), (np.uint8, 1), (np.uint8, 1)):
        itemsize = np.dtype(dtype).itemsize
        count = n * width
        arrays.append(np.frombuffer(data, dtype, count=count, offset=offset).reshape((n, width) if width > 1 else (n,)))
        offset += count * itemsize
    kp, desc, angle, cells = arrays
    return matching_features.pack_features(kp, desc, angle, _engine_colours(kept.colour),
                                           tuple(int(v) for v in np.frombuffer(kept.size, "<i4")),
                                           np.frombuffer(index_key, "<u8"), cells)


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
