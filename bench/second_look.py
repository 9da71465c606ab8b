"""The engine's first record confirmed by a second local feature, simulated on eth80's real views (run 47).

A turned object's first record is often right but short of a `match` (eth80's held-out half, turned 22 degrees: R@1
1.000, `match` 0.732). This bench asks what a second look would add: a second feature (``bench/descriptors.py``'s
cells of the same views, every registered view verified) that must put the same record first. The engine checks
every view of the queried objects with one registered view (``090-000``), as ``bench/eth80.py``'s first pass does,
and again with the object's own record left out (strangers). A view's first record is a `match` where the engine
says so, or where

* the engine puts it first with ``a`` cells or more, ``ma`` more than any other record, and
* the second feature puts the same record first with ``b`` cells or more, ``mb`` more than the next
  (among all 80 records, or with ``--first K`` among the engine's first K only, as a check could afford).

The rule is chosen on the tune half (the most right records with at most 0, 1 or 2 strangers and wrong records
there) and read on the held-out half. A simulation, not the engine: nothing here changes what a check answers.

    python bench/descriptors.py --features SIFT --whole-photo --json second.json   # ~2 min
    python bench/second_look.py second.json:SIFT [more.json:AKAZE ...] [--first K ...] [--json FILE]   # ~2 min

Each ``FILE:FEATURE`` is one second look (a feature of a ``bench/descriptors.py --json`` file); each ``--first`` is
read with each (0: among all records).
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import descriptors  # noqa: E402
import eth80  # noqa: E402
import eth80_photos as ep  # noqa: E402

from registry.matching import use_one_native_thread, warm_up  # noqa: E402

REGISTERED_VIEW = "090-000"  # descriptors.REGISTERED_VIEW
ENGINE_CELLS = (4, 6, 8, 10)
SECOND_CELLS = (4, 6, 8, 10, 12, 14)
MARGINS = (0, 2, 4)


def engine_views(bench: eth80.Bench) -> list[dict]:
    """Each queried view checked by the engine, and again with its own record left out: its first record (by name),
    that record's cells and verdict, the most cells any other record verified, and the records in the engine's
    order."""
    reg = bench.registry((REGISTERED_VIEW,), False)
    views = [(o, v) for o in bench.queried for v in ep.VIEWS if v != REGISTERED_VIEW]
    rows = [engine_row(bench, reg, o, v, stranger=False) for o, v in views]
    for o in bench.queried:
        with reg.left_out(bench.record[o.name]):
            rows += [engine_row(bench, reg, o, v, stranger=True) for v in ep.VIEWS if v != REGISTERED_VIEW]
    return rows


def engine_row(bench: eth80.Bench, reg, obj: ep.Eth80Object, view: str, stranger: bool) -> dict:
    ranked = reg.check(ep.photo(bench.data, obj, view)).matches
    first = ranked[0] if ranked else None
    return {"object": obj.name, "half": obj.half, "view": view, "stranger": stranger,
            "group": next(g for g, vs in ep.VIEW_GROUPS.items() if view in vs),
            "first": bench.name.get(first.record_id) if first else None,
            "cells": first.evidence["inlier_cells"] if first else 0,
            "next_cells": max((m.evidence["inlier_cells"] for m in ranked[1:]), default=0),
            "match": bool(first) and first.verdict == "match",
            "order": [bench.name.get(m.record_id) for m in ranked]}


def second_first(cells: dict[str, int], row: dict, first_k: int) -> tuple[str | None, int, int]:
    """The second feature's first record, its cells and the next one's, among the records it may consider."""
    if first_k:
        keep = set(row["order"][:first_k])
        cells = {n: c for n, c in cells.items() if n in keep}
    return descriptors.first_two(cells, left_out=row["object"] if row["stranger"] else None)


def confirmed(row: dict, second: tuple[str | None, int, int], rule: tuple[int, int, int, int]) -> bool:
    a, b, ma, mb = rule
    name, cells, next_cells = second
    return (row["first"] is not None and name == row["first"] and row["cells"] >= a
            and row["cells"] - row["next_cells"] >= ma and cells >= b and cells - next_cells >= mb)


def figures(rows: list[dict], seconds: list[tuple], rule: tuple[int, int, int, int] | None) -> dict:
    """Right `match` by view group (the engine alone, and with the second look), strangers and wrong records."""
    right: dict[str, list[tuple[bool, bool]]] = {}
    strangers = wrong = 0
    for row, second in zip(rows, seconds):
        flagged = row["match"] or (rule is not None and confirmed(row, second, rule))
        if row["stranger"]:
            strangers += flagged
            continue
        wrong += flagged and row["first"] != row["object"]
        for g in (row["group"], "all"):
            right.setdefault(g, []).append((row["match"] and row["first"] == row["object"],
                                            flagged and row["first"] == row["object"]))
    return {"engine": {g: round(sum(e for e, _ in v) / len(v), 3) for g, v in right.items()},
            "with the second look": {g: round(sum(s for _, s in v) / len(v), 3) for g, v in right.items()},
            "strangers": strangers, "wrong": wrong, "views": len(right["all"]),
            "stranger views": sum(r["stranger"] for r in rows)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("second", nargs="+", help="FILE:FEATURE, a feature of bench/descriptors.py's --json output")
    ap.add_argument("--first", type=int, nargs="+", default=[0],
                    help="the second look among the engine's first K records only (0: among all)")
    ap.add_argument("--data", type=Path, default=ep.DATA_DIR)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    if not ep.present(a.data):
        return
    measured = {spec: measured_cells(spec) for spec in a.second}  # before the engine's ~2 min: a wrong name fails fast
    use_one_native_thread()
    warm_up()
    rows = engine_views(eth80.Bench(a.data, ep.HALVES, seed=17))
    out = {}
    for spec, first_k in itertools.product(a.second, a.first):
        path, _, feature = spec.rpartition(":")
        cells = measured[spec]
        name = f"{Path(path).name}:{feature}" + (f", the engine's first {first_k}" if first_k else "")
        out[name] = second_look(rows, [second_first(cells[r["object"], r["view"]], r, first_k) for r in rows], name)
    if a.json:
        a.json.write_text(json.dumps(out, indent=1))


def measured_cells(spec: str) -> dict[tuple[str, str], dict[str, int]]:
    """A feature's cells of every view and registered record, from ``FILE:FEATURE`` (bench/descriptors.py --json)."""
    path, _, feature = spec.rpartition(":")
    if not path or not Path(path).is_file():
        raise SystemExit(f"{spec}: expected FILE:FEATURE, FILE being bench/descriptors.py's --json output")
    features = json.loads(Path(path).read_text())["features"]
    if feature not in features:
        raise SystemExit(f"{spec}: {path} holds {', '.join(features) or 'no feature'}, not {feature}")
    return {(r["object"], r["view"]): r["cells"] for half in features[feature].values() for r in half["rows"]}


