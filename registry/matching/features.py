"""Local features (ORB), colour histograms, blob serialisation and geometric verification."""
from __future__ import annotations

import ast
import io
import zipfile

import cv2
import numpy as np

FEATURE_SIDE = 640  # images are resized so their longer side is this before ORB
MAX_FEATURES = 700
RATIO_TEST = 0.8
RANSAC_REPROJ_PX = 8.0
RANSAC_MAX_ITERS = 1000  # true matches have >= ~35 % inliers; more iterations only slow down strangers
FAST_THRESHOLD = 8  # OpenCV default 20 finds too few corners on smooth/low-contrast photos
COLOUR_BINS = 8 * 3
DESCRIPTOR_BYTES = 32

_ORB: dict[int, cv2.ORB] = {}


def _orb(max_features: int) -> cv2.ORB:
    if max_features not in _ORB:
        _ORB[max_features] = cv2.ORB_create(nfeatures=max_features, fastThreshold=FAST_THRESHOLD, edgeThreshold=19,
                                            patchSize=19)
    return _ORB[max_features]


def extract_features(arr: np.ndarray, max_features: int = MAX_FEATURES) -> tuple[np.ndarray, np.ndarray]:
    """ORB keypoints (n,2 float32) and binary descriptors (n,32 uint8) of an RGB array."""
    gray = cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
    kps, desc = _orb(max_features).detectAndCompute(gray, None)
    if desc is None or len(kps) == 0:
        return np.zeros((0, 2), np.float32), np.zeros((0, DESCRIPTOR_BYTES), np.uint8)
    return cv2.KeyPoint_convert(kps).astype(np.float32).reshape(-1, 2), desc


def colour_histogram(arr: np.ndarray) -> np.ndarray:
    """Hue/saturation histogram after grey-world normalisation (colour-cast tolerant)."""
    f = arr.astype(np.float32)
    f *= f.reshape(-1, 3).mean(axis=0).mean() / np.maximum(f.reshape(-1, 3).mean(axis=0), 1.0)
    hsv = cv2.cvtColor(np.clip(f, 0, 255).astype(np.uint8), cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1], None, [8, 3], [0, 180, 40, 256]).ravel()
    total = hist.sum()
    return (hist / total if total > 0 else np.full(COLOUR_BINS, 1.0 / COLOUR_BINS)).astype(np.float32)


