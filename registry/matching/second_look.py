"""The second look: AKAZE features that confirm a turned object's first record where ORB's cells fall short.

ORB puts a turned 3-D object's own record first far more often than it verifies enough of it for a `match`
(eth80's held-out half turned 22 degrees: first 1.000, `match` 0.732). AKAZE's nonlinear scale space and its
descriptor tolerate the turn differently: where ORB puts a record first by a margin and AKAZE, among ORB's first
few records, puts the same record first by a margin of its own, the two agreeing is evidence neither gives alone
(bench/second_look.py, bench/README.md runs 47-48). AKAZE costs ~30-50 ms a picture on one core, so a query is
described with it only when ranking asks (:func:`ranking.rank`'s second look), as it is and squeezed as a turned
face is foreshortened (:func:`describe_tilted`); a registered photo's AKAZE features are stored beside its ORB
features (:func:`packed`), and read only for the records a second look verifies.
"""
from __future__ import annotations

import threading
from functools import partial
from typing import NamedTuple

import cv2
import numpy as np

from . import features as ft
from . import threads

THRESHOLD = 0.0005  # AKAZE's detector response; OpenCV's default 0.001 found ~150 keypoints on a smooth object
MAX_KEYPOINTS = 700  # the strongest kept (a textured backdrop gives thousands): as many as ORB's (MAX_FEATURES)
RATIO_TEST = 0.8  # Lowe's ratio for AKAZE's matches, as ORB's (features.RATIO_TEST). 0.9, chosen on eth80's tune half
# (right `match` 0.568 -> 0.581 over one to three registered views, strangers unchanged), let generated strangers
# through on seed 7 (1 -> 3 of 440, over the 0.5 % the matcher keeps to) and 2 more of 2 993 on the held-out half
# (bench/README.md run 50)
MIN_MATCHES = 10  # ratio-test matches below which no homography is fitted
MIN_SIDE = 16  # a picture thinner than this is not described (OpenCV's AKAZE fails on a picture 1 px high)
DESCRIPTOR_BYTES = 61  # AKAZE's full 486-bit descriptor
TILTS = ((1.0, 0.71), (0.71, 1.0))  # a query's picture is also described squeezed to these shares of its width and
# height (an affine simulation, as ASIFT's tilts): a face of an object turned 45 degrees about its upright axis is
# foreshortened by cos 45 = 0.71 in one of the two photos; AKAZE does not undo that, the squeezed copy does. Chosen on
# eth80's tune half (bench/README.md run 49); a registered photo is described as it is.
_MAGIC = b"OIDA"
_HEADER = np.dtype([("magic", "S4"), ("n", "<u4")])


class SecondFeatures(NamedTuple):
    keypoints: np.ndarray  # (n, 2) float32 positions in the described picture (FEATURE_SIDE)
    descriptors: np.ndarray  # (n, DESCRIPTOR_BYTES) uint8


NONE = SecondFeatures(np.zeros((0, 2), np.float32), np.zeros((0, DESCRIPTOR_BYTES), np.uint8))
_local = threading.local()  # one detector a thread: OpenCV's feature objects keep state between calls


def _detector() -> cv2.Feature2D:
    if not hasattr(_local, "akaze"):
        # in OpenCV 4 AKAZE is in the main module, in OpenCV 5 in contrib's xfeatures2d
        make = getattr(cv2, "AKAZE_create", None) or cv2.xfeatures2d.AKAZE_create
        _local.akaze = make(threshold=THRESHOLD)
    return _local.akaze


def describe(picture: np.ndarray) -> SecondFeatures:
    """AKAZE features of an RGB (or grey) picture: its MAX_KEYPOINTS strongest keypoints (none for a strip thinner
    than MIN_SIDE)."""
    if min(picture.shape[:2]) < MIN_SIDE:
        return NONE
    grey = picture if picture.ndim == 2 else cv2.cvtColor(picture, cv2.COLOR_RGB2GRAY)
    detector = _detector()
    keypoints = detector.detect(grey)
    if len(keypoints) > MAX_KEYPOINTS:
        keypoints = sorted(keypoints, key=lambda k: -k.response)[:MAX_KEYPOINTS]
    keypoints, descriptors = detector.compute(grey, keypoints)
    if descriptors is None or not keypoints:
        return NONE
    return SecondFeatures(np.float32([k.pt for k in keypoints]).reshape(-1, 2), descriptors.astype(np.uint8))


