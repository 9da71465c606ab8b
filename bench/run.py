"""Benchmark: accuracy per edit kind (engine vs pHash baseline), false matches, latency and memory."""
from __future__ import annotations

import argparse
import ctypes
import json
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import edits  # noqa: E402
import padding  # noqa: E402
from registry.matching import (ALGORITHM_VERSION, HashIndex, candidates_to_verify, compute_query,  # noqa: E402
                               compute_signature, rank, use_one_native_thread, warm_up)
from registry.matching.signature import key_to_words  # noqa: E402

BASELINE_MAX_DIST = 10  # pHash baseline: "match" when Hamming distance <= 10
_STATE: dict = {}


def _register_one(item: tuple[int, int, str]) -> tuple[int, int, bytes, bytes, str, bytes]:
    pid, rid, path = item
    img = Image.open(_STATE["dir"] / path).convert("RGB")
    sig = compute_signature(img)
    return pid, rid, sig.index_key, sig.features, str(imagehash.phash(img)), sig.second_features


def _evaluate_one(q: dict) -> dict:
    img = Image.open(_STATE["dir"] / q["path"]).convert("RGB")
    t0 = time.perf_counter()
    qs = compute_query(img)
    cands = _STATE["index"].search(qs, candidates_to_verify(qs))
    res = rank(qs, cands, _load_features, top=5, load_second=load_second)
    elapsed = time.perf_counter() - t0
    base = _baseline(img)
    return {"kind": q["kind"], "record_id": q["record_id"], "elapsed": elapsed,
            "results": [(m.record_id, m.verdict, m.score, m.evidence["inliers"], m.evidence["inlier_cells"],
                         m.evidence["ratio_matches"]) for m in res],
            "candidate_records": [c.record_id for c in cands], "baseline": base}


def _load_features(ids: list[int]) -> dict[int, bytes]:
    """Feature blobs of the corpus's photos and, in a padded index, of the padding (bench/padding.py)."""
    features = _STATE.get("padded_features")
    if features is None:
        return {i: _STATE["blobs"][i] for i in ids if i in _STATE["blobs"]}
    return {i: b for i in ids if (b := features.get(i)) is not None}


def load_second(ids: list[int]) -> dict[int, bytes]:
    """Second look's features of the corpus's photos and, in a padded index, of the padding (as _load_features)."""
    second = _STATE.get("padded_second") or _STATE["second"]
    return {i: b for i in ids if (b := second.get(i))}


def _baseline(img: Image.Image) -> list[tuple[int, int]]:
    h = imagehash.phash(img)
    hv = int(str(h), 16)
    d = np.bitwise_count(_STATE["base_hashes"] ^ np.uint64(hv)).astype(np.int32)
    order = np.argsort(d, kind="stable")
    out: list[tuple[int, int]] = []
    for i in order:
        rid = int(_STATE["base_records"][i])
        if all(rid != r for r, _ in out):
            out.append((rid, int(d[i])))
        if len(out) == 5:
            break
    return out


def registered_corpus() -> tuple[dict, HashIndex, dict[int, bytes]]:
    """(manifest, index, blobs) of the corpus, built if missing and registered, in a process ready to check:
    one native thread, kernels compiled. For the scripts that check more beside it (probes, real pairs, vases)."""
    use_one_native_thread()
    warm_up()
    manifest = corpus.load_or_build(corpus.DEFAULT_DIR)
    _STATE["dir"] = corpus.DEFAULT_DIR
    register(manifest, 2)
    return manifest, _STATE["index"], _STATE["blobs"]


def register(manifest: dict, workers: int) -> None:
    """Compute signatures of every registered photo and fill the global index/blob store."""
    items = [(p["photo_id"], r["record_id"], p["path"]) for r in manifest["records"] for p in r["photos"]]
    with mp.get_context("fork").Pool(workers) as pool:
        rows = pool.map(_register_one, items, chunksize=8)
    idx = HashIndex()
    for pid, rid, key, _blob, _phash, _second in rows:
        idx.add(pid, rid, key)
    _STATE.update(index=idx, blobs={r[0]: r[3] for r in rows}, keys={r[0]: r[2] for r in rows},
                  second={r[0]: r[5] for r in rows},
                  base_hashes=np.array([int(r[4], 16) for r in rows], np.uint64),
                  base_records=np.array([r[1] for r in rows], np.int64))


