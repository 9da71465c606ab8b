"""A 128-bit code that summarises a photo's ORB descriptors (VLAD, then sign random projection).

Global hashes of the whole picture change when the background, the crop or the rotation changes;
the set of local descriptors of the object mostly does not. VLAD aggregates them into one vector
(sum of residuals to a small codebook), and the signs of 128 random projections of that vector
approximate its angle to another photo's vector (Charikar's SimHash): similar photos get codes at
a small Hamming distance, unrelated ones ~64 of 128 bits apart.

The codebook (16 centres) is trained by ``python bench/build_codebook.py`` on photos that ship with
scikit-image and shipped in ``data/orb_codebook.npy``; the projection is derived from a fixed
SHAKE-256 stream, so every machine computes identical codes without a data file.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np

CODE_BITS = 128
CODE_WORDS = CODE_BITS // 64
CODEBOOK_PATH = Path(__file__).with_name("data") / "orb_codebook.npy"
_PROJECTION_SEED = b"object-id-registry/orb-vlad/1"


@lru_cache(maxsize=1)
def codebook() -> np.ndarray:
    """(K, 256) float32 centres of ORB descriptors read as +-1 bit vectors."""
    centres = np.load(CODEBOOK_PATH, allow_pickle=False).astype(np.float32)
    if len(centres) != N_CELLS:
        raise ValueError(f"the codebook has {len(centres)} centres, N_CELLS says {N_CELLS}")
    return centres


N_CELLS = 16  # centres in the shipped codebook (checked when it is loaded)


@lru_cache(maxsize=1)
def _projection() -> np.ndarray:
    """(K*256, CODE_BITS) matrix of +-1 entries from a fixed byte stream."""
    dims = codebook().size
    raw = hashlib.shake_256(_PROJECTION_SEED).digest(dims * CODE_BITS // 8)
    bits = np.unpackbits(np.frombuffer(raw, np.uint8)).reshape(dims, CODE_BITS)
    return bits.astype(np.float32) * 2.0 - 1.0


def signed_bits(descriptors: np.ndarray) -> np.ndarray:
    """(n, 256) float32 +-1 version of (n, 32) uint8 binary descriptors."""
    return np.unpackbits(descriptors, axis=1).astype(np.float32) * 2.0 - 1.0


@lru_cache(maxsize=1)
def _half_norms() -> np.ndarray:
    centres = codebook()
    return 0.5 * (centres * centres).sum(axis=1)


def _nearest_centre(signed: np.ndarray) -> np.ndarray:
    return np.argmax(signed @ codebook().T - _half_norms(), axis=1)


def describe(descriptors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cells, code): the nearest codebook centre of each descriptor, and the photo's 128-bit code as
    (CODE_WORDS,) uint64 words. Both come from one assignment of the descriptors to the codebook."""
    centres = codebook()
    if len(descriptors) == 0:
        return np.zeros(0, np.intp), _code_of(np.zeros(centres.size, np.float32))
    x = signed_bits(descriptors)
    nearest = _nearest_centre(x)
    return nearest, _code_of(_vlad(x, nearest))


def _vlad(x: np.ndarray, nearest: np.ndarray) -> np.ndarray:
    """Intra-normalised, power-normalised VLAD vector (K*256,) of +-1 descriptors and their centres."""
    centres = codebook()
    onehot = np.zeros((len(x), len(centres)), np.float32)
    onehot[np.arange(len(x)), nearest] = 1.0
    out = onehot.T @ x - onehot.sum(axis=0)[:, None] * centres  # sum of residuals per centre
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    out /= np.maximum(norms, 1e-6)  # intra-normalisation: a burst of similar corners counts once per centre
    v = out.ravel()
    v = np.sign(v) * np.sqrt(np.abs(v))
    return v / max(float(np.linalg.norm(v)), 1e-6)


def _code_of(vlad: np.ndarray) -> np.ndarray:
    bits = (vlad @ _projection()) > 0
    return np.frombuffer(np.packbits(bits).tobytes(), dtype=">u8").astype(np.uint64)
