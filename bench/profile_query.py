"""Profile compute_query / search / rank on a sample of registered queries (-u: unregistered ones; dev helper)."""
from __future__ import annotations

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
import run  # noqa: E402
from registry.matching import candidates_to_verify, compute_query, rank, use_one_native_thread, warm_up  # noqa: E402


def main() -> None:
    if "-t" not in sys.argv:  # -t: keep the native thread pools, to compare
        use_one_native_thread()
    warm_up()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    manifest = corpus.load_or_build(corpus.DEFAULT_DIR)
    run._STATE["dir"] = corpus.DEFAULT_DIR
    run.register(manifest, 2)
    rng = np.random.default_rng(0)
    unregistered = "-u" in sys.argv
    qs = [q for q in manifest["queries"] if (q["record_id"] is None) == unregistered]
    pick = [qs[i] for i in rng.choice(len(qs), size=n, replace=False)]
    imgs = [Image.open(corpus.DEFAULT_DIR / q["path"]).convert("RGB") for q in pick]
    idx = run._STATE["index"]
    load = lambda ids: {i: run._STATE["blobs"][i] for i in ids}  # noqa: E731
    tq, ts, tr, hits = [], [], [], 0
    prof = cProfile.Profile()
    for q, img in zip(pick, imgs):
        prof.enable()
        t0 = time.perf_counter()
        sig = compute_query(img)
        t1 = time.perf_counter()
        cands = idx.search(sig, candidates_to_verify(sig))
        t2 = time.perf_counter()
        res = rank(sig, cands, load, top=5)
        t3 = time.perf_counter()
        prof.disable()
        tq.append(t1 - t0); ts.append(t2 - t1); tr.append(t3 - t2)
        hits += bool(res) and res[0].record_id == q["record_id"]
    f = lambda a: f"{1e3*np.median(a):.1f}/{1e3*np.percentile(a, 95):.1f}"  # noqa: E731
    tot = np.array(tq) + np.array(ts) + np.array(tr)
    print(f"query {f(tq)}  search {f(ts)}  rank {f(tr)}  total {f(tot)} ms (median/p95)  R@1 {hits}/{n}")
    if "-p" in sys.argv:
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
