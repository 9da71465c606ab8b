"""Benchmark Red List look-up on labelled descriptions: right list first, right category in the top 3, negatives warned.

The corpus is bench/redlists/corpus/*.yaml: one entry per description, `{lang, expected, description}`, where
`expected` is the demonstration category code (its Red List follows) or null for an object that fits no category.
Each entry's id is a stable hash of its content; ids with an even hash form the TUNE half (the only one looked at
while tuning weights, vocabulary and the "may fall into" threshold), odd ones the HELD-OUT half.

The descriptions go through the same function as the check and `registry redlists lookup --json`:
`look_up(categories, description_to_query(description))`, best first; "may fall into" is `fit.may_fall_into`.

    python bench/redlists/run.py                 # both halves, per list and per language
    python bench/redlists/run.py --calibrate     # the threshold the tune half's negatives allow (<= 5 % warned)
    python bench/redlists/run.py --misses held-out
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from registry.redlists import load_default, look_up  # noqa: E402
from registry.redlists.lookup import MAY_FALL_INTO, description_to_query  # noqa: E402

CORPUS = Path(__file__).with_name("corpus")
TARGETS = {"list_first": 0.90, "category_top3": 0.80, "negatives_warned": 0.05}


def case_id(case: dict) -> str:
    """A stable id: the hash of the entry's label and description."""
    blob = json.dumps([case["expected"], case["description"]], sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:12]


def half_of(case: dict) -> str:
    """'tune' or 'held-out', from the id's hash."""
    return "tune" if int(case_id(case), 16) % 2 == 0 else "held-out"


def load_corpus() -> list[dict]:
    """Every labelled description, with its id and half."""
    cases = []
    for path in sorted(CORPUS.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append({**case, "id": case_id(case), "half": half_of(case), "file": path.name})
    return cases


def run_case(categories: list, lists_of: dict, case: dict, threshold: float) -> dict:
    """Look one description up; return what the bench measures about it."""
    fits = look_up(categories, description_to_query(case["description"]))
    expected = case["expected"]
    # `also`: categories of another list that cover the same object just as well (Ife heads: West Africa and Africa).
    right = {expected, *case.get("also", [])} if expected else set()
    codes = [f.code for f in fits]
    warned = [f for f in fits if f.strong and f.score >= threshold]
    return {
        "id": case["id"], "half": case["half"], "lang": case["lang"], "expected": expected,
        "list": lists_of.get(expected), "top": [(f.code, f.score, f.evidence) for f in fits[:3]],
        "best_score": max((f.score for f in fits if f.strong), default=0.0),
        "list_first": bool(fits) and fits[0].category.red_list in {lists_of[c] for c in right},
        "category_top3": bool(right & set(codes[:3])),
        "warned_right": any(f.code in right for f in warned),
        "warned_any": bool(warned),
    }


def _rate(rows: list[dict], key: str) -> float:
    return round(sum(r[key] for r in rows) / len(rows), 3) if rows else 0.0


def figures(rows: list[dict]) -> dict:
    """Positives: right list first, right category in top 3 and warned; negatives: any warning."""
    positives = [r for r in rows if r["expected"]]
    negatives = [r for r in rows if not r["expected"]]
    return {"positives": len(positives), "negatives": len(negatives),
            "list_first": _rate(positives, "list_first"), "category_top3": _rate(positives, "category_top3"),
            "positives_warned_right": _rate(positives, "warned_right"),
            "negatives_warned": _rate(negatives, "warned_any")}


def evaluate(threshold: float = MAY_FALL_INTO) -> dict:
    """Run every description; return figures per half, per list and per language, and every row."""
    red_set = load_default()
    lists_of = {c.code: c.red_list for c in red_set.categories}
    started = time.perf_counter()
    rows = [run_case(red_set.categories, lists_of, case, threshold) for case in load_corpus()]
    elapsed = time.perf_counter() - started
    out: dict = {"threshold": threshold, "ms_per_description": round(1000 * elapsed / len(rows), 2), "halves": {}}
    for half in ("tune", "held-out"):
        part = [r for r in rows if r["half"] == half]
        by_list, by_lang = defaultdict(list), defaultdict(list)
        for r in part:
            by_lang[r["lang"]].append(r)
            if r["list"]:
                by_list[r["list"]].append(r)
        out["halves"][half] = {"overall": figures(part),
                               "per_language": {k: figures(v) for k, v in sorted(by_lang.items())},
                               "per_list": {k: figures(v) for k, v in sorted(by_list.items())}}
    out["rows"] = rows
    return out


def calibrate(rows: list[dict], allowed: float = TARGETS["negatives_warned"]) -> float:
    """The lowest threshold at which at most `allowed` of the tune half's negatives get a warning."""
    scores = sorted((r["best_score"] for r in rows if r["half"] == "tune" and not r["expected"]), reverse=True)
    may_exceed = int(allowed * len(scores))
    # Just above the score of the first negative that would push the rate past the allowance.
    return round(scores[may_exceed] + 0.005, 3) if len(scores) > may_exceed else 0.0


def report(result: dict, misses: str = "") -> None:
    """Print the figures for a person."""
    print(f"threshold (may fall into): {result['threshold']}   {result['ms_per_description']} ms per description")
    print(f"targets: list first >= {TARGETS['list_first']:.0%}, category in top 3 >= {TARGETS['category_top3']:.0%}, "
          f"negatives warned <= {TARGETS['negatives_warned']:.0%}")
    for half, data in result["halves"].items():
        o = data["overall"]
        print(f"\n== {half} half: {o['positives']} positives, {o['negatives']} negatives")
        print(_line("overall", o))
        for lang, f in data["per_language"].items():
            print(_line(f"lang {lang}", f))
        for slug, f in data["per_list"].items():
            print(_line(slug, f))
    if misses:
        print(f"\n== misses in the {misses} half")
        for r in result["rows"]:
            if r["half"] != misses:
                continue
            if (r["expected"] and not (r["list_first"] and r["category_top3"])) or (not r["expected"] and r["warned_any"]):
                print(f"  {r['id']} {r['lang']} expected {r['expected']} got {r['top']}")


def _line(label: str, f: dict) -> str:
    text = f"{label:30} "
    if f["positives"]:
        text += (f"list first {f['list_first']:6.1%}  category top 3 {f['category_top3']:6.1%}  "
                 f"warned {f['positives_warned_right']:6.1%} (n={f['positives']})  ")
    if f["negatives"]:
        text += f"negatives warned {f['negatives_warned']:5.1%} (n={f['negatives']})"
    return text


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threshold", type=float, default=MAY_FALL_INTO)
    parser.add_argument("--calibrate", action="store_true", help="print the threshold the tune half supports")
    parser.add_argument("--misses", choices=["tune", "held-out"], default="")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = evaluate(args.threshold)
    if args.calibrate:
        print(f"lowest threshold with <= 5 % of the tune half's negatives warned: {calibrate(result['rows'])}")
        tune = [r for r in result["rows"] if r["half"] == "tune"]
        for step in range(7, 15):
            threshold = step / 20
            for r in tune:
                r["warned_any"] = r["best_score"] >= threshold
            print(f"  threshold {threshold:.2f}: tune negatives warned "
                  f"{_rate([r for r in tune if not r['expected']], 'warned_any'):6.1%}, tune positives warned "
                  f"{_rate([r for r in tune if r['expected']], 'warned_any'):6.1%}")
        return
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "rows"}, indent=2))
        return
    report(result, args.misses)


if __name__ == "__main__":
    main()
