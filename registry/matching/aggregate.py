"""A 128-bit code that summarises a photo's ORB descriptors (VLAD, then signs of 128 projections).

Global hashes of the whole picture change when the background, the crop or the rotation changes;
the set of local descriptors of the object mostly does not. VLAD aggregates them into one vector
(sum of residuals to a small codebook); the code keeps the signs of its projections on 128 axes,
so that similar photos get codes at a small Hamming distance.

The axes are the first 128 principal axes of VLAD vectors of natural photos, turned by a fixed
random rotation so that each bit carries about the same variance. Random axes (SimHash) were
used before: the principal axes put the right record among the 10 nearest codes in 0.935 of bench
queries instead of 0.875 (bench/README.md).

The codebook (16 centres) and the axes are trained by ``python bench/build_codebook.py`` on photos
that ship with scikit-image, and shipped in ``data/``: nothing is downloaded.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

CODE_BITS = 128
CODE_WORDS = CODE_BITS // 64
CODEBOOK_PATH = Path(__file__).with_name("data") / "orb_codebook.npy"
PROJECTION_PATH = Path(__file__).with_name("data") / "orb_projection.npz"


@lru_cache(maxsize=1)
def codebook() -> np.ndarray:
    """(K, 256) float32 centres of ORB descriptors read as +-1 bit vectors."""
    centres = np.load(CODEBOOK_PATH, allow_pickle=False).astype(np.float32)
    if len(centres) != N_CELLS:
        raise ValueError(f"the codebook has {len(centres)} centres, N_CELLS says {N_CELLS}")
    return centres


N_CELLS = 16  # centres in the shipped codebook (checked when it is loaded)


@lru_cache(maxsize=1)
def _projection() -> tuple[np.ndarray, np.ndarray]:
    """(mean (K*256,), matrix (K*256, CODE_BITS)) of the code projection."""
    with np.load(PROJECTION_PATH, allow_pickle=False) as data:
        mean, matrix = data["mean"].astype(np.float32), data["matrix"].astype(np.float32)
    if matrix.shape != (codebook().size, CODE_BITS) or mean.shape != (codebook().size,):
        raise ValueError("the code projection does not fit the codebook: run bench/build_codebook.py")
    return mean, matrix


def signed_bits(descriptors: np.ndarray) -> np.ndarray:
    """(n, 256) float32 +-1 version of (n, 32) uint8 binary descriptors."""
    return np.unpackbits(descriptors, axis=1).astype(np.float32) * 2.0 - 1.0


@lru_cache(maxsize=1)
def _half_norms() -> np.ndarray:
    centres = codebook()
    return 0.5 * (centres * centres).sum(axis=1)


def nearest_centre(signed: np.ndarray) -> np.ndarray:
    return np.argmax(signed @ codebook().T - _half_norms(), axis=1)


def describe(descriptors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cells, code): the nearest codebook centre of each descriptor, and the photo's 128-bit code as
    (CODE_WORDS,) uint64 words. Both come from one assignment of the descriptors to the codebook."""
    if len(descriptors) == 0:
        return np.zeros(0, np.intp), np.zeros(CODE_WORDS, np.uint64)  # no features: no code to compare
    x = signed_bits(descriptors)
    nearest = nearest_centre(x)
    return nearest, _code_of(vlad(x, nearest))


def vlad(x: np.ndarray, nearest: np.ndarray) -> np.ndarray:
    """Intra-normalised, power-normalised VLAD vector (K*256,) of +-1 descriptors and their centres.

    Same vector as ``vlads(x, nearest, all_of_them)``, by a one-hot product: ~2x faster for one set.
    """
    centres = codebook()
    onehot = np.zeros((len(x), len(centres)), np.float32)
    onehot[np.arange(len(x)), nearest] = 1.0
    return _normalised((onehot.T @ x - onehot.sum(axis=0)[:, None] * centres)[None])[0]


