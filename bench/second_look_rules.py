"""The engine's second look logged check by check on eth80's real views, and other rules for it simulated (run 50).

``log`` checks every view of a half's objects, and every view again with the object's own record left out
(strangers), with one, two and three registered views (``eth80.REGISTRATIONS``), through the engine as
``bench/eth80.py`` does. For each check it keeps what ``ranking._second_look`` reads, and more: ORB's cells for
each record, and whether each record's objects' colours agree with the query's. For each of the first
SECOND_LOOK_RECORDS records it also keeps AKAZE's cells, and what share of ORB's inliers with the same photo
AKAZE's homography maps within 16 or 32 px of their match. The engine's own outcome is logged beside them; the
check is answered as always.

``simulate`` reads such a log and prints, for the engine's rule and for each kind of rule tried in run 50, the
right first records made a `match` and the strangers let through. The rule that leads is the one with the most
right `match`es at each count of strangers. Choose on the tune half (objects 1-5, the default); the held-out half
is for reporting.

    python bench/second_look_rules.py log --json log.json [--half tune]   # ~5 min a registration on 2 cores
    python bench/second_look_rules.py simulate log.json
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import eth80  # noqa: E402
import eth80_photos as ep  # noqa: E402

from registry.matching import aggregate, features, ranking, warm_up  # noqa: E402
from registry.matching import second_look as sl  # noqa: E402

AGREE_PX = (16, 32)
ENGINE = (ranking.SECOND_LOOK_MIN_CELLS, ranking.SECOND_LOOK_AHEAD,  # the engine's rule: ORB's cells and lead,
          ranking.SECOND_LOOK_CELLS, ranking.SECOND_LOOK_MARGIN)  # AKAZE's cells and lead
ENGINE_LOOK = ranking._second_look


def agreement(variant, blob: bytes, homography: np.ndarray | None) -> dict[str, float]:
    """Share of ORB's inliers with a registered photo that AKAZE's homography maps within each AGREE_PX of them."""
    out = {f"agree{px}": 0.0 for px in AGREE_PX}
    registered = features.unpack_features(blob)
    q = variant.features
    got = features.verify(q.keypoints, q.descriptors, registered["kp"], registered["desc"], q.cell_bounds,
                          features.cell_bounds(registered["cells"], aggregate.N_CELLS), q.angles, registered["angle"])
    if homography is None or got.cells == 0:
        return out
    inliers = q.keypoints[got.query_inliers].reshape(-1, 1, 2).astype(np.float32)
    mapped = cv2.perspectiveTransform(inliers, homography)
    off = np.linalg.norm(mapped.reshape(-1, 2) - registered["kp"][got.train_inliers], axis=1)
    return {f"agree{px}": float((off <= px).mean()) for px in AGREE_PX}


def logging_second_look(bench: eth80.Bench, reg, log: dict):
    """ranking._second_look as it is, what it read (and more) kept in ``log`` for the check under way."""
    def look(query, scored, groups, load_second, distinct):
        _, rid, photos, _ = scored[0]
        cells = ranking._cells_by_record(groups)
        variant = query.variant(photos[0].variant)
        if variant.second_features() is None:
            variant = query.variants[0]
        looked = ranking._off_backdrop(variant, variant.second_features())
        records = [r for _, r, _, _ in scored[:ranking.SECOND_LOOK_RECORDS]]
        stored = load_second([p.cand.photo_id for r in records for p in groups[r]])
        first = []
        for r in records:
            seen = []
            for p in groups[r]:
                registered = sl.unpacked(stored.get(p.cand.photo_id))
                akaze_cells, homography = (0, None) if registered is None else sl.plane_verified(looked, registered)
                seen.append({"cells": akaze_cells, **agreement(variant, reg.blobs[p.cand.photo_id], homography)})
            first.append({"name": bench.name.get(r), "colours": bool(ranking._colours_agree(query, groups[r][0])),
                          **max(seen, key=lambda x: x["cells"])})
        found = ENGINE_LOOK(query, scored, groups, load_second, distinct)
        log.update(first_record=bench.name.get(rid), orb=cells[rid],
                   told=bool(ranking._an_object_told_apart(query, variant)),
                   match_before=ranking._verdict(photos[0], ranking._views_agree(photos), rid == distinct) == "match",
                   colours=bool(ranking._colours_agree(query, photos[0])), akaze=first,
                   others=[[cells[r], bool(ranking._colours_agree(query, ps[0]))]
                           for r, ps in groups.items() if r != rid],
                   engine_confirmed=bool(found is not None and found.confirmed))
        return found
    return look


def log_checks(half: str, data: Path) -> dict[str, list[dict]]:
    bench = eth80.Bench(data, (half,), 17)
    out = {}
    for registered in eth80.REGISTRATIONS:
        views = tuple(registered.split(","))
        reg = bench.registry(views, False)
        rows, log = [], {}
        ranking._second_look = logging_second_look(bench, reg, log)
        for obj in bench.queried:
            for stranger, view in itertools.product((False, True), ep.VIEWS):
                if view in views and not stranger:
                    continue
                log.clear()
                with reg.left_out(bench.record[obj.name]) if stranger else contextlib.nullcontext():
                    reg.check(ep.photo(bench.data, obj, view))
                rows.append({"object": obj.name, "view": view, "stranger": stranger, **log})
        out[registered] = rows
        print(f"{registered}: {len(rows)} checks logged", flush=True)
    return out


def confirmed(row: dict, rule: dict) -> bool:
    """Whether ``rule`` confirms the row's first record (``rule``: orb, ahead, akaze, margin; optionally
    below_orb (ORB under this many cells instead), agree (share within 16 px), plausible (leads only over records
    whose colours agree))."""
    if "akaze" not in row or row["match_before"] or not row["told"] or not row["colours"]:
        return False  # not looked at: no candidate, or a `match` already
    first, rest = row["akaze"][0], row["akaze"][1:]
    plausible = rule.get("plausible", False)
    orb_next = max((c for c, agree in row["others"] if agree or not plausible), default=0)
    akaze_next = max((r["cells"] for r in rest if r["colours"] or not plausible), default=0)
    orb_ok = row["orb"] < rule["below_orb"] if "below_orb" in rule else row["orb"] >= rule["orb"]
    return (orb_ok and row["orb"] - orb_next >= rule["ahead"] and first["cells"] >= rule["akaze"]
            and first["cells"] - akaze_next >= rule["margin"] and first["agree16"] >= rule.get("agree", 0.0))


def outcome(log: dict[str, list[dict]], rules: list[dict]) -> tuple[float, int, str]:
    """Right first records that are a `match` (the engine's verdict, or any of ``rules`` confirming), of every
    registered view's checks; strangers made a `match` by them; and both for each registration."""
    right = views = strangers = 0
    each = []
    for registered, rows in log.items():
        r0, v0, s0 = right, views, strangers
        for row in rows:
            match = row.get("match_before", False) or any(confirmed(row, r) for r in rules)
            strangers += row["stranger"] and match
            views += not row["stranger"]
            right += not row["stranger"] and match and row.get("first_record") == row["object"]
        each.append(f"{len(registered.split(','))} view(s) {(right - r0) / (views - v0):.3f} / {strangers - s0}")
    return right / views, strangers, ", ".join(each)


def simulate(log: dict[str, list[dict]]) -> None:
    engine = dict(zip(("orb", "ahead", "akaze", "margin"), ENGINE))
    mismatched = sum(confirmed(row, engine) != row.get("engine_confirmed", False)
                     for rows in log.values() for row in rows)
    right, strangers, each = outcome(log, [engine])
    print(f"the engine's rule, simulated: right match {right:.3f}, strangers {strangers} ({each}); checks where the "
          f"simulation differs from the engine: {mismatched}")
    kinds = {
        "ORB's inliers agree with AKAZE's homography": [[{**engine, "agree": a}] for a in (0.3, 0.5, 0.7)],
        "a second tier where ORB's lead is short, agreeing": [
            [engine, {"orb": 5, "ahead": ahead, "akaze": b, "margin": m, "agree": a}]
            for ahead, b, m, a in itertools.product((-99, 0, 2), (6, 8, 12), (2, 4, 6), (0.3, 0.5, 0.7))],
        "leads over records whose colours agree": [
            [{"orb": 5, "ahead": ahead, "akaze": b, "margin": m, "plausible": True}]
            for ahead, b, m in itertools.product((3, 4, 5), (8, 10, 12), (4, 6))],
        "also where ORB verifies under 5 cells": [
            [engine, {"below_orb": 5, "ahead": ahead, "akaze": b, "margin": m}]
            for ahead, b, m in itertools.product((-99, 0), (8, 12, 16, 20), (4, 6, 8, 10))],
    }
    for kind, candidates in kinds.items():
        best: dict[int, tuple[float, str, list[dict]]] = {}
        for rules in candidates:
            right, strangers, each = outcome(log, rules)
            if strangers not in best or right > best[strangers][0]:
                best[strangers] = (right, each, rules)
        print(f"\n{kind}: the most right `match`es at each count of strangers")
        for strangers in sorted(best)[:6]:
            right, each, rules = best[strangers]
            print(f"  strangers {strangers:3d}  right match {right:.3f}  ({each})  {rules[-1]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=("log", "simulate"))
    ap.add_argument("file", nargs="?", type=Path, help="simulate: the log to read")
    ap.add_argument("--half", choices=("tune", "heldout"), default="tune")
    ap.add_argument("--data", type=Path, default=ep.DATA_DIR, help="the eth80-views folder")
    ap.add_argument("--json", type=Path, help="log: where to write it")
    a = ap.parse_args()
    if a.mode == "simulate":
        if a.file is None:
            ap.error("simulate needs the log to read")
        simulate(json.loads(a.file.read_text())["checks"])
        return
    if a.json is None:
        ap.error("log needs --json FILE")
    if not a.data.is_dir():
        print(f"eth80-views not found at {a.data}: nothing to log")
        return
    warm_up()
    a.json.write_text(json.dumps({"half": a.half, "checks": log_checks(a.half, a.data)}))


if __name__ == "__main__":
    main()
