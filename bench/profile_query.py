"""Profile compute_query / search / rank on a sample of the corpus's queries (dev helper).

    python bench/profile_query.py 40 [-u] [-p] [-t] [--size 1000000]

-u: unregistered queries (every candidate verified: the slow case); -p: cProfile as well; -t: keep the native
thread pools, to compare; --size N: the index padded to N photos with real photos' signatures (bench/padding.py),
the candidates' features read as bench/run.py's latency part reads them.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
import padding  # noqa: E402
import run  # noqa: E402
from registry.matching import candidates_to_verify, compute_query, rank, use_one_native_thread, warm_up  # noqa: E402


def _index_and_loader(size: int | None):
    """The corpus's index (or one padded to ``size`` photos) and what reads candidates' features from it."""
    if size is None:
        return run._STATE["index"], lambda ids: {i: run._STATE["blobs"][i] for i in ids}
    run._STATE["pool"] = padding.real_pool(corpus.DEFAULT_DIR, 2)
    idx = run._padded_index(size, np.random.default_rng(0))
    features = run._STATE["padded_features"]
    return idx, lambda ids: {i: features.get(i) for i in ids}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=40, help="queries")
    ap.add_argument("-u", action="store_true", help="unregistered queries")
    ap.add_argument("-p", action="store_true", help="cProfile too")
    ap.add_argument("-t", action="store_true", help="keep the native thread pools")
    ap.add_argument("--size", type=int, help="photos in the index, padded with real photos' signatures")
    a = ap.parse_args()
    if not a.t:
        use_one_native_thread()
    warm_up()
    manifest = corpus.load_or_build(corpus.DEFAULT_DIR)
    run._STATE["dir"] = corpus.DEFAULT_DIR
    run.register(manifest, 2)
    idx, load = _index_and_loader(a.size)
    rng = np.random.default_rng(0)
    qs = [q for q in manifest["queries"] if (q["record_id"] is None) == a.u]
    pick = [qs[i] for i in rng.choice(len(qs), size=a.n, replace=False)]
    imgs = [Image.open(corpus.DEFAULT_DIR / q["path"]).convert("RGB") for q in pick]
    tq, ts, tr, hits = [], [], [], 0
    prof = cProfile.Profile()
    for q, img in zip(pick, imgs):
        if a.p:
            prof.enable()
        t0 = time.perf_counter()
        sig = compute_query(img)
        t1 = time.perf_counter()
        cands = idx.search(sig, candidates_to_verify(sig))
        t2 = time.perf_counter()
        res = rank(sig, cands, load, top=5, load_second=run.load_second)
        t3 = time.perf_counter()
        if a.p:
            prof.disable()
        tq.append(t1 - t0); ts.append(t2 - t1); tr.append(t3 - t2)
        hits += bool(res) and res[0].record_id == q["record_id"]
    f = lambda x: f"{1e3*np.median(x):.1f}/{1e3*np.percentile(x, 95):.1f}"  # noqa: E731
    tot = np.array(tq) + np.array(ts) + np.array(tr)
    print(f"query {f(tq)}  search {f(ts)}  rank {f(tr)}  total {f(tot)} ms (median/p95)  R@1 {hits}/{a.n}")
    if a.p:
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
