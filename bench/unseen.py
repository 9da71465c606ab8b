"""Every edit kind on photos the corpus never saw: a check of how the engine generalises.

The engine's constants were tuned on the corpus (corpus.py). Here 21 other pictures, from Debian's
``opencv-doc`` sample data (photos of fruit, a painting, a building, toys, sweets, a cartoon, cards,
handwriting...), are registered among the corpus's 221 records and each is checked after every edit
kind of the main table (a new seed per picture and repeat); each picture's first edited copy is also
checked with its record left out (nothing may be flagged ``match``).

    python bench/unseen.py [--repeats N] [--json FILE]     # 25-45 s with 2 repeats

The sample data is found or fetched as bench/realviews.py does.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
import edits  # noqa: E402
import realviews  # noqa: E402


PICTURES = ("fruits.jpg", "baboon.jpg", "HappyFish.jpg", "butterfly.jpg", "orange.jpg", "apple.jpg", "messi5.jpg",
            "smarties.png", "starry_night.jpg", "building.jpg", "home.jpg", "board.jpg", "chicky_512.png",
            "squirrel_cls.jpg", "stuff.jpg", "cards.png", "blox.jpg", "notes.png", "ml.png", "pic1.png", "imageTextN.png")
FIRST_ID = 2_000_000
SCENES = 40  # unregistered corpus photos used as backgrounds for background_photo


def _edited(kind: str, img: Image.Image, rng: np.random.Generator, scenes: list[Image.Image]) -> Image.Image:
    if kind == "background_photo":
        return edits.background_photo(img, rng, scenes[int(rng.integers(len(scenes)))])
    return edits.apply(kind, img, rng)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="edited copies per picture and kind")
    parser.add_argument("--json", help="also write every result as JSON to this file")
    args = parser.parse_args()
    data = realviews.data_dir()
    pictures = {name: Image.open(data / name).convert("RGB") for name in PICTURES}
    index, keys, check = realviews.registered_with(list(pictures.values()), FIRST_ID)
    scenes = [Image.open(corpus.DEFAULT_DIR / q["path"]).convert("RGB")
              for q in corpus.load_or_build(corpus.DEFAULT_DIR)["queries"] if q["kind"] == "unregistered"][:SCENES]
    rows = []
    for i, (name, img) in enumerate(pictures.items()):
        record = FIRST_ID + i
        for kind in [*edits.KINDS, "background_photo"]:
            for repeat in range(args.repeats):
                query = _edited(kind, img, np.random.default_rng([i, repeat, 7]), scenes)
                found = check(query)
                first = bool(found) and found[0].record_id == record
                row = {"picture": name, "kind": kind, "repeat": repeat, "found_first": first,
                       "verdict": found[0].verdict if first else "absent",
                       "cells": found[0].evidence["inlier_cells"] if first else 0}
                if repeat == 0:
                    index.remove(record)
                    row["flagged_when_not_registered"] = [m.verdict for m in check(query) if m.verdict != "no_match"]
                    index.add(record, record, keys[record])
                rows.append(row)
    _print(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


def _print(rows: list[dict]) -> None:
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r)
    print(f"{'kind':18s} {'n':>4s} {'R@1':>6s} {'match':>6s} {'stranger_match':>15s}")
    for kind, rs in [*by_kind.items(), ("ALL", rows)]:
        strangers = [r for r in rs if "flagged_when_not_registered" in r]
        print(f"{kind:18s} {len(rs):4d} {np.mean([r['found_first'] for r in rs]):6.3f} "
              f"{np.mean([r['verdict'] == 'match' for r in rs]):6.3f} "
              f"{sum('match' in r['flagged_when_not_registered'] for r in strangers):>8d} / {len(strangers)}")
    misses = [f"{r['picture']} {r['kind']} #{r['repeat']}: {r['verdict']} {r['cells']}" for r in rows
              if not r["found_first"] or r["verdict"] != "match"]
    print("not flagged match:", "; ".join(misses) or "none")


if __name__ == "__main__":
    main()
