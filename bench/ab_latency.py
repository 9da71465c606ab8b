"""Paired A/B of a matching setting's effect on a check's time, in one process (dev helper).

    python bench/ab_latency.py ranking.BUSY_FRAME_K=100,60 [--size 1000000] [--queries 100]

On this shared 2-core machine, the same code's median moves by up to a third from one run of
``bench/run.py --latency-only`` to the next (bench/README.md, run 26): two runs one after the other cannot
show a few milliseconds. Here every query of run.py's latency sample is checked under both values, in turn
and in alternating order, twice, in one process with one padded index; the paired differences are what the
setting costs or saves. It also counts the queries whose first record (a `possible` or a `match`) or verdict
differ between the two.
"""
from __future__ import annotations

import argparse
import importlib
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
from registry.matching import candidates_to_verify, compute_query, rank  # noqa: E402


def _setting(spec: str) -> tuple[object, str, list[object]]:
    """(module, attribute, [value A, value B]) of ``module.ATTR=A,B`` (a module of registry.matching)."""
    target, _, values = spec.partition("=")
    module_name, _, attribute = target.rpartition(".")
    try:
        module = importlib.import_module(f"registry.matching.{module_name}")
    except ModuleNotFoundError:
        module = None
    if module is None or not hasattr(module, attribute) or values.count(",") != 1:
        raise SystemExit(f"expected module.ATTR=A,B with an existing attribute, got {spec!r}")
    kind = type(getattr(module, attribute))
    return module, attribute, [kind(v) for v in values.split(",")]


def _check(idx, load, img: Image.Image) -> tuple[float, tuple]:
    started = time.perf_counter()
    sig = compute_query(img)
    found = rank(sig, idx.search(sig, candidates_to_verify(sig)), load, top=5, load_second=run.load_second)
    first = found[0] if found else None
    if first is None or first.verdict == "no_match":  # which record is first among no matches does not matter
        return time.perf_counter() - started, (None, "no_match")
    return time.perf_counter() - started, (first.record_id, first.verdict)


def paired(idx, load, imgs: list[Image.Image], module: object, attribute: str, values: list[object]) -> dict:
    """Each image checked twice under each value, the order alternating; seconds per value, outcomes differing."""
    seconds: dict[int, list[float]] = {0: [], 1: []}
    differ = 0
    for rep in range(2):
        for i, img in enumerate(imgs):
            outcome = {}
            for which in ((0, 1) if (i + rep) % 2 == 0 else (1, 0)):
                setattr(module, attribute, values[which])
                took, outcome[which] = _check(idx, load, img)
                seconds[which].append(took)
            differ += rep == 0 and outcome[0] != outcome[1]
    a, b = np.array(seconds[0]), np.array(seconds[1])
    ms = lambda x, q: round(1e3 * float(np.percentile(x, q)), 1)  # noqa: E731
    return {"A_median": ms(a, 50), "A_p95": ms(a, 95), "B_median": ms(b, 50), "B_p95": ms(b, 95),
            "paired_median_A_minus_B": round(1e3 * float(np.median(a - b)), 2), "outcomes_differ": differ,
            "n": len(imgs)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("setting", help="module.ATTR=A,B, a module of registry.matching (e.g. ranking.BUSY_FRAME_K=100,60)")
    ap.add_argument("--size", type=int, default=1_000_000,
                    help="photos in the index (padded with real photos' signatures)")
    ap.add_argument("--queries", type=int, default=100, help="registered queries (and half as many unregistered)")
    a = ap.parse_args()
    module, attribute, values = _setting(a.setting)
    manifest, _, _ = run.registered_corpus()
    run._STATE["pool"] = padding.real_pool(corpus.DEFAULT_DIR, 2)
    rng = np.random.default_rng(0)
    samples = run.latency_sample(manifest, a.queries, rng)
    idx = run._padded_index(a.size, rng)
    features = run._STATE["padded_features"]
    pad_blob = next(iter(run._STATE["blobs"].values()))
    load = lambda ids: {i: features.get(i) or pad_blob for i in ids}  # noqa: E731 (as run.latency loads them)
    print(f"A: {attribute} = {values[0]!r}, B: {values[1]!r}; index of {a.size:,d} photos ({run._padding_kind()}); ms")
    for name, sample in zip(("registered", "unregistered"), samples):
        imgs = [Image.open(corpus.DEFAULT_DIR / q["path"]).convert("RGB") for q in sample]
        print(f"{name:13s}", paired(idx, load, imgs, module, attribute, values))


if __name__ == "__main__":
    main()
