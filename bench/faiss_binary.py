"""A binary-vector index (faiss IVF on binary codes) in place of the pre-filter's scan, measured at N photos.

    pip install faiss-cpu            # or: pip install -e '.[bench-scale]'; not a dependency of the registry
    python bench/faiss_binary.py [--photos 10000000] [--nlist 1024] [--nprobe 16 64] [--queries 60]

The registry's pre-filter (``HashIndex._prefilter``) scans every row: the 4 000 rows nearest the query by the
object's 64-bit pHash, and the 4 000 nearest by the 128-bit ORB code (the nearest of several probes each), go on
to the full distance and verification. Here the same two selections come from two ``faiss.IndexBinaryIVF``
(the pHash words and the codes of the same index as bench/run.py's latency part: the corpus padded to
``--photos`` with real photos' signatures, bench/padding.py), searched for each probe with k = 4 000 and the
lists merged by distance. Printed per nprobe: time of the two searches a query (median / p95), the share of
the exact scan's rows it returns (overlap), and whether the registered query's own photo is among them (the
scan's own figure beside it); with memory (bytes a photo in faiss's lists) and build time.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

try:
    import faiss
except ImportError:  # pragma: no cover - an optional bench
    sys.exit("faiss is not installed: pip install faiss-cpu")

import corpus  # noqa: E402
import padding  # noqa: E402
import run  # noqa: E402
from registry.matching import compute_query, use_one_native_thread, warm_up  # noqa: E402
from registry.matching.index import _CODE_ROW, PREFILTER_KEEP  # noqa: E402

TRAIN_ROWS = 200_000


def binary_ivf(codes: np.ndarray, nlist: int, rng: np.random.Generator) -> tuple[faiss.IndexBinaryIVF, float]:
    """An IVF index over (n, bytes) uint8 codes, trained on a sample; (index, seconds to train and add)."""
    started = time.perf_counter()
    quantizer = faiss.IndexBinaryFlat(codes.shape[1] * 8)
    index = faiss.IndexBinaryIVF(quantizer, codes.shape[1] * 8, nlist)
    index.train(codes[rng.choice(len(codes), min(TRAIN_ROWS, len(codes)), replace=False)])
    index.add(codes)
    return index, time.perf_counter() - started


def nearest(index: faiss.IndexBinaryIVF, probes: np.ndarray, keep: int) -> np.ndarray:
    """Rows among the ``keep`` nearest to the nearest of ``probes`` ((p, bytes) uint8): each probe's ``keep``
    nearest, merged by distance."""
    dist, rows = index.search(probes, keep)
    dist, rows = dist.ravel(), rows.ravel()
    rows = rows[np.argsort(dist, kind="stable")]
    rows = rows[rows >= 0]
    _, first = np.unique(rows, return_index=True)  # each row at its nearest probe's distance
    return rows[np.sort(first)][:keep]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=10_000_000)
    parser.add_argument("--nlist", type=int, default=1024)
    parser.add_argument("--nprobe", type=int, nargs="*", default=[16, 64])
    parser.add_argument("--queries", type=int, default=60, help="registered queries (and half as many strangers)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    use_one_native_thread()
    faiss.omp_set_num_threads(1)
    warm_up()
    manifest = corpus.load_or_build(corpus.DEFAULT_DIR)
    run._STATE["dir"] = corpus.DEFAULT_DIR
    run.register(manifest, 2)
    run._STATE["pool"] = padding.real_pool(corpus.DEFAULT_DIR, 2)
    rng = np.random.default_rng(0)
    idx = run._padded_index(args.photos, rng)
    n = len(idx)
    words = idx._words[:, :n]
    phash_codes = np.ascontiguousarray(words[0]).view(np.uint8).reshape(n, 8)
    orb_codes = np.ascontiguousarray(words[_CODE_ROW:_CODE_ROW + 2].T).view(np.uint8).reshape(n, 16)
    by_phash, phash_s = binary_ivf(phash_codes, args.nlist, rng)
    by_code, code_s = binary_ivf(orb_codes, args.nlist, rng)
    del phash_codes, orb_codes
    qs = [q for q in manifest["queries"] if q["record_id"] is not None]
    pick = [qs[i] for i in rng.choice(len(qs), min(args.queries, len(qs)), replace=False)]
    own_rows = {id(q): {idx._row(p["photo_id"]) for r in manifest["records"] if r["record_id"] == q["record_id"]
                        for p in r["photos"]} for q in pick}
    queries = [(q, compute_query(Image.open(corpus.DEFAULT_DIR / q["path"]).convert("RGB"))) for q in pick]
    report = {"photos": n, "nlist": args.nlist, "build_s": {"phash": round(phash_s, 1), "code": round(code_s, 1)},
              "faiss_bytes_per_photo": (8 + 8) + (16 + 8), "scan": {}, "ivf": {}}
    scan_t, scan_hits = [], []
    exact = {}
    for q, sig in queries:
        phash_probes = np.concatenate([v.hash_words for v in sig.variants]).astype(np.uint64)[0::4, 0]
        code_probes = np.stack([v.features.code for v in sig.variants if not v.pending]).astype(np.uint64)
        started = time.perf_counter()
        rows = idx._prefilter(phash_probes, code_probes, PREFILTER_KEEP)
        scan_t.append(time.perf_counter() - started)
        exact[id(q)] = (set(rows.tolist()), phash_probes, code_probes)
        scan_hits.append(bool(own_rows[id(q)] & exact[id(q)][0]))
    report["scan"] = {"ms_median": round(1e3 * float(np.median(scan_t)), 1),
                      "ms_p95": round(1e3 * float(np.percentile(scan_t, 95)), 1),
                      "own_photo_kept": float(np.mean(scan_hits))}
    for nprobe in args.nprobe:
        by_phash.nprobe = by_code.nprobe = nprobe
        times, overlap, hits = [], [], []
        for q, _ in queries:
            rows_exact, phash_probes, code_probes = exact[id(q)]
            started = time.perf_counter()
            got = np.union1d(nearest(by_phash, np.ascontiguousarray(phash_probes).view(np.uint8).reshape(-1, 8), PREFILTER_KEEP),
                             nearest(by_code, np.ascontiguousarray(code_probes).view(np.uint8).reshape(-1, 16),
                                     PREFILTER_KEEP))
            times.append(time.perf_counter() - started)
            overlap.append(len(rows_exact & set(got.tolist())) / max(1, len(rows_exact)))
            hits.append(bool(own_rows[id(q)] & set(got.tolist())))
        report["ivf"][str(nprobe)] = {"ms_median": round(1e3 * float(np.median(times)), 1),
                                      "ms_p95": round(1e3 * float(np.percentile(times, 95)), 1),
                                      "overlap_with_scan": round(float(np.mean(overlap)), 3),
                                      "own_photo_kept": float(np.mean(hits))}
    report["load_average"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