def evaluate(manifest: dict, workers: int) -> list[dict]:
    """Run every query through the engine and the baseline."""
    with mp.get_context("fork").Pool(workers) as pool:
        return pool.map(_evaluate_one, manifest["queries"], chunksize=4)


def _engine_row(rs: list[dict]) -> dict:
    reg = [r for r in rs if r["record_id"] is not None]
    unreg = [r for r in rs if r["record_id"] is None]
    row: dict = {"n": len(rs)}
    if reg:
        row["R@1"] = float(np.mean([bool(r["results"]) and r["results"][0][0] == r["record_id"] for r in reg]))
        row["R@5"] = float(np.mean([any(x[0] == r["record_id"] for x in r["results"]) for r in reg]))
        row["right_match"] = float(np.mean([any(x[0] == r["record_id"] and x[1] == "match" for x in r["results"]) for r in reg]))
        row["wrong_match"] = float(np.mean([any(x[0] != r["record_id"] and x[1] == "match" for x in r["results"]) for r in reg]))
        row["cand_recall"] = float(np.mean([r["record_id"] in r["candidate_records"] for r in reg]))
    if unreg:
        row["unreg_match"] = float(np.mean([any(x[1] == "match" for x in r["results"]) for r in unreg]))
        row["unreg_possible"] = float(np.mean([any(x[1] == "possible" for x in r["results"]) for r in unreg]))
    return row


def _baseline_row(rs: list[dict]) -> dict:
    reg = [r for r in rs if r["record_id"] is not None]
    unreg = [r for r in rs if r["record_id"] is None]
    row: dict = {"n": len(rs)}
    if reg:
        row["R@1"] = float(np.mean([r["baseline"][0][0] == r["record_id"] for r in reg]))
        row["R@5"] = float(np.mean([any(x[0] == r["record_id"] for x in r["baseline"]) for r in reg]))
        row["right_match"] = float(np.mean([any(x[0] == r["record_id"] and x[1] <= BASELINE_MAX_DIST for x in r["baseline"]) for r in reg]))
        row["wrong_match"] = float(np.mean([any(x[0] != r["record_id"] and x[1] <= BASELINE_MAX_DIST for x in r["baseline"]) for r in reg]))
    if unreg:
        row["unreg_match"] = float(np.mean([r["baseline"][0][1] <= BASELINE_MAX_DIST for r in unreg]))
    return row


def summarise(results: list[dict]) -> dict:
    """Per-kind tables for the engine and the baseline, plus overall rows."""
    kinds = sorted({r["kind"] for r in results}, key=lambda k: (k.startswith("unreg"), k))
    groups = {k: [r for r in results if r["kind"] == k] for k in kinds}
    groups["ALL registered"] = [r for r in results if r["record_id"] is not None]
    groups["ALL unregistered"] = [r for r in results if r["record_id"] is None]
    return {"engine": {k: _engine_row(v) for k, v in groups.items()},
            "baseline": {k: _baseline_row(v) for k, v in groups.items()}}


def calibration(results: list[dict]) -> dict:
    """Inlier distributions used to set the verdict thresholds."""
    unreg = [max([x[3] for x in r["results"]], default=0) for r in results if r["record_id"] is None]
    wrong = [max([x[3] for x in r["results"] if x[0] != r["record_id"]], default=0)
             for r in results if r["record_id"] is not None]
    right = [next((x[3] for x in r["results"] if x[0] == r["record_id"]), 0) for r in results if r["record_id"] is not None]
    pct = lambda a, q: float(np.percentile(a, q)) if a else 0.0  # noqa: E731
    return {"unregistered_best_inliers": {"max": max(unreg, default=0), "p99": pct(unreg, 99), "p95": pct(unreg, 95)},
            "wrong_record_best_inliers": {"max": max(wrong, default=0), "p99.8": pct(wrong, 99.8), "p99": pct(wrong, 99)},
            "right_record_inliers": {"p5": pct(right, 5), "p10": pct(right, 10), "median": pct(right, 50)}}


GROUP_PHOTOS = 40  # of each kind: two registered objects side by side; one registered and one unregistered


