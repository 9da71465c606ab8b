"""Benchmark Red List category suggestions on labelled descriptions: top-1, top-3 and false-suggestion rates."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from registry.redlists import load_default, suggest  # noqa: E402
from registry.redlists.lookup import DEFAULT_MIN_SCORE  # noqa: E402

DESCRIPTIONS = Path(__file__).with_name("descriptions.yaml")
HELDOUT = Path(__file__).with_name("heldout.yaml")


def evaluate(min_score: float = DEFAULT_MIN_SCORE, verbose: bool = False, path: Path = DESCRIPTIONS) -> dict:
    """Run suggest() over every labelled description in path and return the figures."""
    categories = load_default().categories
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    top1 = top3 = fitting = unrelated = false_hits = 0
    misses = []
    started = time.perf_counter()
    for case in cases:
        fits = suggest(categories, case["description"], limit=5, min_score=min_score)
        codes = [f.code for f in fits]
        expected = case["expected"]
        if expected is None:
            unrelated += 1
            false_hits += bool(codes)
            if codes:
                misses.append({"expected": None, "got": codes[:3], "score": fits[0].score, "case": case["description"]})
            continue
        fitting += 1
        top1 += codes[:1] == [expected]
        top3 += expected in codes[:3]
        if codes[:1] != [expected]:
            misses.append({"expected": expected, "got": codes[:3], "score": fits[0].score if fits else 0,
                           "case": case["description"]})
    elapsed = time.perf_counter() - started
    result = {
        "file": path.name, "cases": len(cases), "fitting": fitting, "unrelated": unrelated, "min_score": min_score,
        "top1_accuracy": round(top1 / fitting, 3), "top3_accuracy": round(top3 / fitting, 3),
        "unrelated_suggestion_rate": round(false_hits / unrelated, 3) if unrelated else 0.0,
        "ms_per_description": round(1000 * elapsed / len(cases), 2),
    }
    if verbose:
        result["misses"] = misses
    return result


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--min-score", type=float, default=DEFAULT_MIN_SCORE)
    parser.add_argument("--misses", action="store_true", help="list the cases that were not ranked first")
    args = parser.parse_args()
    results = [evaluate(args.min_score, args.misses, p) for p in (DESCRIPTIONS, HELDOUT) if p.exists()]
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    for result in results:
        report(result)


def report(result: dict) -> None:
    """Print one file's figures for a person."""
    print(f"== {result['file']}")
    print(f"descriptions: {result['cases']} ({result['fitting']} fitting a category, {result['unrelated']} unrelated)")
    print(f"min_score: {result['min_score']}")
    print(f"top-1 accuracy: {result['top1_accuracy']:.1%}")
    print(f"top-3 accuracy: {result['top3_accuracy']:.1%}")
    print(f"unrelated objects given a suggestion: {result['unrelated_suggestion_rate']:.1%}")
    print(f"time: {result['ms_per_description']} ms per description")
    for miss in result.get("misses", []):
        print(f"  expected {miss['expected']} got {miss['got']} ({miss['score']}): {miss['case']}")


if __name__ == "__main__":
    main()
