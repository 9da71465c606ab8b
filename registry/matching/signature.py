"""Signatures of registered photos and of query photos."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PIL import Image

from . import features as ft
from . import hashing as hs
from .imageops import _SEG_SIDE, crop, isolate_object, plain_foreground_mask, resize_max, resize_to, to_rgb_array
from .types import PhotoSignature, QuerySignature, QueryVariant

KEY_WORDS = 4  # phash_obj, dhash_obj, colour_obj, phash_full -> 32 bytes per photo
KEY_NAMES = ("phash", "dhash", "colour", "phash_full")
_WORK_SIDE = 1280
QUERY_SIFT_FEATURES = 700


def _object_view(arr: np.ndarray, allow_grabcut: bool, union: bool = False) -> np.ndarray | None:
    box = isolate_object(arr, allow_grabcut=allow_grabcut, union=union)
    return None if box is None else crop(arr, box)


def key_to_words(index_key: bytes) -> np.ndarray:
    """Decode an index key into its uint64 words."""
    return np.frombuffer(index_key, dtype="<u8").astype(np.uint64)


def compute_signature(image: Image.Image) -> PhotoSignature:
    """Signature of a registered photo (deterministic for identical pixels)."""
    arr = resize_max(to_rgb_array(image), _WORK_SIDE)
    obj = _object_view(arr, allow_grabcut=False, union=True)
    obj = arr if obj is None else obj
    words = np.concatenate([hs.hash_words(hs.thumbnail(obj)), [hs.phash_word(hs.thumbnail(arr))]]).astype(np.uint64)
    small = resize_to(obj, ft.SIFT_SIDE)
    kp, desc = ft.extract_sift(small)
    blob = ft.pack_features(kp, desc, ft.colour_histogram(small), (small.shape[1], small.shape[0]), words)
    hex_map = {name: hs.word_hex(w) for name, w in zip(KEY_NAMES, words)}
    return PhotoSignature(index_key=words.astype("<u8").tobytes(), features=blob, hash_hex=hex_map)


_QUERY_COLOUR_SIDE = 160  # query colour histogram on a small copy (same distribution, ~20x cheaper)


class _LazyVariant(QueryVariant):
    """A query variant whose SIFT features are extracted on first use (rank asks only when needed)."""

    def __init__(self, name: str, arr: np.ndarray, max_features: int) -> None:  # noqa: D107 (no dataclass init)
        self.name = name
        self.hash_words = hs.rotated_hash_words(hs.thumbnail(arr))
        h, w = arr.shape[:2]
        s = ft.SIFT_SIDE / max(h, w)
        self.size = (max(1, round(w * s)), max(1, round(h * s)))
        self._arr, self._max_features = arr, max_features
        self._kp: np.ndarray | None = None
        self._desc: np.ndarray | None = None
        self.colour_hist = ft.colour_histogram(resize_max(arr, _QUERY_COLOUR_SIDE))

    @property
    def pending(self) -> bool:
        """True until the SIFT features have been extracted."""
        return self._kp is None

    def _extract(self) -> None:
        small = resize_to(self._arr, ft.SIFT_SIDE)
        self._kp, self._desc = ft.extract_sift(small, self._max_features)
        self._arr = None

    @property
    def keypoints(self) -> np.ndarray:  # type: ignore[override]
        if self._kp is None:
            self._extract()
        return self._kp

    @keypoints.setter
    def keypoints(self, value: np.ndarray) -> None:
        self._kp = value

    @property
    def descriptors(self) -> np.ndarray:  # type: ignore[override]
        if self._desc is None:
            self._extract()
        return self._desc

    @descriptors.setter
    def descriptors(self, value: np.ndarray) -> None:
        self._desc = value


def _variant(name: str, arr: np.ndarray, max_features: int, lazy: bool = False) -> QueryVariant:
    v = _LazyVariant(name, arr, max_features)
    if not lazy:
        v.keypoints  # noqa: B018
    return v


def compute_query(image: Image.Image) -> QuerySignature:
    """Signature of a query photo: the isolated object (if found) and the whole frame.

    Only one variant's SIFT is extracted up front; the other one is extracted lazily, when ``rank``
    finds that the first does not verify a candidate. On a plain background (cheap isolation) the
    object goes first. Otherwise GrabCut runs in a worker thread while the whole frame's SIFT is
    extracted (both release the GIL), and the object's SIFT is the lazy one.
    """
    arr = resize_max(to_rgb_array(image), _WORK_SIDE)
    if plain_foreground_mask(resize_max(arr, _SEG_SIDE)) is not None:
        obj = _object_view(arr, allow_grabcut=False)
        full = _variant("full", arr, QUERY_SIFT_FEATURES, lazy=obj is not None)
        variants = ([] if obj is None else [_variant("object", obj, ft.SIFT_MAX_FEATURES)]) + [full]
    else:
        fut = _pool().submit(_object_view, arr, True)
        full = _variant("full", arr, QUERY_SIFT_FEATURES)
        obj = fut.result()
        variants = ([] if obj is None else [_variant("object", obj, ft.SIFT_MAX_FEATURES, lazy=True)]) + [full]
    main = variants[0].hash_words[0]
    return QuerySignature(variants=variants, hash_hex={n: hs.word_hex(w) for n, w in zip(hs.HASH_NAMES, main)})


_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="isolate")
    return _POOL


def _reset_pool() -> None:
    global _POOL
    _POOL = None  # threads do not survive fork(): a forked worker builds its own pool


os.register_at_fork(after_in_child=_reset_pool)