def _group_photo(paths: list[str], rng: np.random.Generator) -> Image.Image:
    """The photos' objects side by side on one plain backdrop, at random sizes and heights, re-compressed."""
    backdrop = tuple(int(v) for v in rng.integers(150, 236, 3))
    canvas = Image.new("RGB", (900, 500), backdrop)
    for i, path in enumerate(paths):
        side = int(rng.integers(300, 421))
        obj = Image.open(_STATE["dir"] / path).convert("RGB").resize((side, side))
        canvas.paste(obj, (20 + 450 * i + int(rng.integers(0, 421 - side)), int(rng.integers(20, 481 - side))))
    return edits.jpeg(canvas, rng, int(rng.integers(60, 91)))


def group_photos(manifest: dict) -> dict:
    """Group photos (as after a raid): is every registered object in the photo flagged "match", and nothing else?"""
    rng = np.random.default_rng(11)
    objects = [r for r in manifest["records"] if r["source"].startswith("proc:")]
    strangers = [q["path"] for q in manifest["queries"] if q["kind"] == "unregistered"]
    load = lambda ids: {i: _STATE["blobs"][i] for i in ids if i in _STATE["blobs"]}  # noqa: E731
    rows: dict[str, list[tuple[bool, bool]]] = {"two_registered": [], "registered_and_unregistered": []}
    for kind in rows:
        for _ in range(GROUP_PHOTOS):
            a, b = (objects[i] for i in rng.choice(len(objects), 2, replace=False))
            second = b["photos"][0]["path"] if kind == "two_registered" else strangers[int(rng.integers(len(strangers)))]
            expected = {a["record_id"], b["record_id"]} if kind == "two_registered" else {a["record_id"]}
            paths = [a["photos"][0]["path"], second]
            order = [0, 1] if rng.random() < 0.5 else [1, 0]
            query = compute_query(_group_photo([paths[i] for i in order], rng))
            flagged = {m.record_id for m in rank(query, _STATE["index"].search(query, candidates_to_verify(query)), load,
                                                 top=5, load_second=load_second) if m.verdict == "match"}
            rows[kind].append((expected <= flagged, bool(flagged - expected)))
    return {kind: {"n": len(r), "all_registered_match": float(np.mean([ok for ok, _ in r])),
                   "other_match": float(np.mean([bad for _, bad in r]))} for kind, r in rows.items()}


def accuracy_at_scale(manifest: dict, workers: int, n_total: int) -> dict:
    """The accuracy table again, with the index padded to ``n_total`` photos (:func:`_padding_kind`): what a
    large registry costs the retrieval stage and, with real padding, the right record among similar photos."""
    real_index = _STATE["index"]
    _STATE["index"] = _padded_index(n_total, np.random.default_rng(1))
    try:
        return summarise(evaluate(manifest, workers))["engine"]
    finally:
        _STATE["index"], _STATE["padded_features"], _STATE["padded_second"] = real_index, None, None


def _padded_index(n_total: int, rng: np.random.Generator) -> HashIndex:
    """Index of the real corpus photos padded up to ``n_total`` (bench/padding.py: real photos' signatures,
    else random keys), and ``_STATE["padded_features"]`` for the padding's features."""
    idx = HashIndex(capacity=n_total)
    keys = _STATE["keys"]
    real = list(keys.items())[:n_total]
    rec = {pid: rid for pid, rid in zip(_STATE["blobs"], _STATE["base_records"].tolist())}
    idx.add_many(np.array([p for p, _ in real]), np.array([rec[p] for p, _ in real]),
                 np.stack([key_to_words(k) for _, k in real]))
    # Padding ids follow the real ones, as database ids do (dense), so the id lookup stays small.
    first = max(p for p, _ in real) + 1 if real else 1
    padding.add_padding(idx, first, n_total - len(real), _STATE.get("pool"), rng)
    _STATE["padded_features"] = padding.PaddedBlobs(_STATE["blobs"], first, _STATE.get("pool"))
    _STATE["padded_second"] = padding.PaddedBlobs(_STATE["second"], first, _STATE.get("pool"), second=True)
    return idx


def _padding_kind() -> str:
    pool = _STATE.get("pool")
    return "SYNTHETIC random index keys" if pool is None else f"real photos' signatures ({pool.source}, bench/padding.py)"