def colour_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Histogram intersection in [0, 1]."""
    return float(np.minimum(a, b).sum())


def pack_features(keypoints: np.ndarray, descriptors: np.ndarray, colour: np.ndarray,
                  size: tuple[int, int], words: np.ndarray) -> bytes:
    """Serialise re-ranking data into an .npz blob (not compressed: binary descriptors barely compress,
    and reading 40 compressed blobs cost ~25 ms a check)."""
    buf = io.BytesIO()
    np.savez(buf, kp=keypoints.astype(np.float32), desc=descriptors.astype(np.uint8),
                        colour=colour.astype(np.float16), size=np.array(size, np.int32),
                        words=words.astype(np.uint64))
    return buf.getvalue()


def unpack_features(blob: bytes) -> dict[str, np.ndarray]:
    """Inverse of :func:`pack_features` (read-only arrays)."""
    out: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for info in z.infolist():
            raw = z.read(info)
            arr = _parse_npy(raw)
            if arr is None:  # unexpected .npy layout: let numpy read the whole blob
                with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
                    return {k: npz[k] for k in npz.files}
            out[info.filename[:-4] if info.filename.endswith(".npy") else info.filename] = arr
    return out


_HEADER_CACHE: dict[bytes, tuple[np.dtype, tuple[int, ...]]] = {}


def _parse_npy(raw: bytes) -> np.ndarray | None:
    """Array of a version-1 .npy file (C order, no pickle), header parsed once per distinct header."""
    if raw[:6] != b"\x93NUMPY" or raw[6] != 1:
        return None
    hlen = int.from_bytes(raw[8:10], "little")
    header = raw[10:10 + hlen]
    parsed = _HEADER_CACHE.get(header)
    if parsed is None:
        d = ast.literal_eval(header.decode("latin1"))
        if d.get("fortran_order") or np.dtype(d["descr"]).hasobject:
            return None
        parsed = (np.dtype(d["descr"]), tuple(d["shape"]))
        if len(_HEADER_CACHE) < 4096:
            _HEADER_CACHE[header] = parsed
    dtype, shape = parsed
    return np.frombuffer(raw, dtype=dtype, offset=10 + hlen, count=int(np.prod(shape, dtype=np.int64))).reshape(shape)


def _ratio_matches(q: np.ndarray, t: np.ndarray) -> list[tuple[int, int]]:
    if len(q) < 2 or len(t) < 2:
        return []
    knn = _matcher().knnMatch(q, t, k=2)
    return [(m.queryIdx, m.trainIdx) for m, n in (p for p in knn if len(p) == 2) if m.distance < RATIO_TEST * n.distance]


def _ratio_matches_by_cell(q: np.ndarray, t: np.ndarray, q_cells: np.ndarray,
                           t_cells: np.ndarray) -> list[tuple[int, int]]:
    """Ratio-test matches between descriptors of the same codebook cell only.

    ~2.5x cheaper than comparing every pair, and the bench found the same share of right records
    verified (true correspondences almost always fall in the same cell).
    """
    pairs: list[tuple[int, int]] = []
    t_order = np.argsort(t_cells, kind="stable")
    bounds = np.searchsorted(t_cells[t_order], np.arange(int(t_cells.max(initial=0)) + 2))
    for c in np.unique(q_cells):
        if c + 1 >= len(bounds):
            continue
        ti = t_order[bounds[c]:bounds[c + 1]]
        qi = np.flatnonzero(q_cells == c)
        pairs += [(int(qi[a]), int(ti[b])) for a, b in _ratio_matches(q[qi], t[ti])]
    return pairs


_MATCHER = None


def _matcher() -> cv2.BFMatcher:
    global _MATCHER
    if _MATCHER is None:
        _MATCHER = cv2.BFMatcher(cv2.NORM_HAMMING)
    return _MATCHER


SPREAD_CELL_PX = 32  # inliers are also counted once per cell of this size (at FEATURE_SIDE)


def verify(q_kp: np.ndarray, q_desc: np.ndarray, t_kp: np.ndarray, t_desc: np.ndarray,
           q_cells: np.ndarray | None = None, t_cells: np.ndarray | None = None) -> tuple[int, int, int]:
    """Geometric verification: (RANSAC homography inliers, ratio-test matches, cells the inliers cover).

    The cell count is what verdicts use: a shared glyph or logo yields many inliers packed in a few
    cells, an object seen again spreads them over its surface. With the descriptors' codebook cells
    given, only descriptors of the same cell are compared.
    """
    if q_cells is None or t_cells is None:
        pairs = _ratio_matches(q_desc, t_desc)
    else:
        pairs = _ratio_matches_by_cell(q_desc, t_desc, q_cells, t_cells)
    pairs = _unique_train(pairs)
    if len(pairs) < 6:
        return 0, len(pairs), 0
    src = q_kp[[p[0] for p in pairs]].reshape(-1, 1, 2)
    dst = t_kp[[p[1] for p in pairs]].reshape(-1, 1, 2)
    cv2.setRNGSeed(7)
    h, mask = cv2.findHomography(src, dst, cv2.USAC_DEFAULT, RANSAC_REPROJ_PX, maxIters=RANSAC_MAX_ITERS,
                                 confidence=0.995)  # USAC: same inliers as RANSAC, ~30x faster here
    if h is None or mask is None or not _plausible(h):
        return 0, len(pairs), 0
    inl = mask.ravel().astype(bool)
    cells = np.unique((dst.reshape(-1, 2)[inl] // SPREAD_CELL_PX).astype(np.int32), axis=0)
    return int(inl.sum()), len(pairs), len(cells)


def _unique_train(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Keep one query keypoint per train keypoint (many-to-one matches inflate inliers)."""
    seen: set[int] = set()
    out = []
    for qi, ti in pairs:
        if ti not in seen:
            seen.add(ti)
            out.append((qi, ti))
    return out


def _plausible(h: np.ndarray) -> bool:
    """Reject degenerate homographies (collapsing, mirroring or wildly projective)."""
    det = h[0, 0] * h[1, 1] - h[0, 1] * h[1, 0]
    return bool(0.02 < abs(det) < 50 and det > 0 and abs(h[2, 0]) < 0.01 and abs(h[2, 1]) < 0.01)
