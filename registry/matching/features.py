"""Local features (ORB), colour histograms, blob serialisation and geometric verification."""
from __future__ import annotations

import threading
from concurrent.futures import Executor, Future
from functools import lru_cache
from typing import Callable, NamedTuple

import cv2
import numpy as np

from . import hamming
from .threads import pool_to_split_into
from .types import NO_COLOURS

FEATURE_SIDE = 640  # images are resized so their longer side is this before ORB
MAX_FEATURES = 700
RATIO_TEST = 0.8
RANSAC_REPROJ_PX = 8.0
RANSAC_MAX_ITERS = 1000  # true matches have >= ~35 % inliers; more iterations only slow down strangers
FAST_THRESHOLD = 4  # OpenCV's default 20 finds too few corners on smooth or low-contrast photos, and 8 left
# ORB's coarse pyramid levels short of their share of keypoints (the ones that survive blur and downscaling).
# Bench: right record flagged "match" 0.954 (8) -> 0.980 (4), objects on a new background R@1 0.943 -> 0.971;
# describing a photo ~1.6 ms slower (3: 0.979, ~3 ms slower). Registered and query photos must use the same.
COLOUR_BINS = 8 * 3
COLOUR_MIN_SATURATION = 40  # pixels less saturated than this are grey: colour_histogram leaves them out
DESCRIPTOR_BYTES = 32

BUSY_THUMB_CORNERS = 400  # FAST corners on a quarter-size thumbnail above which a picture counts as busy
BUSY_TEST_THRESHOLD = 8  # ... counted with this FAST threshold
BUSY_FAST_THRESHOLD = 20  # ... and is described with this threshold: FAST at 8 found >10 000 corners on gravel
# or grass and took 25-30 ms; ORB keeps the strongest 700 either way


BUSY_QUERY_FEATURES = 1400  # keypoints of a busy query frame: its background's corners take most of the strongest
# 700, and the object's own must survive. Bench: R@1 on objects on photographed backgrounds 0.857 -> 0.900
# (1 000: 0.871); the frame's code is made from all of them and finds the same candidates


ORB_LEVELS = 8  # OpenCV's defaults, spelled out: the levels are described one by one in two threads
ORB_SCALE = 1.2
SPLIT_MIN_SIDE = 64  # smaller pictures are described in one call (ORB's top levels would be a pixel or two wide)


@lru_cache(maxsize=64)
def _orb(fast_threshold: int, n_features: int = MAX_FEATURES, levels: int = ORB_LEVELS) -> cv2.ORB:
    return cv2.ORB_create(nfeatures=n_features, fastThreshold=fast_threshold, edgeThreshold=19, patchSize=19,
                          nlevels=levels, scaleFactor=ORB_SCALE)


@lru_cache(maxsize=1)
def _corner_counter() -> cv2.FastFeatureDetector:
    return cv2.FastFeatureDetector_create(BUSY_TEST_THRESHOLD)


