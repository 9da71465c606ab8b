"""Real photo pairs: the same thing photographed twice, from Debian's ``opencv-doc`` sample data.

The main corpus simulates another viewpoint with homographies (planar, no self-occlusion, no change of
light). OpenCV's sample data holds real pairs: a box photographed alone and then in a cluttered scene
from another angle, two books photographed from two viewpoints under other light, a graffiti wall from
30 degrees further round, a plant in a stereo pair, a notebook before and after an edit... Each pair's
first view is registered among the corpus's 221 records (distractors); the second view is checked as
it is, re-compressed, and halved (a poorer phone photo). Then each second view is checked again with its
own record left out: nothing may be flagged ``match`` then (a real photo of something not registered).

    python bench/realviews.py [--json FILE]

The sample data is read from /usr/share/doc/opencv-doc/examples/data when the package is installed,
else from bench/.corpus/opencv-doc/ (made with ``apt-get download opencv-doc`` and ``dpkg-deb -x``:
the Debian archive is reachable from these machines; ~96 MB once).
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
import edits  # noqa: E402
import run  # noqa: E402

from registry.matching import candidates_to_verify, compute_query, compute_signature, rank  # noqa: E402

INSTALLED = Path("/usr/share/doc/opencv-doc/examples/data")
EXTRACTED = corpus.DEFAULT_DIR / "opencv-doc"
DATA_IN_PACKAGE = Path("usr/share/doc/opencv-doc/examples/data")

# (registered view, second view, what the pair shows)
PAIRS = (
    ("box.png", "box_in_scene.png", "a box, then among other objects from another angle"),
    ("left.jpg", "right.jpg", "two books from two viewpoints, other light"),
    ("graf1.png", "graf3.png", "a painted wall, 30 degrees further round"),
    ("Blender_Suzanne1.jpg", "Blender_Suzanne2.jpg", "a rendered head, turned"),
    ("leuvenA.jpg", "leuvenB.jpg", "a facade, other exposure"),
    ("aloeL.jpg", "aloeR.jpg", "a plant in a pot, stereo pair"),
    ("basketball1.png", "basketball2.png", "a scene, moved"),
    ("rubberwhale1.png", "rubberwhale2.png", "toys on a shelf, moved"),
    ("ela_original.jpg", "ela_modified.jpg", "a notebook, then edited (a sticker added)"),
    ("aero1.jpg", "aero3.jpg", "a town from the air, another oblique angle (not an object: a hard case)"),
)
FIRST_PAIR_ID = 1_000_000  # record and photo ids of the pairs, after the corpus's


def data_dir() -> Path:
    """Where the sample images are, fetching the Debian package into the corpus directory if needed."""
    if (INSTALLED / PAIRS[0][0]).exists():
        return INSTALLED
    target = EXTRACTED / DATA_IN_PACKAGE
    if (target / PAIRS[0][0]).exists():
        return target
    if not (shutil.which("apt-get") and shutil.which("dpkg-deb")):
        sys.exit("needs Debian's opencv-doc sample data: install the package, or run on Debian (apt-get, dpkg-deb)")
    print("fetching Debian's opencv-doc (~96 MB) for its sample photos ...", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["apt-get", "download", "opencv-doc"], cwd=tmp, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        deb = next(Path(tmp).glob("opencv-doc_*.deb"))
        subprocess.run(["dpkg-deb", "-x", str(deb), str(EXTRACTED)], check=True)
    return target


def registered_with(pictures: list[Image.Image], first_id: int) -> tuple:
    """The corpus's 221 records (distractors) and ``pictures`` registered as records and photos ``first_id``,
    ``first_id + 1``...: (index, each picture's index key by id, check) where ``check(photo)`` ranks a photo."""
    _, index, blobs = run.registered_corpus()
    keys = {}
    for i, img in enumerate(pictures):
        sig = compute_signature(img)
        keys[first_id + i], blobs[first_id + i] = sig.index_key, sig.features
        run._STATE["second"][first_id + i] = sig.second_features
        index.add(first_id + i, first_id + i, sig.index_key)

    def check(img: Image.Image) -> list:
        q = compute_query(img)
        return rank(q, index.search(q, candidates_to_verify(q)), lambda ids: {i: blobs[i] for i in ids if i in blobs}, top=5,
                    load_second=run.load_second)

    return index, keys, check


def second_views(img: Image.Image) -> dict[str, Image.Image]:
    """The second view as it is, re-compressed, and halved then re-compressed."""
    return {"as_is": img, "jpeg50": edits.jpeg(img, None, 50),
            "half": edits.jpeg(img.resize((img.width // 2, img.height // 2)), None, 80)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write every result as JSON to this file")
    args = parser.parse_args()
    data = data_dir()
    index, keys, check = registered_with([Image.open(data / first).convert("RGB") for first, _, _ in PAIRS], FIRST_PAIR_ID)
    rows = []
    for i, (first, second, what) in enumerate(PAIRS):
        record = FIRST_PAIR_ID + i
        views = second_views(Image.open(data / second).convert("RGB"))
        for name, img in views.items():
            found = check(img)
            right = next((m for m in found if m.record_id == record), None)
            rows.append({"pair": first, "shows": what, "view": name, "found_first": bool(found) and found[0].record_id == record,
                         "verdict": right.verdict if right else "absent", "cells": right.evidence["inlier_cells"] if right else 0})
        index.remove(record)  # the same photo, as an object that is not registered
        stranger = check(views["as_is"])
        index.add(record, record, keys[record])
        rows.append({"pair": first, "shows": what, "view": "not_registered",
                     "flagged": [m.verdict for m in stranger if m.verdict != "no_match"]})
    _print(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


def _print(rows: list[dict]) -> None:
    checks = [r for r in rows if r["view"] != "not_registered"]
    print(f"{'pair':22s} {'view':7s} {'first':>5s} {'verdict':>9s} {'cells':>5s}")
    for r in checks:
        print(f"{r['pair']:22s} {r['view']:7s} {'yes' if r['found_first'] else 'NO':>5s} {r['verdict']:>9s} {r['cells']:5d}")
    for view in ("as_is", "jpeg50", "half"):
        rs = [r for r in checks if r["view"] == view]
        print(f"{view}: found first {sum(r['found_first'] for r in rs)}/{len(rs)}, flagged match "
              f"{sum(r['found_first'] and r['verdict'] == 'match' for r in rs)}/{len(rs)}, "
              f"possible {sum(r['found_first'] and r['verdict'] == 'possible' for r in rs)}/{len(rs)}")
    strangers = [r for r in rows if r["view"] == "not_registered"]
    print(f"second views with their own record left out: flagged match {sum('match' in r['flagged'] for r in strangers)}/{len(strangers)}, "
          f"possible {sum('possible' in r['flagged'] for r in strangers)}/{len(strangers)}")
    print(f"(all: R@1 {np.mean([r['found_first'] for r in checks]):.3f} over {len(checks)} checks)")


if __name__ == "__main__":
    main()
