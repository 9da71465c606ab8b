"""The matched area of a verified pair of photos, to outline on both: the box around the verification's inliers.

Ranking keeps only what scores need; for the few records a check shows, the best photo is verified once more with
the variant that verified it (the same deterministic verification) and the boxes around the inliers on both sides
are given as fractions of each photo's sides. Scores are not touched.
"""
from __future__ import annotations

import numpy as np
from PIL import Image

from . import aggregate as ag
from . import features as ft
from .imageops import isolate_object, paint_out_bars, resize_max, working_array
from .signature import WORK_SIDE
from .types import MIRRORED, QuerySignature

Box = tuple[float, float, float, float]
WHOLE: Box = (0.0, 0.0, 1.0, 1.0)


def registered_object_box(image: Image.Image) -> Box:
    """Where a registered photo's features were described: the object cut out of a plain background, or the whole
    photo (as :func:`signature.compute_signature` does), as fractions of the photo's sides."""
    arr = paint_out_bars(resize_max(working_array(image, WORK_SIDE), WORK_SIDE))
    box = isolate_object(arr)
    if box is None:
        return WHOLE
    height, width = arr.shape[:2]
    x0, y0, x1, y1 = box
    return x0 / width, y0 / height, x1 / width, y1 / height


def matched_outlines(query: QuerySignature, variant_name: str, features: bytes, registered_image: Image.Image) -> dict:
    """{"query_outline": box, "record_outline": box} of one verified pair (fractions of each photo's sides), or {}
    when the pair does not verify (nothing to outline).

    :param variant_name: the query variant that verified the registered photo (the evidence's ``query_variant``).
    :param features: the registered photo's features blob.
    """
    variant = query.variant(variant_name)
    feats = ft.unpack_features(features)
    f = variant.features
    got = ft.verify(f.keypoints, f.descriptors, feats["kp"], feats["desc"], f.cell_bounds,
                    ft.cell_bounds(feats["cells"], ag.N_CELLS), f.angles, feats["angle"])
    if got.inliers == 0 or len(got.train_inliers) == 0:
        return {}
    query_extent = _extent(f.keypoints[got.query_inliers], variant.size)
    if variant.name == MIRRORED:  # its keypoints are those of the picture flipped left to right
        query_extent = (1 - query_extent[2], query_extent[1], 1 - query_extent[0], query_extent[3])
    record_extent = _extent(feats["kp"][got.train_inliers], tuple(int(v) for v in feats["size"]))
    return {"query_outline": _rounded(_within(variant.box, query_extent)),
            "record_outline": _rounded(_within(registered_object_box(registered_image), record_extent))}


def _extent(points: np.ndarray, size: tuple[int, int]) -> Box:
    fractions = np.clip(points / np.array(size, np.float32), 0.0, 1.0)
    (x0, y0), (x1, y1) = fractions.min(axis=0), fractions.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def _within(outer: Box, inner: Box) -> Box:
    left, top, right, bottom = outer
    w, h = right - left, bottom - top
    return left + inner[0] * w, top + inner[1] * h, left + inner[2] * w, top + inner[3] * h


def _rounded(box: Box) -> list[float]:
    return [round(v, 4) for v in box]