def _fast_threshold_for(gray: np.ndarray) -> int:
    h, w = gray.shape
    thumb = cv2.resize(gray, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    busy = len(_corner_counter().detect(thumb)) > BUSY_THUMB_CORNERS
    return BUSY_FAST_THRESHOLD if busy else FAST_THRESHOLD


@lru_cache(maxsize=1)
def _level_scales() -> tuple[np.float32, ...]:
    """Each pyramid level's scale as OpenCV's ORB computes it (its scale factor held as a float32)."""
    factor = float(np.float32(ORB_SCALE))
    return tuple(np.float32(factor ** level) for level in range(ORB_LEVELS))


@lru_cache(maxsize=8)
def _level_shares(n_features: int) -> tuple[int, ...]:
    """How ORB shares ``n_features`` among its levels (in proportion to their sides; float32 arithmetic)."""
    factor = np.float32(1.0) / np.float32(ORB_SCALE)
    per_level = np.float32(n_features) * (np.float32(1) - factor) / np.float32(1 - float(factor) ** ORB_LEVELS)
    shares = []
    for _ in range(ORB_LEVELS - 1):
        shares.append(int(np.rint(per_level)))
        per_level = np.float32(per_level * factor)
    return (*shares, max(n_features - sum(shares), 0))


def _pyramid(gray: np.ndarray) -> list[np.ndarray]:
    """ORB's image pyramid: each level resized from the one before, its sides rounded as ORB rounds them."""
    h, w = gray.shape
    levels = [gray]
    for scale in _level_scales()[1:]:
        inverse = np.float32(1) / scale
        size = (int(np.rint(np.float32(w) * inverse)), int(np.rint(np.float32(h) * inverse)))
        levels.append(cv2.resize(levels[-1], size, interpolation=cv2.INTER_LINEAR_EXACT))
    return levels


_Level = tuple[np.ndarray, np.ndarray, np.ndarray]  # keypoints at level 0's scale, descriptors, angles (degrees)


def _as_arrays(kps: tuple, desc: np.ndarray | None, scale: np.float32 = np.float32(1)) -> _Level:
    """OpenCV's keypoints (positions times ``scale``) and descriptors as arrays."""
    if desc is None or len(kps) == 0:
        return np.zeros((0, 2), np.float32), np.zeros((0, DESCRIPTOR_BYTES), np.uint8), np.zeros(0, np.float32)
    points = cv2.KeyPoint_convert(kps).astype(np.float32).reshape(-1, 2) * scale
    return points, desc, np.fromiter((k.angle for k in kps), np.float32, count=len(kps))


def _describe_level(level_image: np.ndarray, level: int, threshold: int, n_features: int) -> _Level:
    kps, desc = _orb(threshold, n_features, 1).detectAndCompute(level_image, None) if n_features else ((), None)
    return _as_arrays(kps, desc, _level_scales()[level])


def _start_in_two_threads(gray: np.ndarray, threshold: int, n_features: int, pool: Executor) -> Callable[[], _Level]:
    """Start what ORB's one call over all levels finds (the same keypoints, in the same order, bit for bit:
    tested) in two threads. ORB alone describes one level after another (~6 ms at 640 px). Here the pool
    builds the pyramid, then both threads take the next level to describe, finest first, until none is left:
    the pool from now, the calling thread when it calls the result (after its own work in between). If the
    pool has not started when the calling thread needs the pyramid (it was busy), all is done there."""
    shares = _level_shares(n_features)
    to_describe, taking = iter(range(ORB_LEVELS)), threading.Lock()
    described: dict[int, _Level] = {}
    pyramid: Future = Future()

    def describe_levels(levels_of: Callable[[], list[np.ndarray]]) -> None:
        while True:
            with taking:
                level = next(to_describe, None)
            if level is None:
                return
            image = gray if level == 0 else levels_of()[level]
            described[level] = _describe_level(image, level, threshold, shares[level])

    def pool_part() -> None:
        try:
            levels = _pyramid(gray)
        except BaseException as error:  # noqa: BLE001 (the waiting thread gets it)
            pyramid.set_exception(error)
            raise
        pyramid.set_result(levels)
        describe_levels(lambda: levels)

    task = pool.submit(pool_part)

    def finish() -> _Level:
        own: list[list[np.ndarray]] = []

        def levels_here() -> list[np.ndarray]:
            if not own:
                own.append(_pyramid(gray) if task.cancel() else pyramid.result())
            return own[0]

        describe_levels(levels_here)
        if not task.cancelled():
            task.result()
        return _concatenated([described[level] for level in range(ORB_LEVELS)])

    return finish


def _concatenated(levels: list[_Level]) -> _Level:
    return tuple(np.concatenate([level[k] for level in levels]) for k in range(3))  # type: ignore[return-value]


def _orb_in_one_call(gray: np.ndarray, threshold: int, n_features: int, mask: np.ndarray | None) -> _Level:
    return _as_arrays(*_orb(threshold, n_features).detectAndCompute(gray, mask))


def _features_of(level: _Level) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    points, desc, angles = level
    return points, desc, (np.rint(angles * (256 / 360)).astype(np.int32) % 256).astype(np.uint8)


def _threshold_and_count(gray: np.ndarray, query: bool) -> tuple[int, int]:
    threshold = _fast_threshold_for(gray)
    return threshold, BUSY_QUERY_FEATURES if query and threshold == BUSY_FAST_THRESHOLD else MAX_FEATURES


def extract_features(arr: np.ndarray, query: bool = False,
                     mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ORB keypoints (n,2 float32), binary descriptors (n,32 uint8) and orientations (n, uint8: 256 steps a
    turn) of an RGB array; up to BUSY_QUERY_FEATURES of a busy ``query`` picture, MAX_FEATURES otherwise;
    only where ``mask`` (uint8, the array's height and width) is not 0."""
    gray = cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
    return _features_of(_orb_in_one_call(gray, *_threshold_and_count(gray, query), mask))


def start_extracting(arr: np.ndarray, query: bool = False) -> Callable[[], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """What gives :func:`extract_features` of ``arr``, its work started in the verification pool now, and
    finished in the calling thread when it calls it (do other work in between)."""
    gray = cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
    threshold, n_features = _threshold_and_count(gray, query)
    pool = pool_to_split_into() if min(gray.shape) >= SPLIT_MIN_SIDE else None
    if pool is None:
        return lambda: _features_of(_orb_in_one_call(gray, threshold, n_features, None))
    finish = _start_in_two_threads(gray, threshold, n_features, pool)
    return lambda: _features_of(finish())


SAME_FEATURE_PX = 4.0  # a keypoint described again within this many px ...
SAME_FEATURE_BITS = 24  # ... with a descriptor this near (of 256 bits) is one already described


def features_not_yet_described(kp: np.ndarray, desc: np.ndarray, more_kp: np.ndarray,
                               more_desc: np.ndarray) -> np.ndarray:
    """Which of ``more_kp`` / ``more_desc`` (a second description of the same picture, changed around its object)
    are not a copy of one of ``kp`` / ``desc``: a copy would be the second-nearest of every query descriptor near
    it, and the ratio test would drop the match (a boolean mask over ``more_kp``)."""
    if len(kp) == 0 or len(more_kp) == 0:
        return np.ones(len(more_kp), bool)
    near = np.argwhere(np.hypot(more_kp[:, None, 0] - kp[None, :, 0], more_kp[:, None, 1] - kp[None, :, 1])
                       <= SAME_FEATURE_PX)
    bits = np.unpackbits(more_desc[near[:, 0]] ^ desc[near[:, 1]], axis=1).sum(axis=1)
    copy = np.zeros(len(more_kp), bool)
    copy[near[bits <= SAME_FEATURE_BITS, 0]] = True
    return ~copy


def colour_histogram(arr: np.ndarray) -> np.ndarray:
    """Hue/saturation histogram after grey-world normalisation (colour-cast tolerant)."""
    f = arr.astype(np.float32)
    means = f.reshape(-1, 3).mean(axis=0)  # once: ~3.5 ms at 640 px; the same values (stored histograms unchanged)
    f *= means.mean() / np.maximum(means, 1.0)
    hsv = cv2.cvtColor(np.clip(f, 0, 255, out=f).astype(np.uint8), cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1], None, [8, 3], [0, 180, COLOUR_MIN_SATURATION, 256]).ravel()
    total = hist.sum()
    return (hist / total if total > 0 else np.full(COLOUR_BINS, 1.0 / COLOUR_BINS)).astype(np.float32)


OBJECT_HUES = 24  # hue steps of an object's colours (7.5 degrees), each split into pale and strong ...
OBJECT_GREYS = 4  # ... and lightness steps of its grey pixels (white porcelain, black stone, bronze's dark patina)
OBJECT_COLOUR_BINS = 2 * OBJECT_HUES + OBJECT_GREYS
_STRONG_SATURATION = 120
_MIN_OBJECT_PIXELS = 50


OBJECT_CHROMA_STEPS = 16  # CIELAB a* and b* steps of an object's chroma (6 units each) ...
OBJECT_CHROMA_RANGE = (-32.0, 64.0)  # ... over these a* and b* (beyond: the first or last step)
OBJECT_CHROMA_BINS = OBJECT_CHROMA_STEPS * OBJECT_CHROMA_STEPS


def object_colour_histogram(arr: np.ndarray, backdrop: np.ndarray | None) -> np.ndarray:
    """The colours of an RGB picture's object without the plain backdrop it lies on (``backdrop``: True there, at
    any size, :func:`imageops.backdrop_for_colours`): its hues (:func:`_object_hues`, which the verdicts' rules
    compare: :func:`hues_alike`) followed by its chroma (:func:`_object_chroma`, with them ranking the photos that
    verify few cells: :func:`colours_alike`). Empty where there is no such backdrop: the colours of a busy frame are
    its background's as much as its object's (eth80's objects moved onto textures, the right record first 0.854 ->
    0.780 when they were counted). Not normalised to grey: what tells two cups of one kind apart is their own colours
    (bench/README.md, runs 27 and 42)."""
    if backdrop is None or int((~backdrop).sum()) < _MIN_OBJECT_PIXELS:
        return NO_COLOURS
    pixels = cv2.resize(arr, backdrop.shape[::-1], interpolation=cv2.INTER_AREA)[~backdrop]
    pixels = np.ascontiguousarray(pixels.reshape(1, -1, 3))
    return np.concatenate([_object_hues(pixels), _object_chroma(pixels)])


def _object_hues(pixels: np.ndarray) -> np.ndarray:
    """A (1, n, 3) RGB row of an object's pixels by hue, finer than :func:`colour_histogram`, pale and strong apart;
    greys by their lightness."""
    hsv = cv2.cvtColor(pixels, cv2.COLOR_RGB2HSV).reshape(-1, 3)
    hue, saturation, value = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    bins = np.where(saturation >= COLOUR_MIN_SATURATION, _HUE_BIN[hue] + (saturation >= _STRONG_SATURATION),
                    _GREY_BIN[value])  # looked up: ~0.21 ms at 160 px where arithmetic took ~0.44
    hist = np.bincount(bins, minlength=OBJECT_COLOUR_BINS).astype(np.float32)
    return hist / max(1.0, float(hist.sum()))


_HUE_BIN = np.minimum(np.arange(256) * OBJECT_HUES // 180, OBJECT_HUES - 1).astype(np.intp) * 2  # OpenCV's 8-bit hue
_GREY_BIN = 2 * OBJECT_HUES + np.arange(256, dtype=np.intp) * OBJECT_GREYS // 256


def _object_chroma(pixels: np.ndarray) -> np.ndarray:
    """A (1, n, 3) RGB row of an object's pixels by their CIELAB a* and b* together, lightness left out. Where the
    hues of ten tomatoes or ten cups fall in one or two steps, how strong their colours are still differs, and a
    pixel's a* and b* stay steady where its hue swings (grey highlights, shadows): eth80's views on the cloth that
    verify no plane, right record first, tune half 0.909 -> 0.926 by chroma at the hues' weight (bench/README.md,
    run 42)."""
    lab = cv2.cvtColor(pixels, cv2.COLOR_RGB2LAB).reshape(-1, 3)
    bins = _CHROMA_ROW[lab[:, 1]] + _CHROMA_STEP[lab[:, 2]]  # looked up: ~0.25 ms where arithmetic took ~0.68
    hist = np.bincount(bins, minlength=OBJECT_CHROMA_BINS).astype(np.float32)
    return hist / max(1.0, float(hist.sum()))


def _chroma_steps() -> np.ndarray:
    """The chroma step of each 8-bit CIELAB a* or b* (OpenCV's: 128 is 0)."""
    low, high = OBJECT_CHROMA_RANGE
    steps = np.floor((np.arange(256) - 128.0 - low) * (OBJECT_CHROMA_STEPS / (high - low)))
    return np.clip(steps, 0, OBJECT_CHROMA_STEPS - 1).astype(np.intp)


_CHROMA_STEP = _chroma_steps()
_CHROMA_ROW = _CHROMA_STEP * OBJECT_CHROMA_STEPS


def hues_alike(a: np.ndarray, b: np.ndarray) -> float:
    """How alike two objects' own colours (:func:`object_colour_histogram`) are by their hues, 0-1."""
    return colour_similarity(a[:OBJECT_COLOUR_BINS], b[:OBJECT_COLOUR_BINS])


def chroma_alike(a: np.ndarray, b: np.ndarray) -> float:
    """How alike two objects' own colours (:func:`object_colour_histogram`) are by their chroma, 0-1."""
    return colour_similarity(a[OBJECT_COLOUR_BINS:], b[OBJECT_COLOUR_BINS:])


RANKING_HUE_SHARE = 0.2  # of how alike two objects' colours are for ranking (colours_alike); the rest is chroma


def colours_alike(a: np.ndarray, b: np.ndarray) -> float:
    """How alike two objects' own colours are, 0-1, to rank the photos that verify few cells: by their chroma, and a
    fifth by their hues, which count greys by their lightness (a black basalt figure and a white marble one have one
    chroma). eth80's views on the cloth, tune half, all R@1: 0.934 by chroma alone, 0.940 with a fifth of hues
    (offline, run 27's harness: a tenth 0.937, a fifth or three tenths 0.943, half 0.934; bench/README.md, run 42).
    By the hues alone where either has no chroma (:func:`hues_only`: a photo in an offline bank)."""
    if len(a) <= OBJECT_COLOUR_BINS or len(b) <= OBJECT_COLOUR_BINS:
        return hues_alike(a, b)
    return (1.0 - RANKING_HUE_SHARE) * chroma_alike(a, b) + RANKING_HUE_SHARE * hues_alike(a, b)


def hues_only(own: np.ndarray) -> np.ndarray:
    """An object's own colours (:func:`object_colour_histogram`) without their chroma: what an offline bank keeps
    of them, within its size (registry.offline_bank)."""
    return own[:OBJECT_COLOUR_BINS]


def frame_and_object_colours(stored: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A blob's colours: the frame's (:func:`colour_histogram`) and its object's (:func:`object_colour_histogram`,
    empty in a blob made without them)."""
    return stored[:COLOUR_BINS], stored[COLOUR_BINS:]


def colour_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Histogram intersection in [0, 1]."""
    return float(np.minimum(a, b).sum())


_BLOB_MAGIC = b"OIDF"
_BLOB_HEADER = np.dtype([("magic", "S4"), ("n", "<u4"), ("colour", "<u4"), ("words", "<u4")])


def pack_features(keypoints: np.ndarray, descriptors: np.ndarray, angles: np.ndarray, colour: np.ndarray,
                  size: tuple[int, int], words: np.ndarray, cells: np.ndarray,
                  object_colours: np.ndarray | None = None) -> bytes:
    """Serialise re-ranking data into one flat blob: a 16-byte header, then the arrays back to back. The object's
    colours follow the frame's in one array (:func:`frame_and_object_colours`).

    Keypoints are stored in the order of their codebook cells, so that matching reads each cell's
    descriptors as one slice. Not an .npz: opening 60 zip archives cost ~0.4 ms each, and binary
    descriptors barely compress.
    """
    keypoints, descriptors, angles, cells = sort_by_cell(keypoints, descriptors, angles, cells)
    if object_colours is not None:
        colour = np.concatenate([np.asarray(colour, np.float32), np.asarray(object_colours, np.float32)])
    n = len(keypoints)
    header = np.array([(_BLOB_MAGIC, n, len(colour), len(words))], _BLOB_HEADER)
    parts = [header, keypoints.astype("<f4"), descriptors.astype(np.uint8), angles.astype(np.uint8), cells.astype(np.uint8),
             colour.astype("<f2"), np.array(size, "<i4"), words.astype("<u8")]
    return b"".join(np.ascontiguousarray(p).tobytes() for p in parts)


def unpack_features(blob: bytes) -> dict[str, np.ndarray]:
    """Inverse of :func:`pack_features` (read-only arrays over the blob)."""
    head = np.frombuffer(blob, _BLOB_HEADER, count=1)[0]
    if head["magic"] != _BLOB_MAGIC:
        raise ValueError("not a features blob of this algorithm version (run `registry reindex`)")
    n, n_colour, n_words = int(head["n"]), int(head["colour"]), int(head["words"])
    layout = (("kp", "<f4", 4, (n, 2)), ("desc", np.uint8, 1, (n, DESCRIPTOR_BYTES)), ("angle", np.uint8, 1, (n,)),
              ("cells", np.uint8, 1, (n,)), ("colour", "<f2", 2, (n_colour,)), ("size", "<i4", 4, (2,)),
              ("words", "<u8", 8, (n_words,)))
    out, offset = {}, _BLOB_HEADER.itemsize
    for name, dtype, itemsize, shape in layout:
        count = shape[0] * (shape[1] if len(shape) > 1 else 1)
        out[name] = np.frombuffer(blob, dtype, count=count, offset=offset).reshape(shape)
        offset += count * itemsize
    if offset != len(blob):
        raise ValueError("features blob has the wrong length")
    if n > 1 and not bool((out["cells"][1:] >= out["cells"][:-1]).all()):
        raise ValueError("features blob is not sorted by cell (run `registry reindex`)")
    return out


def colours_and_words(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The colours and the index words of a blob (:func:`unpack_features`'s ``colour`` and ``words``), read without
    unpacking the rest."""
    head = np.frombuffer(blob, _BLOB_HEADER, count=1)[0]
    n, n_colour, n_words = int(head["n"]), int(head["colour"]), int(head["words"])
    at = _BLOB_HEADER.itemsize + (8 + DESCRIPTOR_BYTES + 2) * n  # after the keypoints, descriptors, angles and cells
    colours = np.frombuffer(blob, "<f2", count=n_colour, offset=at)
    return colours, np.frombuffer(blob, "<u8", count=n_words, offset=at + 2 * n_colour + 8)


_NO_PAIRS = (np.zeros(0, np.intp), np.zeros(0, np.intp))


def sort_by_cell(keypoints: np.ndarray, descriptors: np.ndarray, angles: np.ndarray,
                 cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Keypoints, descriptors, orientations and cells reordered by codebook cell (stable), as blobs store them."""
    order = np.argsort(cells, kind="stable")
    return keypoints[order], descriptors[order], angles[order], cells[order].astype(np.uint8)


def cell_bounds(sorted_cells: np.ndarray, n_cells: int) -> np.ndarray:
    """(n_cells + 1,) offsets: the descriptors of cell c are ``[bounds[c], bounds[c + 1])``."""
    return np.searchsorted(sorted_cells, np.arange(n_cells + 1)).astype(np.intp)


def _ratio_matches(q: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(query indices, train indices) of the matches that pass the ratio test."""
    if len(q) == 0 or len(t) < 2:
        return _NO_PAIRS
    dist, idx = cv2.batchDistance(q, t, cv2.CV_32S, normType=cv2.NORM_HAMMING, K=2, update=0, crosscheck=False)
    ok = np.flatnonzero(dist[:, 0] < RATIO_TEST * dist[:, 1])
    return ok, idx[ok, 0].astype(np.intp)


SPREAD_CELL_PX = 32  # inliers are also counted once per cell of this size (at FEATURE_SIDE)
MIN_MATCHES = 20  # RANSAC is skipped below this many rotation-consistent matches. At 10 (the fewest that could
# cover the 10 cells of a "possible") most strangers still reached RANSAC; at 20 the bench's verdicts and R@1
# are unchanged (probes: noisy photos R@1 0.950 -> 0.983, strangers' chance cells no longer outrank), and an
# unregistered check is ~12 % faster (A/B 57.9 -> 51.1 ms median)
ROTATION_BINS = 16  # histogram of the orientation change of matched keypoints (22.5 degrees a bin)
ROTATION_WINDOW_BINS = 3  # matches within this many bins around the most common change are kept (67.5 degrees:
# a 40-degree change of viewpoint bends local orientations by up to ~20 degrees)


class Verified(NamedTuple):
    """Outcome of :func:`verify`."""

    inliers: int  # RANSAC homography inliers
    matches: int  # ratio-test matches, one per registered keypoint
    cells: int  # SPREAD_CELL_PX cells of the registered photo the inliers cover
    query_inliers: np.ndarray  # indices of the query keypoints that are inliers
    train_inliers: np.ndarray = np.zeros(0, np.intp)  # ... and of the registered keypoints they match (outline.py)
    turned_alike: int = 0  # matches that turn about as most do (consistent_rotation), inliers or not


_NOT_VERIFIED = np.zeros(0, np.intp)


def matches_of_blobs(variants: list[tuple[np.ndarray, np.ndarray, np.ndarray]], blobs: list[bytes],
                     pairs: list[tuple[int, int]]) -> list[tuple[np.ndarray, np.ndarray, int] | None]:
    """:func:`verify`'s first step (:func:`turned_alike_matches`) for each pair of a query variant's features
    (descriptors, cell bounds, angles) and a blob (:func:`pack_features`), in one call that reads the blobs in
    place; None where a blob is not one (:func:`unpack_features` says why)."""
    return hamming.blob_matches(variants, blobs, pairs, _BLOB_MAGIC, RATIO_TEST, ROTATION_BINS, ROTATION_WINDOW_BINS)


def verify(q_kp: np.ndarray, q_desc: np.ndarray, t_kp: np.ndarray, t_desc: np.ndarray,
           q_bounds: np.ndarray | None = None, t_bounds: np.ndarray | None = None,
           q_angles: np.ndarray | None = None, t_angles: np.ndarray | None = None,
           second_min_inliers: int | None = None) -> Verified:
    """Geometric verification: RANSAC homography inliers, ratio-test matches, cells the inliers cover.

    The cell count is what verdicts use: a shared glyph or logo yields many inliers packed in a few
    cells, an object seen again spreads them over its surface. With the descriptors' codebook cells
    given (:func:`cell_bounds` of descriptors sorted by cell), only descriptors of the same cell are
    compared. With the keypoints' orientations given, only matches that turn by about the same angle
    as most others go to RANSAC (:func:`consistent_rotation`).
    """
    if q_bounds is not None and t_bounds is not None and q_angles is not None and t_angles is not None:
        # the rotation check runs on every candidate: its matches that turn alike are counted where there are too
        # few for RANSAC too
        matches = turned_alike_matches(q_desc, q_bounds, q_angles, t_desc, t_bounds, t_angles)
    else:
        matches = _matches_step_by_step(q_desc, t_desc, q_bounds, t_bounds, q_angles, t_angles)
    return too_few_to_verify(*matches) or verify_matches(q_kp, t_kp, *matches, second_min_inliers=second_min_inliers)


def turned_alike_matches(q_desc: np.ndarray, q_bounds: np.ndarray, q_angles: np.ndarray, t_desc: np.ndarray,
                         t_bounds: np.ndarray, t_angles: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """:func:`verify`'s first step: the matches within a cell that pass the ratio test, one per registered
    descriptor, then those that turn alike (query indices, train indices), and the number of matches before
    the turn was looked at (one compiled call)."""
    return hamming.consistent_matches(q_desc, q_bounds, q_angles, t_desc, t_bounds, t_angles,
                                      RATIO_TEST, ROTATION_BINS, ROTATION_WINDOW_BINS)


def too_few_to_verify(qi: np.ndarray, ti: np.ndarray, n_matches: int) -> Verified | None:
    """:func:`verify`'s outcome where the matches that turn alike are too few for RANSAC (MIN_MATCHES), else None."""
    return Verified(0, n_matches, 0, _NOT_VERIFIED, turned_alike=len(qi)) if len(qi) < MIN_MATCHES else None


def verify_matches(q_kp: np.ndarray, t_kp: np.ndarray, qi: np.ndarray, ti: np.ndarray, n_matches: int,
                   second_min_inliers: int | None = None) -> Verified:
    """:func:`verify`'s second step, for MIN_MATCHES or more (:func:`too_few_to_verify`): the plane (or two pieces of
    one) that the matches ``qi`` -> ``ti`` fit; the second piece with ``second_min_inliers`` or more (None:
    SECOND_PIECE_MIN_INLIERS; a small photo's: SMALL_PHOTO_SECOND_PIECE_MIN_INLIERS)."""
    src, dst = q_kp[qi].reshape(-1, 2), t_kp[ti].reshape(-1, 2)
    piece = _piece(src, dst, 7)
    if piece is None:
        return Verified(0, n_matches, 0, _NOT_VERIFIED, turned_alike=len(qi))
    h, inl = piece
    if SECOND_PIECE_AFTER_CELLS <= cells_covered(dst[inl]) < SECOND_PIECE_UNTIL_CELLS:
        inl = inl | _adjoining_piece(src, dst, h, inl, second_min_inliers or SECOND_PIECE_MIN_INLIERS)
    return Verified(int(inl.sum()), n_matches, cells_covered(dst[inl]), qi[inl], ti[inl], len(qi))


SECOND_PIECE_AFTER_CELLS = 5  # a second homography is looked for once the first covers this many cells (and
SECOND_PIECE_UNTIL_CELLS = 30  # fewer than this: the score is 0.99 from there, ranking.MATCH_MIN_CELLS 14) ...
SECOND_PIECE_MIN_INLIERS = 12  # ... and kept with this many inliers ...
SECOND_PIECE_NEAR_PX = 96  # ... where both map the point between them this near (15 % of FEATURE_SIDE). A vase
# turned 10-20 degrees: right record "match" 0.75 -> 0.83 and 0.25 -> 0.42 (bench/vases.py); the bench's
# strangers and wrong records verified no more cells. Looser (10 inliers, 192 px): the right vases gained a
# little more, strangers reached "possible" more often (0.045 -> 0.059)
SMALL_PHOTO_SECOND_PIECE_MIN_INLIERS = 6  # A photo of a few hundred px (ranking.SMALL_PIECES_SIDE) has few corners:
# a 3-D object's other side seen turned in a 256 px photo has 6-11 such inliers. eth80's tune half, one registered
# view, right `match` 0.368 -> 0.393 at 6 (8: 0.376, 5: 0.399); a third piece added nothing. Asked of every photo,
# the corpus's unregistered objects were `possible` 0.045 -> 0.082, and a stranger shot with the registry's scale bar
# and colour chart a `match` (tests/matching/test_shared.py). A piece this small must also lie
SECOND_PIECE_PARALLAX_PX = 32.0  # where the first homography maps its inliers, or this near (their median; 5 % of
# FEATURE_SIDE): tune half 0.382 at 32 px, 0.385 at 64 (bench/README.md run 45)


def one_plane(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """A plausible RANSAC homography from (n, 2) query points to registered ones, and its inliers, or None."""
    return _piece(src, dst, 7)


def cells_covered(points: np.ndarray) -> int:
    """SPREAD_CELL_PX cells of a photo that these (n, 2) keypoint positions cover."""
    cells = np.ascontiguousarray((points // SPREAD_CELL_PX).astype(np.int32).reshape(-1, 2))
    return len(np.unique(cells.view(np.int64)))  # a cell's two int32 as one int64: ~8x faster than unique rows


def _matches_step_by_step(q_desc: np.ndarray, t_desc: np.ndarray, q_bounds: np.ndarray | None,
                           t_bounds: np.ndarray | None, q_angles: np.ndarray | None,
                           t_angles: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, int]:
    """:func:`verify`'s matches one step at a time, where the descriptors' cells or the keypoints' orientations
    are not given."""
    if q_bounds is None or t_bounds is None:
        qi, ti = _ratio_matches(q_desc, t_desc)
    else:
        qi, ti = hamming.ratio_matches_by_cell(q_desc, q_bounds, t_desc, t_bounds, RATIO_TEST)
    qi, ti = hamming.one_match_per_train(qi, ti, len(t_desc))  # many-to-one would inflate the inliers
    n_matches = len(qi)
    if q_angles is not None and t_angles is not None:
        keep = consistent_rotation(q_angles[qi], t_angles[ti])
        qi, ti = qi[keep], ti[keep]
    return qi, ti, n_matches


def _piece(src: np.ndarray, dst: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray] | None:
    """A plausible RANSAC homography from query to registered points, and its inliers (mask), or None."""
    cv2.setRNGSeed(seed)
    h, mask = cv2.findHomography(src.reshape(-1, 1, 2), dst.reshape(-1, 1, 2), cv2.USAC_DEFAULT, RANSAC_REPROJ_PX,
                                 maxIters=RANSAC_MAX_ITERS, confidence=0.995)  # USAC: same inliers as RANSAC, ~30x faster here
    inl = None if mask is None else mask.ravel().astype(bool)
    if h is None or inl is None or not inl.any() or not _plausible(h, src[inl]):
        return None
    return h, inl


def _adjoining_piece(src: np.ndarray, dst: np.ndarray, h: np.ndarray, inl: np.ndarray,
                     min_inliers: int = SECOND_PIECE_MIN_INLIERS) -> np.ndarray:
    """Mask of a second homography's inliers among the first's outliers, kept where the two meet.

    One homography holds only a band of a curved side (a vase, a bust) or one face of a folded or boxed
    object seen from another angle; the next band has its own, which maps the points where the bands meet
    to about where the first does. A stranger's second chance homography lands anywhere."""
    rest = np.flatnonzero(~inl)
    found = np.zeros(len(src), bool)
    if len(rest) < min_inliers:
        return found
    piece = _piece(src[rest], dst[rest], 11)
    if piece is None or piece[1].sum() < min_inliers:
        return found
    h2, inl2 = piece
    second = rest[inl2]
    meeting = src[second][np.argmin(np.linalg.norm(src[second] - src[inl].mean(axis=0), axis=1))]
    by_first, by_second = (cv2.perspectiveTransform(meeting.reshape(1, 1, 2).astype(np.float64), m).ravel() for m in (h, h2))
    if np.linalg.norm(by_first - by_second) <= SECOND_PIECE_NEAR_PX and _near_the_first(src[second], dst[second], h):
        found[second] = True
    return found


def _near_the_first(src: np.ndarray, dst: np.ndarray, h: np.ndarray) -> bool:
    """Whether a second piece of fewer than SECOND_PIECE_MIN_INLIERS inliers lies where the first homography ``h``
    maps them, or near (SECOND_PIECE_PARALLAX_PX, the median): an adjoining face of one object, whose depth shifts
    its points by a few px, and not a chance homography of a stranger's few matches. A larger piece need not: a
    vase's next band, turned 10-30 degrees, lies farther off (bench/vases.py lost a `match` at 10 degrees)."""
    if len(src) >= SECOND_PIECE_MIN_INLIERS:
        return True
    mapped = cv2.perspectiveTransform(src.reshape(-1, 1, 2).astype(np.float64), h).reshape(-1, 2)
    return float(np.median(np.linalg.norm(mapped - dst, axis=1))) <= SECOND_PIECE_PARALLAX_PX


def consistent_rotation(q_angles: np.ndarray, t_angles: np.ndarray) -> np.ndarray:
    """Mask of the matches whose change of orientation is near the most common one.

    The same object seen again turns all its keypoints by about the same angle (the rotation between
    the photos); chance matches with a stranger turn by any angle. A cheap weak geometric check: it
    spares RANSAC most strangers, and leaves it fewer outliers on the right record.
    """
    return hamming.rotation_mask(q_angles, t_angles, ROTATION_BINS, ROTATION_WINDOW_BINS)


MAX_SCALE_SPREAD = 16.0  # largest ratio of the homography's local area scales over its inliers. A phone close
# to an object turned 40-50 degrees changes scale that much across it (two books photographed from two
# viewpoints, bench/realviews.py: 8.6x); the bench's strangers and wrong records verified no more cells at 10
# or 20 than under the former rule (|h20|, |h21| < 0.01 everywhere), which refused such photos outright


def _plausible(h: np.ndarray, points: np.ndarray) -> bool:
    """Whether a homography is a view of the same surface where it matched ``points`` (the inliers, query side):
    its local area scale (det H / w^3) positive there (no mirroring, no horizon line across them), between
    0.02 and 50, and not spread by more than MAX_SCALE_SPREAD. Judged on the inliers and not on the whole
    frame, where a close-up's strong perspective passes the horizon without harm."""
    w = h[2, 0] * points[:, 0] + h[2, 1] * points[:, 1] + h[2, 2]
    local = np.linalg.det(h) / w.astype(np.float64) ** 3
    return bool(local.min() > 0.02 and local.max() < 50 and local.max() <= MAX_SCALE_SPREAD * local.min())