def second_look(rows: list[dict], seconds: list[tuple], name: str) -> dict:
    """The rules chosen on the tune half with at most 0, 1 and 2 errors there, read on both halves (printed)."""
    halves = {h: ([r for r in rows if r["half"] == h], [s for r, s in zip(rows, seconds) if r["half"] == h])
              for h in ep.HALVES}
    scored = [(rule, figures(*halves["tune"], rule))
              for rule in itertools.product(ENGINE_CELLS, SECOND_CELLS, MARGINS, MARGINS)]
    out = {"engine alone": {h: figures(*halves[h], None) for h in ep.HALVES}}
    print(f"\n== second look: {name}")
    for h in ep.HALVES:
        f = out["engine alone"][h]
        print(f"  engine alone, {h}: " + ", ".join(f"{g} {v:.3f}" for g, v in f["engine"].items())
              + f"; strangers {f['strangers']} of {f['stranger views']}, wrong {f['wrong']}")
    for most in (0, 1, 2):
        allowed = [(f["with the second look"]["all"], rule) for rule, f in scored if f["strangers"] + f["wrong"] <= most]
        if not allowed:
            continue
        rule = max(allowed)[1]
        out[f"<= {most}"] = {"rule (a, b, ma, mb)": rule, **{h: figures(*halves[h], rule) for h in ep.HALVES}}
        for h in ep.HALVES:
            f = out[f"<= {most}"][h]
            print(f"  rule {rule} (<= {most} on the tune half), {h}: "
                  + ", ".join(f"{g} {v:.3f}" for g, v in f["with the second look"].items())
                  + f"; strangers {f['strangers']} of {f['stranger views']}, wrong {f['wrong']}")
    return out


if __name__ == "__main__":
    main()