def vlads(x: np.ndarray, nearest: np.ndarray, members: np.ndarray) -> np.ndarray:
    """(W, K*256) VLAD vectors of W subsets of the same descriptors (``members``: (W, n) bool).

    Sums of +-1 values are exact in float32, so a subset's vector does not depend on how it was summed.
    """
    centres = codebook()
    weights = members.astype(np.float32)
    sums = np.empty((len(members), len(centres), x.shape[1]), np.float32)
    counts = np.empty((len(members), len(centres), 1), np.float32)
    for c in range(len(centres)):  # one small product per centre instead of a one-hot (n, K) matrix per subset
        in_cell = nearest == c
        sums[:, c] = weights[:, in_cell] @ x[in_cell]
        counts[:, c, 0] = weights[:, in_cell].sum(axis=1)
    return _normalised(sums - counts * centres[None])


def _normalised(residuals: np.ndarray) -> np.ndarray:
    """(W, K*256) VLAD vectors from (W, K, 256) sums of residuals per centre."""
    out = residuals / np.maximum(np.linalg.norm(residuals, axis=2, keepdims=True), 1e-6)  # intra-normalisation:
    # a burst of similar corners counts once per centre
    v = out.reshape(len(residuals), -1)
    v = np.sign(v) * np.sqrt(np.abs(v))
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-6)


def _code_of(vector: np.ndarray) -> np.ndarray:
    return _codes_of(vector[None])[0]


def _codes_of(vectors: np.ndarray) -> np.ndarray:
    """(W, CODE_WORDS) uint64 codes of (W, K*256) VLAD vectors."""
    mean, matrix = _projection()
    bits = ((vectors - mean) @ matrix) > 0
    return np.packbits(bits, axis=1).view(">u8").astype(np.uint64)


WINDOWS = ((0.6, 3), (0.4, 4))  # sub-windows of a busy frame: 3 x 3 positions of 60 % of the frame's width and
# height, 4 x 4 of 40 %. Bench, objects on photographed backgrounds: right record among the candidates 0.914 (60 %
# only) -> 0.943; at 1 M photos R@1 0.671 -> 0.686 (angle + edits 0.943 -> 0.957)
WINDOW_MIN_KEYPOINTS = 30


def window_boxes(size: tuple[int, int]) -> list[tuple[float, float, float, float]]:
    """(x0, y0, x1, y1) of the sub-windows of a ``size`` frame, evenly spread from corner to corner."""
    w, h = size
    boxes = []
    for side, n in WINDOWS:
        for fx in np.linspace(0.0, 1.0, n):
            for fy in np.linspace(0.0, 1.0, n):
                x0, y0 = (1 - side) * w * fx, (1 - side) * h * fy
                boxes.append((x0, y0, x0 + side * w, y0 + side * h))
    return boxes


def window_codes(keypoints: np.ndarray, descriptors: np.ndarray, cells: np.ndarray,
                 size: tuple[int, int]) -> np.ndarray:
    """(n, CODE_WORDS) codes of the keypoints inside each sub-window (:func:`window_boxes`) of a ``size`` frame
    that holds at least WINDOW_MIN_KEYPOINTS of them.

    An object photographed on a busy background fills only part of the frame; the code of the
    sub-window around it is nearer to the code of its registered photo than the whole frame's is.
    """
    if len(descriptors) == 0:
        return np.zeros((0, CODE_WORDS), np.uint64)
    boxes = np.array(window_boxes(size), np.float32)
    px, py = keypoints[:, 0][None], keypoints[:, 1][None]
    members = ((px >= boxes[:, :1]) & (px < boxes[:, 2:3]) & (py >= boxes[:, 1:2]) & (py < boxes[:, 3:4]))
    members = members[members.sum(axis=1) >= WINDOW_MIN_KEYPOINTS]
    if len(members) == 0:
        return np.zeros((0, CODE_WORDS), np.uint64)
    return _codes_of(vlads(signed_bits(descriptors), cells, members))
