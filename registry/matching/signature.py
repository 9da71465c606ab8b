"""Signatures of registered photos and of query photos."""
from __future__ import annotations

import numpy as np
from PIL import Image

from . import features as ft
from . import hashing as hs
from .imageops import crop, isolate_object, resize_max, resize_to, to_rgb_array
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


def _variant(name: str, arr: np.ndarray, max_features: int) -> QueryVariant:
    small = resize_to(arr, ft.SIFT_SIDE)
    kp, desc = ft.extract_sift(small, max_features)
    return QueryVariant(name=name, hash_words=hs.rotated_hash_words(hs.thumbnail(arr)), keypoints=kp,
                        descriptors=desc, colour_hist=ft.colour_histogram(small),
                        size=(small.shape[1], small.shape[0]))


def compute_query(image: Image.Image) -> QuerySignature:
    """Signature of a query photo: the isolated object (if found) and the whole frame."""
    arr = resize_max(to_rgb_array(image), _WORK_SIDE)
    variants = []
    obj = _object_view(arr, allow_grabcut=True)
    if obj is not None:
        variants.append(_variant("object", obj, ft.SIFT_MAX_FEATURES))
    variants.append(_variant("full", arr, QUERY_SIFT_FEATURES))
    main = variants[0].hash_words[0]
    return QuerySignature(variants=variants, hash_hex={n: hs.word_hex(w) for n, w in zip(hs.HASH_NAMES, main)})
