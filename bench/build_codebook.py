"""Train the ORB codebook shipped in registry/matching/data/orb_codebook.npy (dev tool).

python bench/build_codebook.py [--k 16] [--out PATH]

Descriptors come from every photo that ships with scikit-image (nothing is downloaded), at three
scales; k-means (OpenCV, fixed seed) on the descriptors read as +-1 vectors. Changing the codebook
changes every stored code: bump ALGORITHM_VERSION and run `registry reindex`.
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
            _, desc = features.extract_features(resize_to(arr, side))
            if len(desc):
                out.append(desc[rng.choice(len(desc), size=min(per_image, len(desc)), replace=False)])
    return np.concatenate(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--k", type=int, default=16)
    ap.add_argument("--per-image", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=aggregate.CODEBOOK_PATH)
    a = ap.parse_args()
    rng = np.random.default_rng(1)
    desc = training_descriptors(a.per_image, rng)
    x = aggregate.signed_bits(desc)
    cv2.setRNGSeed(1)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 100, 1e-4)
    compactness, _, centres = cv2.kmeans(x, a.k, None, criteria, 5, cv2.KMEANS_PP_CENTERS)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    np.save(a.out, centres.astype(np.float32))
    print(f"{len(x)} descriptors, k={a.k}, compactness {compactness:.0f} -> {a.out}")


if __name__ == "__main__":
    main()
