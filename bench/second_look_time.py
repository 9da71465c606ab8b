"""What the second look costs a check where it runs (run 48): eth80's views checked with it and without it.

Every other held-out object's nine views are checked against the 80 objects registered from ``090-000``, each twice
in a row: with the engine's second look (ranking.SECOND_LOOK_MIN_CELLS as shipped) and without it (the rule never
met). For the checks whose first record was looked at again, it prints the median time both ways and the median of
the paired difference (one native thread, as bench/run.py times checks). Skipped with a message where
../shared/data/eth80-views is absent.

    python bench/second_look_time.py [--every 2]   # ~2 min
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import eth80  # noqa: E402
import eth80_photos as ep  # noqa: E402

from registry.matching import ranking, use_one_native_thread, warm_up  # noqa: E402

NEVER = 10 ** 6  # ORB cells no record reaches: the second look never runs


def timed(reg, img, min_cells: int) -> tuple[float, bool]:
    """Milliseconds of one check with the second look's ORB gate at ``min_cells``, and whether it looked again."""
    shipped, ranking.SECOND_LOOK_MIN_CELLS = ranking.SECOND_LOOK_MIN_CELLS, min_cells
    try:
        started = time.perf_counter()
        found = reg.check(img)
        took = (time.perf_counter() - started) * 1e3
    finally:
        ranking.SECOND_LOOK_MIN_CELLS = shipped
    return took, bool(found.matches) and found.matches[0].evidence["second_look"] is not None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ep.DATA_DIR)
    ap.add_argument("--every", type=int, default=2, help="every n-th held-out object")
    a = ap.parse_args()
    if not a.data.is_dir():
        print(f"{a.data} is absent: skipped")
        return
    use_one_native_thread()
    warm_up()
    bench = eth80.Bench(a.data, ("heldout",), 17)
    reg = bench.registry((eth80.REGISTRATIONS[0],), False)
    with_it, without, checks = [], [], 0
    for obj in bench.queried[::a.every]:
        for view in ep.VIEWS:
            if view == eth80.REGISTRATIONS[0]:
                continue
            img = ep.photo(bench.data, obj, view)
            took, looked = timed(reg, img, ranking.SECOND_LOOK_MIN_CELLS)
            took_without, _ = timed(reg, img, NEVER)
            checks += 1
            if looked:
                with_it.append(took)
                without.append(took_without)
    if not with_it:
        print(f"{checks} checks, none looked again")
        return
    paired = np.array(with_it) - np.array(without)
    print(f"{checks} checks, {len(with_it)} looked again; those: median {np.median(with_it):.1f} ms with the second "
          f"look, {np.median(without):.1f} ms without; paired median +{np.median(paired):.1f} ms")


if __name__ == "__main__":
    main()
