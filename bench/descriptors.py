"""Which local features recognise a turned object: ORB, RootSIFT, AKAZE and learned descriptors in one pipeline on
eth80's real views.

Issue 23 asks to choose by measurement what recognises a turned object. The engine's figures mix its features with
its rules (cut-outs, several views, the `distinct` rule, colours); this bench holds everything else fixed and
changes only the features. Each object of ``../shared/data/eth80-views`` is registered from its side view
``090-000``; its other nine views are checked against all 80 registered views. Both sides keep only the keypoints
on the object (``eth80_photos.object_mask``, the blue cloth left out: the same for every feature), at 640 px as the
engine describes a photo. Matches pass a 0.8 ratio test (one per registered keypoint), one RANSAC homography
(8 px) is fitted, and its inliers are counted in 32 px cells of the registered picture, as the engine counts them.

For each feature it prints:
* R@1 by cells alone (the record with the most cells first);
* the share of views whose own record is first with at least ``t`` cells, ``m`` more than the next record (what a
  verdict could call `match`), beside the strangers: each view checked again with its own record left out, and
  flagged when the first of the others passes the same rule. Cells are not comparable across features (AKAZE
  finds more on every pair); compare the right share at the same strangers' count;
* the time to describe one picture;
* with both halves and two features or more: two features that agree (the same record first by both, each with
  its own cells and margin), the rule chosen on the tune half (the most right records with at most 0 or 2 wrong
  records and strangers there) and reported on the held-out half.

    python bench/descriptors.py [--half heldout|tune|both] [--features ORB,SIFT,AKAZE] [--whole-photo] [--json FILE]

A feature may be described at another size than 640 px: ``--features ORB,AKAZE@384`` (eth80's photos are 256 px).

The learned descriptors whose weights ship inside opencv-contrib's wheel are measured the same way (run 51), each on
keypoints OpenCV documents a sampling scale for: ``VGG`` and ``BOOST`` (BinBoost, 256 bits) on SIFT's, ``TEBLID`` and
``BEBLID`` (512 bits) on ORB's (the engine's feature): ``--features ORB,AKAZE,VGG,BOOST,TEBLID,BEBLID``.

AKAZE is in OpenCV 5's contrib modules (``cv2.xfeatures2d``), which the registry installs since engine
``orb-akaze-15`` (``opencv-contrib-python-headless``: its second look, run 48); with the plain wheel it is skipped
with a message.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from scipy import ndimage as ndi

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eth80_photos as ep  # noqa: E402

SIDE = 640  # features.FEATURE_SIDE
CELL = 32  # features.SPREAD_CELL_PX
RATIO = 0.8  # features.RATIO_TEST
REPROJ_PX = 8.0  # features.RANSAC_REPROJ_PX
MIN_MATCHES = 10
MASK_GROW_PX = 4  # the object's mask grown by this much at 256 px: corners on its outline are kept
REGISTERED_VIEW = "090-000"
RULES = ((10, 0), (12, 0), (14, 0), (16, 0), (20, 0), (10, 4), (12, 4), (14, 4), (16, 6), (20, 8), (24, 8))

Described = tuple[np.ndarray, np.ndarray | None]  # keypoint positions (n, 2), descriptors


def detector(name: str):
    """The feature's detector-descriptor, or None where this OpenCV lacks it."""
    if name == "ORB":
        return cv2.ORB_create(nfeatures=700, fastThreshold=4)  # the engine's (features.MAX_FEATURES, FAST_THRESHOLD)
    if name == "SIFT":
        return cv2.SIFT_create(nfeatures=700)
    if name == "AKAZE":
        contrib = getattr(cv2, "xfeatures2d", None)
        make = getattr(cv2, "AKAZE_create", None) or getattr(contrib, "AKAZE_create", None)
        return make(threshold=0.0005) if make else None  # OpenCV's default 0.001 found ~150 keypoints an object
    if name in LEARNED:
        contrib = getattr(cv2, "xfeatures2d", None)
        if contrib is None:
            return None
        keypoints, make = LEARNED[name]
        return DetectThenDescribe(detector(keypoints), make(contrib))
    raise ValueError(f"unknown feature {name}")


class DetectThenDescribe:
    """One feature's keypoints described by a learned descriptor (its weights compiled into opencv-contrib)."""

    def __init__(self, det, extractor) -> None:
        self.det, self.extractor = det, extractor

    def detectAndCompute(self, grey: np.ndarray, mask: np.ndarray):  # noqa: N802 (OpenCV's name)
        return self.extractor.compute(grey, self.det.detect(grey, mask))