def describe_tilted(picture: np.ndarray) -> SecondFeatures:
    """A query's AKAZE features: those of its picture and of its copies squeezed by TILTS (described in the
    verification pool beside the caller), the copies' keypoints put back where they lie in the picture."""
    h, w = picture.shape[:2]
    copies = [cv2.resize(picture, (max(1, round(w * sx)), max(1, round(h * sy))), interpolation=cv2.INTER_AREA)
              for sx, sy in TILTS]
    pool = threads.pool_to_split_into()  # each copy takes ~0.5 x the picture's time: both in the pool, else after it
    waits = [pool.submit(describe, c).result if pool else partial(describe, c) for c in copies]
    found = [describe(picture)] + [wait() for wait in waits]
    return SecondFeatures(
        np.concatenate([f.keypoints / np.float32(scale) for f, scale in zip(found, [(1.0, 1.0), *TILTS])]),
        np.concatenate([f.descriptors for f in found]))


def packed(found: SecondFeatures) -> bytes:
    """The features as a registered photo's signature keeps them (PhotoSignature.second_features): an 8-byte header
    (magic, count), then positions and descriptors. Apart from ORB's blob, which every check reads for up to 100
    candidates: these are read for the few records a second look verifies."""
    header = np.array([(_MAGIC, len(found.keypoints))], _HEADER)
    return b"".join(np.ascontiguousarray(p).tobytes()
                    for p in (header, found.keypoints.astype("<f4"), found.descriptors.astype(np.uint8)))


def unpacked(stored: bytes | None) -> SecondFeatures | None:
    """Inverse of :func:`packed`; None where nothing is stored (a signature made without them: a phone's offline
    bank keeps ORB's features only)."""
    if not stored:
        return None
    head = np.frombuffer(stored, _HEADER, count=1)[0] if len(stored) >= _HEADER.itemsize else None
    if head is None or head["magic"] != _MAGIC or len(stored) != _HEADER.itemsize + int(head["n"]) * (8 + DESCRIPTOR_BYTES):
        raise ValueError("not a second look's features (run `registry reindex`)")
    n, at = int(head["n"]), _HEADER.itemsize
    return SecondFeatures(np.frombuffer(stored, "<f4", count=2 * n, offset=at).reshape(n, 2),
                          np.frombuffer(stored, np.uint8, count=n * DESCRIPTOR_BYTES, offset=at + 8 * n).reshape(
                              n, DESCRIPTOR_BYTES))


def cells_verified(query: SecondFeatures, registered: SecondFeatures) -> int:
    """SPREAD_CELL_PX cells of the registered picture that the inliers of one RANSAC homography cover: ratio-test
    matches (one per registered keypoint), 0 below MIN_MATCHES."""
    return plane_verified(query, registered)[0]


def plane_verified(query: SecondFeatures, registered: SecondFeatures) -> tuple[int, np.ndarray | None]:
    """:func:`cells_verified`'s cells and the homography (query to registered) whose inliers cover them (None where
    none was fitted; bench/second_look_rules.py compares it with ORB's inliers)."""
    if len(query.descriptors) < 2 or len(registered.descriptors) < 2:
        return 0, None
    dist, idx = cv2.batchDistance(query.descriptors, registered.descriptors, cv2.CV_32S,
                                  normType=cv2.NORM_HAMMING, K=2, update=0, crosscheck=False)
    qi = np.flatnonzero(dist[:, 0] < RATIO_TEST * dist[:, 1])
    ti = idx[qi, 0].astype(np.intp)
    order = np.lexsort((dist[qi, 0], ti))  # the nearest query keypoint for each registered one
    qi, ti = qi[order], ti[order]
    first = np.ones(len(ti), bool)
    first[1:] = ti[1:] != ti[:-1]
    qi, ti = qi[first], ti[first]
    if len(qi) < MIN_MATCHES:
        return 0, None
    piece = ft.one_plane(query.keypoints[qi], registered.keypoints[ti])
    return (0, None) if piece is None else (ft.cells_covered(registered.keypoints[ti][piece[1]]), piece[0])
