"""Plain data types exchanged between the matching engine and the app."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class PhotoSignature:
    """Signature of a registered photo: in-memory index key + re-ranking blob."""

    index_key: bytes
    features: bytes
    hash_hex: dict[str, str]


@dataclass
class QueryVariant:
    """One interpretation of a query photo (whole frame, isolated object, ...)."""

    name: str
    hash_words: np.ndarray  # (4 rotations, KEY_WORDS) uint64, rotation 0 first
    keypoints: np.ndarray  # (n, 2) float32 pixel coordinates
    descriptors: np.ndarray  # (n, 32) uint8 ORB descriptors
    colour_hist: np.ndarray  # (COLOUR_BINS,) float32, sums to 1
    size: tuple[int, int]  # (width, height) of the variant image
    code: np.ndarray  # (2,) uint64 ORB-VLAD code (see aggregate.py)
    descriptor_cells: np.ndarray  # (n,) codebook centre of each descriptor (matching compares within a cell)


@dataclass
class QuerySignature:
    """Everything derived from one query photo."""

    variants: list[QueryVariant]
    hash_hex: dict[str, str] = field(default_factory=dict)

    def variant(self, name: str) -> QueryVariant:
        """Return the variant called ``name``."""
        for v in self.variants:
            if v.name == name:
                return v
        raise KeyError(name)


@dataclass
class Candidate:
    """A photo returned by the hash index, with its Hamming distances."""

    photo_id: int
    record_id: int
    distances: dict[str, Any]


@dataclass
class RecordMatch:
    """A ranked record with score in [0, 1], verdict and JSON-safe evidence."""

    record_id: int
    score: float
    verdict: str  # "match" | "possible" | "no_match"
    evidence: dict[str, Any]