# Learned descriptors whose weights ship in opencv-contrib's wheel, each on a detector's keypoints with the sampling
# scale OpenCV documents for that detector.
LEARNED = {
    "VGG": ("SIFT", lambda c: c.VGG_create(scale_factor=6.75)),
    "BOOST": ("SIFT", lambda c: c.BoostDesc_create(scale_factor=6.75)),
    "TEBLID": ("ORB", lambda c: c.TEBLID_create(1.0, c.TEBLID_SIZE_512_BITS)),
    "BEBLID": ("ORB", lambda c: c.BEBLID_create(1.0, c.BEBLID_SIZE_512_BITS)),
}
FLOAT_DESCRIPTORS = ("SIFT", "VGG")


def matcher_for(name: str) -> cv2.BFMatcher:
    """A brute-force matcher with the feature's distance: L2 for float descriptors, Hamming for binary ones."""
    return cv2.BFMatcher(cv2.NORM_L2 if name in FLOAT_DESCRIPTORS else cv2.NORM_HAMMING)


def grey_and_mask(img: Image.Image, whole: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The photo in grey at SIDE px and its object's mask (255 on the object; everywhere with ``whole``)."""
    mask = (np.ones(img.size[::-1], bool) if whole
            else ndi.binary_dilation(ep.object_mask(img), iterations=MASK_GROW_PX))
    grey = cv2.resize(cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2GRAY), (SIDE, SIDE), interpolation=cv2.INTER_CUBIC)
    return grey, cv2.resize(mask.astype(np.uint8) * 255, (SIDE, SIDE), interpolation=cv2.INTER_NEAREST)


def describe(det, name: str, grey: np.ndarray, mask: np.ndarray) -> Described:
    kp, desc = det.detectAndCompute(grey, mask)
    if desc is not None and name == "SIFT":  # RootSIFT: the Hellinger kernel, as the issue's baseline
        desc = np.sqrt(desc / (desc.sum(axis=1, keepdims=True) + 1e-7)).astype(np.float32)
    return np.float32([k.pt for k in kp]).reshape(-1, 2), desc


def at_side(grey_mask: tuple[np.ndarray, np.ndarray], side: int) -> tuple[np.ndarray, np.ndarray]:
    """A picture and its mask (made at SIDE) at ``side`` px."""
    if side == SIDE:
        return grey_mask
    grey, mask = grey_mask
    return (cv2.resize(grey, (side, side), interpolation=cv2.INTER_AREA),
            cv2.resize(mask, (side, side), interpolation=cv2.INTER_NEAREST))