def _time_checks(idx: HashIndex, imgs: list[Image.Image], load) -> tuple[list[float], list[float], list]:
    """Seconds of compute_query+search+rank and of search alone for each image, and the results."""
    t_total, t_search, results = [], [], []
    for img in imgs:
        t0 = time.perf_counter()
        sig = compute_query(img)
        t1 = time.perf_counter()
        cands = idx.search(sig, candidates_to_verify(sig))
        t2 = time.perf_counter()
        results.append(rank(sig, cands, load, top=5, load_second=load_second))
        t_total.append(time.perf_counter() - t0)
        t_search.append(t2 - t1)
    return t_total, t_search, results


def latency_sample(manifest: dict, n_queries: int, rng: np.random.Generator) -> tuple[list[dict], list[dict]]:
    """The queries latency is timed on: ``n_queries`` registered ones and half as many unregistered ones."""
    qs = [q for q in manifest["queries"] if q["record_id"] is not None]
    pick = [qs[i] for i in rng.choice(len(qs), size=min(n_queries, len(qs)), replace=False)]
    strangers = [q for q in manifest["queries"] if q["record_id"] is None]
    return pick, [strangers[i] for i in rng.choice(len(strangers), size=min(n_queries // 2, len(strangers)), replace=False)]


def latency(manifest: dict, sizes: list[int], n_queries: int) -> dict:
    """Median/p95 of compute_query+search+rank (single process) for each index size: registered
    queries, and unregistered ones apart (they verify every candidate: the slow case)."""
    rng = np.random.default_rng(0)
    pick, pick_unreg = latency_sample(manifest, n_queries, rng)
    imgs = [Image.open(_STATE["dir"] / q["path"]).convert("RGB") for q in pick]
    imgs_unreg = [Image.open(_STATE["dir"] / q["path"]).convert("RGB") for q in pick_unreg]
    pad_blob = next(iter(_STATE["blobs"].values()))
    out = {}
    for n in sizes:
        rss_before = _rss_bytes()
        started = time.perf_counter()
        idx = _padded_index(n, rng)
        built_s = time.perf_counter() - started
        rss_delta = _rss_bytes() - rss_before
        features = _STATE["padded_features"]
        # random keys have no features of their own: they are verified against one real photo's
        load = (lambda ids: {i: features.get(i) or pad_blob for i in ids}) if _STATE.get("pool") is None else _load_features  # noqa: E731
        t_total, t_search, results = _time_checks(idx, imgs, load)
        hits = sum(bool(res) and res[0].record_id == q["record_id"] for q, res in zip(pick, results))
        u_total, _, _ = _time_checks(idx, imgs_unreg, load)
        out[str(n)] = {"total_ms_median": 1e3 * float(np.median(t_total)), "total_ms_p95": 1e3 * float(np.percentile(t_total, 95)),
                       "search_ms_median": 1e3 * float(np.median(t_search)), "search_ms_p95": 1e3 * float(np.percentile(t_search, 95)),
                       "unregistered_ms_median": 1e3 * float(np.median(u_total)),
                       "unregistered_ms_p95": 1e3 * float(np.percentile(u_total, 95)),
                       "all_ms_median": 1e3 * float(np.median(t_total + u_total)),  # 2 registered : 1 stranger
                       "all_ms_p95": 1e3 * float(np.percentile(t_total + u_total, 95)),
                       "bytes_per_photo": idx.memory_bytes_per_photo(), "rss_delta_bytes_per_photo": rss_delta / n,
                       "padded_index_built_s": built_s, "R@1_on_sample": hits / len(pick),
                       "padding": max(0, n - len(_STATE["keys"])), "padding_kind": _padding_kind()}
        del idx
        _STATE["padded_features"] = _STATE["padded_second"] = None
    return out


def _rss_bytes() -> int:
    """This process's resident memory (Linux: /proc/self/statm; 0 elsewhere), after the C allocator has handed
    back what it kept of freed temporaries (the padding's random bits): what stays is the index."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _fmt(v: object) -> str:
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def print_report(summary: dict, calib: dict, lat: dict, scale: dict | None = None, groups: dict | None = None) -> None:
    """Human-readable tables."""
    cols = ["n", "R@1", "R@5", "right_match", "wrong_match", "unreg_match", "cand_recall", "unreg_possible"]
    for name in ("baseline", "engine"):
        title = f"pHash baseline (imagehash.phash, match if Hamming <= {BASELINE_MAX_DIST})" if name == "baseline" else f"engine {ALGORITHM_VERSION}"
        print(f"\n== {title} ==")
        print(f"{'kind':22s}" + "".join(f"{c:>15s}" for c in cols))
        for kind, row in summary[name].items():
            print(f"{kind:22s}" + "".join(f"{_fmt(row.get(c, '')):>15s}" for c in cols))
    print("\n== calibration (inliers of best record) ==")
    print(json.dumps(calib, indent=1))
    if scale:
        n_total = scale["size"]
        print(f"\n== engine with the index padded to {n_total:,d} photos by {scale['padding_kind']} ==")
        scale_cols = ["n", "R@1", "right_match", "wrong_match", "unreg_match", "cand_recall"]
        print(f"{'kind':22s}" + "".join(f"{c:>15s}" for c in scale_cols))
        for kind, row in scale["engine"].items():
            print(f"{kind:22s}" + "".join(f"{_fmt(row.get(c, '')):>15s}" for c in scale_cols))
    if groups:
        print("\n== group photos: two objects side by side on one backdrop ==")
        for kind, row in groups.items():
            print(f"{kind:28s} " + ", ".join(f"{k}={_fmt(v)}" for k, v in row.items()))
    print(f"\n== latency: compute_query + search + rank, single process; sizes > corpus are padded with {_padding_kind()} ==")
    for n, row in lat.items():
        print(f"index {int(n):>9,d}: " + ", ".join(f"{k}={_fmt(v)}" for k, v in row.items()))


def main() -> None:
    """Entry point: python bench/run.py [--json FILE] [--workers N] [--sizes ...]."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=corpus.DEFAULT_DIR)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sizes", type=int, nargs="*", default=[1_000, 100_000, 1_000_000])
    ap.add_argument("--latency-queries", type=int, default=100,
                    help="registered queries timed (and half as many unregistered ones)")
    ap.add_argument("--json", type=Path, default=None, help="also write all figures to this JSON file")
    ap.add_argument("--latency-only", action="store_true", help="skip the accuracy part")
    ap.add_argument("--dump", type=Path, default=None, help="write every query's results to this JSON file")
    ap.add_argument("--scale-size", type=int, default=1_000_000,
                    help="also measure accuracy with the index padded to this many photos (0: skip)")
    ap.add_argument("--padding", choices=("real", "random"), default="real",
                    help="pad large indexes with real photos' signatures (bench/padding.py; random keys where "
                         "../shared/data/eth80-views is absent) or with random keys (the figures before run 19)")
    ap.add_argument("--native-threads", action="store_true",
                    help="leave BLAS and OpenCV their default thread pools (the registry uses one thread each)")
    a = ap.parse_args()
    if not a.native_threads:
        use_one_native_thread()
    warm_up()
    t0 = time.time()
    manifest = corpus.load_or_build(a.corpus)
    _STATE["dir"] = a.corpus
    register(manifest, a.workers)
    _STATE["pool"] = padding.real_pool(a.corpus, a.workers) if a.padding == "real" else None
    if a.padding == "real" and _STATE["pool"] is None:
        print(f"{padding.ep.DATA_DIR} not found: padding with random keys", file=sys.stderr)
    results = [] if a.latency_only else evaluate(manifest, a.workers)
    summary, calib = summarise(results), calibration(results)
    if a.dump:
        a.dump.write_text(json.dumps(results))
    scale = None
    if a.scale_size and not a.latency_only:
        scale = {"size": a.scale_size, "padding": max(0, a.scale_size - len(_STATE["keys"])), "padding_kind": _padding_kind(),
                 "engine": accuracy_at_scale(manifest, a.workers, a.scale_size)}
    groups = None if a.latency_only else group_photos(manifest)
    lat = latency(manifest, a.sizes, a.latency_queries)
    print_report(summary, calib, lat, scale, groups)
    print(f"\nbench wall time {time.time() - t0:.0f} s")
    if a.json:
        a.json.write_text(json.dumps({"algorithm_version": ALGORITHM_VERSION, "summary": summary, "calibration": calib,
                                      "accuracy_at_scale": scale, "group_photos": groups, "latency": lat}, indent=1))


if __name__ == "__main__":
    main()
