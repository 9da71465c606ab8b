"""Train the ORB codebook and the code projection shipped in registry/matching/data/ (dev tool).

python bench/build_codebook.py [--step codebook|projection|both] [--k 16]

Codebook: descriptors of every photo that ships with scikit-image (nothing is downloaded), at three
scales; k-means (OpenCV, fixed seed) on the descriptors read as +-1 vectors.

Projection: VLAD vectors of random crops of the same photos (40-100 % of the side, half of them
rotated by up to 30 degrees, at 320-640 px); their mean, their first 128 principal axes, then a
fixed random rotation of those axes so that every bit of the code carries about the same variance.

Changing either changes every stored code: bump ALGORITHM_VERSION and run `registry reindex`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
from skimage import data as skdata

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from registry.matching import aggregate, features  # noqa: E402
from registry.matching.imageops import resize_to  # noqa: E402

_IMAGES = ("astronaut", "brick", "camera", "chelsea", "clock", "coffee", "coins", "colorwheel", "grass", "gravel",
           "horse", "hubble_deep_field", "immunohistochemistry", "moon", "page", "retina", "rocket", "text", "cell")


def _rgb(arr: np.ndarray) -> np.ndarray:
    if arr.dtype != np.uint8:
        arr = (255 * (arr.astype(np.float32) / max(1e-6, float(arr.max())))).astype(np.uint8)
    if arr.ndim == 2:
        arr = np.stack([arr] * 3, axis=2)
    return np.ascontiguousarray(arr[..., :3])


def training_descriptors(per_image: int, rng: np.random.Generator) -> np.ndarray:
    """ORB descriptors of the skimage photos at three sizes, ``per_image`` sampled from each."""
    out = []
    for name in _IMAGES:
        arr = _rgb(getattr(skdata, name)())
        for side in (320, features.FEATURE_SIDE, 960):
            _, desc, _ = features.extract_features(resize_to(arr, side))
            if len(desc):
                out.append(desc[rng.choice(len(desc), size=min(per_image, len(desc)), replace=False)])
    return np.concatenate(out)


def build_codebook(k: int, per_image: int, out: Path) -> None:
    rng = np.random.default_rng(1)
    desc = training_descriptors(per_image, rng)
    x = aggregate.signed_bits(desc)
    cv2.setRNGSeed(1)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 100, 1e-4)
    compactness, _, centres = cv2.kmeans(x, k, None, criteria, 5, cv2.KMEANS_PP_CENTERS)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.save(out, centres.astype(np.float32))
    print(f"{len(x)} descriptors, k={k}, compactness {compactness:.0f} -> {out}")


def _random_view(arr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = arr.shape[:2]
    s = rng.uniform(0.4, 1.0)
    ch, cw = int(h * s), int(w * s)
    y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
    view = np.ascontiguousarray(arr[y:y + ch, x:x + cw])
    if rng.random() < 0.5:
        m = cv2.getRotationMatrix2D((cw / 2, ch / 2), rng.uniform(-30, 30), 1.0)
        view = cv2.warpAffine(view, m, (cw, ch), borderMode=cv2.BORDER_REFLECT)
    return resize_to(view, int(rng.choice([320, 480, features.FEATURE_SIDE])))


def training_vlads(views_per_image: int, rng: np.random.Generator) -> np.ndarray:
    """VLAD vectors of random views of the skimage photos (views with under 50 keypoints are skipped)."""
    out = []
    for name in _IMAGES:
        arr = _rgb(getattr(skdata, name)())
        for _ in range(views_per_image):
            _, desc, _ = features.extract_features(_random_view(arr, rng))
            if len(desc) >= 50:
                x = aggregate.signed_bits(desc)
                out.append(aggregate.vlad(x, aggregate.nearest_centre(x)))
    return np.stack(out)


def build_projection(views_per_image: int, out: Path) -> None:
    vlads = training_vlads(views_per_image, np.random.default_rng(5))
    mean = vlads.mean(axis=0)
    _, _, axes = np.linalg.svd(vlads - mean, full_matrices=False)
    rotation = np.linalg.qr(np.random.default_rng(0).standard_normal((aggregate.CODE_BITS, aggregate.CODE_BITS)))[0]
    matrix = axes[: aggregate.CODE_BITS].T @ rotation
    np.savez_compressed(out, mean=mean.astype(np.float16), matrix=matrix.astype(np.float16))  # ~1 MB
    print(f"{len(vlads)} VLAD vectors -> {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--step", choices=("codebook", "projection", "both"), default="both")
    ap.add_argument("--k", type=int, default=16)
    ap.add_argument("--per-image", type=int, default=1000)
    ap.add_argument("--views-per-image", type=int, default=150)
    a = ap.parse_args()
    if a.step in ("codebook", "both"):
        build_codebook(a.k, a.per_image, aggregate.CODEBOOK_PATH)
        aggregate.codebook.cache_clear()
    if a.step in ("projection", "both"):
        build_projection(a.views_per_image, aggregate.PROJECTION_PATH)


if __name__ == "__main__":
    main()