def cells_verified(query: Described, registered: Described, matcher, scale: float = 1.0) -> int:
    """Cells of the registered picture that one RANSAC homography's inliers cover (0 below MIN_MATCHES); at
    ``scale`` times SIDE, the cells and the reprojection bound are as much smaller."""
    (q_at, q_desc), (t_at, t_desc) = query, registered
    if q_desc is None or t_desc is None or len(q_desc) < 2 or len(t_desc) < 2:
        return 0
    best: dict[int, cv2.DMatch] = {}
    for pair in matcher.knnMatch(q_desc, t_desc, k=2):
        if len(pair) == 2 and pair[0].distance < RATIO * pair[1].distance:
            m = pair[0]
            if m.trainIdx not in best or m.distance < best[m.trainIdx].distance:
                best[m.trainIdx] = m
    if len(best) < MIN_MATCHES:
        return 0
    src = q_at[[m.queryIdx for m in best.values()]]
    dst = t_at[[m.trainIdx for m in best.values()]]
    cv2.setRNGSeed(7)
    h, inliers = cv2.findHomography(src, dst, cv2.USAC_DEFAULT, REPROJ_PX * scale, maxIters=1000, confidence=0.995)
    if h is None or inliers is None or not inliers.any():
        return 0
    return len(np.unique((dst[inliers.ravel().astype(bool)] // (CELL * scale)).astype(np.int32), axis=0))


def run_feature(spec: str, registered: dict[str, tuple], queries: list[tuple]) -> dict | None:
    """Every query's cells with every registered view, and the time to describe a picture. ``spec``: a feature's
    name, with ``@side`` to describe the pictures at that many px instead of SIDE (``AKAZE@384``)."""
    name, _, side_text = spec.partition("@")
    side = int(side_text or SIDE)
    det = detector(name)
    if det is None:
        print(f"{name}: not in this OpenCV ({cv2.__version__}); install opencv-contrib-python-headless to measure it")
        return None
    matcher = matcher_for(name)
    started = time.perf_counter()
    gallery = {obj: describe(det, name, *at_side(gm, side)) for obj, gm in registered.items()}
    describe_ms = (time.perf_counter() - started) / len(gallery) * 1e3
    rows = []
    for obj, view, group, gm in queries:
        q = describe(det, name, *at_side(gm, side))
        cells = {other: cells_verified(q, t, matcher, side / SIDE) for other, t in gallery.items()}
        rows.append({"object": obj, "view": view, "group": group, "cells": cells, "keypoints": len(q[0])})
    return {"describe_ms": round(describe_ms, 1), "rows": rows}


def first_two(cells: dict[str, int], left_out: str | None = None) -> tuple[str | None, int, int]:
    """The record with the most cells (its name and cells) and the next one's cells, ``left_out`` aside (None, 0
    and 0 where there is none)."""
    ranked = sorted(((c, n) for n, c in cells.items() if n != left_out), reverse=True)
    if not ranked:
        return None, 0, 0
    return ranked[0][1], ranked[0][0], ranked[1][0] if len(ranked) > 1 else 0


def figures(rows: list[dict]) -> dict:
    groups = list(dict.fromkeys(r["group"] for r in rows))
    out: dict = {"n": len(rows), "R@1 by cells": {}, "rules": {}}
    for g in [*groups, "all"]:
        rs = [r for r in rows if g in ("all", r["group"])]
        out["R@1 by cells"][g] = round(sum(_first_is_own(r) for r in rs) / len(rs), 3)
    for t, m in RULES:
        right = wrong = strangers = 0
        for r in rows:
            name, cells, next_cells = first_two(r["cells"])
            if cells >= t and cells - next_cells >= m:
                right += name == r["object"]
                wrong += name != r["object"]
            _, cells, next_cells = first_two(r["cells"], left_out=r["object"])
            strangers += cells >= t and cells - next_cells >= m
        out["rules"][f"t={t} m={m}"] = {"right": round(right / len(rows), 3), "wrong": wrong, "strangers": strangers}
    return out


def _first_is_own(row: dict) -> bool:
    name, cells, _ = first_two(row["cells"])
    return name == row["object"] and cells > 0


def best_at(fig: dict, most_strangers: int) -> tuple[str, float]:
    """The rule with the largest right share among those flagging at most ``most_strangers`` strangers and no
    wrong record."""
    ok = [(f["right"], rule) for rule, f in fig["rules"].items() if f["strangers"] <= most_strangers and f["wrong"] == 0]
    return (max(ok)[1], max(ok)[0]) if ok else ("none", 0.0)


AGREE_CELLS = (4, 6, 8, 10, 12, 14)
AGREE_MARGINS = (0, 2, 4)


def firsts(rows: list[dict]) -> list[tuple[str, str, tuple, tuple]]:
    """Each view's object, view group, and :func:`first_two` with its own record and with it left out."""
    return [(r["object"], r["group"], first_two(r["cells"]), first_two(r["cells"], left_out=r["object"])) for r in rows]


def agreement(first: list[tuple], second: list[tuple], rule: tuple[int, int, int, int]) -> dict:
    """Right share, wrong records and strangers where both features put one record first (:func:`firsts` of
    each), the first with ``a`` cells ``ma`` ahead of the next record, the second with ``b`` cells ``mb`` ahead
    (``rule`` = a, b, ma, mb)."""
    a, b, ma, mb = rule

    def agreed(x: tuple, y: tuple) -> str | None:
        return x[0] if x[0] == y[0] and x[1] >= a and y[1] >= b and x[1] - x[2] >= ma and y[1] - y[2] >= mb else None

    right = wrong = strangers = 0
    groups: dict[str, list[bool]] = {}
    for (obj, group, x, x_left_out), (_, _, y, y_left_out) in zip(first, second):
        found = agreed(x, y)
        right += found == obj
        wrong += found not in (None, obj)
        strangers += agreed(x_left_out, y_left_out) is not None
        groups.setdefault(group, []).append(found == obj)
    return {"right": round(right / len(first), 3), "wrong": wrong, "strangers": strangers,
            "by view": {g: round(sum(v) / len(v), 3) for g, v in groups.items()}}


def agreements(results: dict[str, dict[str, dict]]) -> dict:
    """For each pair of features measured on both halves: the rule chosen on the tune half, and its figures on
    both halves."""
    out = {}
    names = [n for n, halves in results.items() if set(ep.HALVES) <= set(halves)]
    for i, f1 in enumerate(names):
        for f2 in names[i + 1:]:
            tune = (firsts(results[f1]["tune"]["rows"]), firsts(results[f2]["tune"]["rows"]))
            held = (firsts(results[f1]["heldout"]["rows"]), firsts(results[f2]["heldout"]["rows"]))
            scored = [(rule, agreement(*tune, rule))
                      for rule in itertools.product(AGREE_CELLS, AGREE_CELLS, AGREE_MARGINS, AGREE_MARGINS)]
            for most in (0, 2):
                allowed = [(f["right"], rule) for rule, f in scored if f["wrong"] + f["strangers"] <= most]
                if not allowed:  # every rule of the grid lets more through on the tune half
                    continue
                rule = max(allowed)[1]
                out[f"{f1}+{f2}, <= {most} on the tune half"] = {"rule (a, b, ma, mb)": rule,
                                                                  "tune": agreement(*tune, rule),
                                                                  "heldout": agreement(*held, rule)}
    return out


def print_figures(name: str, half: str, result: dict, fig: dict) -> None:
    keypoints = np.median([r["keypoints"] for r in result["rows"]])
    print(f"\n== {name}, {half} half: {fig['n']} views; {result['describe_ms']} ms a picture, "
          f"{keypoints:.0f} keypoints a query (median)")
    print("  R@1 by cells: " + ", ".join(f"{g} {v:.3f}" for g, v in fig["R@1 by cells"].items()))
    for rule, f in fig["rules"].items():
        print(f"  {rule:10s} right {f['right']:.3f}  wrong {f['wrong']}  strangers {f['strangers']}")
    for most in (0, 2):
        rule, right = best_at(fig, most)
        print(f"  best with <= {most} strangers and no wrong record: {rule} -> right {right:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ep.DATA_DIR)
    ap.add_argument("--half", choices=("heldout", "tune", "both"), default="both")
    ap.add_argument("--features", default="ORB,SIFT,AKAZE")
    ap.add_argument("--whole-photo", action="store_true",
                    help="describe the whole photos, the cloth too (as a check that cuts nothing out would)")
    ap.add_argument("--json", type=Path, help="write every figure and every view's cells to this file")
    a = ap.parse_args()
    if not ep.present(a.data):
        return
    cv2.setNumThreads(1)  # times a picture on one core, as a check's thread describes it
    objects = ep.objects(a.data)
    registered = {o.name: grey_and_mask(ep.photo(a.data, o, REGISTERED_VIEW), a.whole_photo) for o in objects}
    out: dict = {"opencv": cv2.__version__, "registered": REGISTERED_VIEW, "whole_photo": a.whole_photo,
                 "features": {}}
    for half in ep.HALVES if a.half == "both" else (a.half,):
        queries = [(o.name, v, next(g for g, vs in ep.VIEW_GROUPS.items() if v in vs),
                    grey_and_mask(ep.photo(a.data, o, v), a.whole_photo))
                   for o in objects if o.half == half for v in ep.VIEWS if v != REGISTERED_VIEW]
        for name in a.features.split(","):
            result = run_feature(name, registered, queries)
            if result is None:
                continue
            fig = figures(result["rows"])
            print_figures(name, half, result, fig)
            out["features"].setdefault(name, {})[half] = {**fig, "describe_ms": result["describe_ms"],
                                                         "rows": result["rows"]}
    out["agreement"] = agreements(out["features"])
    for name, f in out["agreement"].items():
        held = f["heldout"]
        print(f"\n{name}: rule {f['rule (a, b, ma, mb)']}; tune right {f['tune']['right']:.3f} "
              f"(wrong {f['tune']['wrong']}, strangers {f['tune']['strangers']}); held-out right {held['right']:.3f} "
              f"(wrong {held['wrong']}, strangers {held['strangers']}): "
              + ", ".join(f"{g} {v:.2f}" for g, v in held["by view"].items()))
    if a.json:
        a.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
