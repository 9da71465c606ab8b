"""Real re-photographs: ETH-80's 80 objects (10 viewpoints each) registered from one, two or three views, checked with the others.

    python bench/eth80.py                        # the three registrations, every pass, both halves (~9 min CPU, one core)
    python bench/eth80.py --registered 090-000   # one registration only (repeat the option for several)
    python bench/eth80.py --half heldout --json out.json --misses
    python bench/eth80.py --cli-sample 24        # also check 24 queries through `registry import-objects` / `registry match`

Read from ../shared/data/eth80-views (relative to the repository; --data DIR elsewhere), skipped with a message
where it is absent. Every object's registered view(s) are in the index (the 80 objects are each other's
distractors: ten cups, ten toy cars, ten dog figurines...; --with-corpus adds the bench corpus's 221 records).
Passes, each reported per half (tune: objects 1-5 of each kind; held-out: the others):

* views: every other view checked, per group of views (turned 22 / 45 degrees, 22 / 45 degrees higher, the
  other side, all), registered from the side view `090-000`; from it and the other side `090-180` (the issue's
  two views); and from those and the three-quarter view `090-045`;
* unregistered: every view of each object checked with its own record left out (nothing may be `match`), for
  each registration (two registered views give a look-alike twice the views to verify);
* small: the side view registered at 96 / 128 / 200 px, checked with a 50-75 px copy of it and with a new
  photo (turned 22 degrees) at 256 px; and the copy with its own record left out;
* backdrop: the object cut off its blue cloth and laid on real textures (brick, grass, gravel: photos shipped
  with scikit-image), the same view and turned 22 degrees; and with its own record left out (never with
  --with-corpus: the corpus registers those texture photos).
* studio: every object cut off its cloth onto a studio's plain black backdrop (then white), registered from the
  side view there; checked with its other views on that backdrop, and with the side view and the view turned 22
  degrees on the textures (a museum's studio photo, an object seen again at a border); and every view with its
  own record left out.
* studio-small: the studio photos registered at 128 px, checked with the side view at 256 px on each texture,
  turned 22 degrees on one, and with a 50-75 px copy of the studio photo (the independent benchmark of issue 23
  registers every photo at 128 px); the side view on the textures and the copy with its own record left out.
* views-edited: the side view registered at 128 px on its cloth, checked with the views turned 22 and 45 degrees
  and from 22 degrees higher, each after two of the bench corpus's edits (`edits.two_edits`: compression, crop,
  small rotation, light, colour, then maybe a new background or a screenshot), and with its own record left out:
  the independent benchmark's weakest kind, another viewpoint plus edits.

R@1: the right record ranked first; R@5: among the first five; match / possible: the right record first
with that verdict; wrong match: a query for which a record not its own is flagged `match` (at any rank).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import edits  # noqa: E402
import eth80_photos as ep  # noqa: E402
from eth80_check import Registry, agree_with_cli, outcome  # noqa: E402

from registry.matching import ALGORITHM_VERSION, use_one_native_thread, warm_up  # noqa: E402

FIRST_ID = 3_000_000  # record ids of the objects (after the corpus's and bench/realviews.py's, bench/unseen.py's)
SMALL_SIDES = (96, 128, 200)
SMALL_COPY_SIDES = (50, 75)
REGISTRATIONS = ("090-000", "090-000,090-180", "090-000,090-180,090-045")  # one view; the two; the front,
# back and three-quarter views the registration page asks for
STUDIO_SMALL_SIDE = 128  # the independent benchmark of issue 23 registers every photo at 128 px
EDITED_VIEW_GROUPS = ("turned 22", "turned 45", "22 higher")  # another viewpoint 22-45 degrees away, then edits


class Bench:
    """The objects, their record ids and the photos made from them, with the registry they are checked in."""

    def __init__(self, data_dir: Path, halves: tuple[str, ...], seed: int) -> None:
        self.data = data_dir
        self.all = ep.objects(data_dir)
        self.queried = [o for o in self.all if o.half in halves]
        self.record = {o.name: FIRST_ID + i for i, o in enumerate(self.all)}
        self.name = {r: n for n, r in self.record.items()}
        self.seed = seed
        self._registries: dict[tuple, Registry] = {}
        # whose objects are also checked with their own record left out: the held-out half's (the figure)
        self.strangers_of = ("heldout",) if "heldout" in halves else halves

    def rng(self, *key: int | str) -> np.random.Generator:
        """A generator of its own for each (pass, object, ...): a figure does not depend on what else ran."""
        return np.random.default_rng([self.seed, *[k if isinstance(k, int) else sum(map(ord, k)) for k in key]])

    def photo_id(self, obj: ep.Eth80Object, view: str) -> int:
        """The photo id of an object's view (after the records' ids; the opencv samples' come after them)."""
        return self.record[obj.name] + 100 * (self.record[obj.name] - FIRST_ID) + ep.VIEWS.index(view)

    def registry(self, views: tuple[str, ...], with_corpus: bool, side: int | None = None) -> Registry:
        """Every object registered from ``views`` (resized to ``side`` px when given); made once."""
        if (views, with_corpus, side) in self._registries:
            return self._registries[views, with_corpus, side]
        reg = self._registries[views, with_corpus, side] = Registry(with_corpus)
        for o in self.all:
            for v in views:
                img = ep.photo(self.data, o, v)
                reg.register(self.record[o.name], self.photo_id(o, v), img if side is None else ep.sized(img, side))
        return reg

    def row(self, reg: Registry, obj: ep.Eth80Object, group: str, what: str, query: Image.Image, mask: np.ndarray,
            expected: bool = True) -> dict:
        """One query checked, its outcome labelled; with the share of the right record's inliers (and of the
        first wrong record's) that lie on the object (``mask``), not on its backdrop."""
        found = reg.check(query)
        own = self.record[obj.name]
        row = {"object": obj.name, "kind": obj.kind, "half": obj.half, "group": group, "query": what,
               **outcome(found, own if expected else None, self.name)}
        wrong = next((m.record_id for m in found.matches if m.record_id != own or not expected), None)
        for who, rid in (("right", own if expected else None), ("wrong", wrong)):
            where = reg.on_object(found, rid, mask) if rid is not None else None
            row[f"{who}_on_object"], row[f"{who}_object_cells"] = where if where else (None, 0)
        return row


def views_pass(bench: Bench, registered: tuple[str, ...], with_corpus: bool) -> tuple[list[dict], list[dict]]:
    """(rows of the views checked, rows of every view checked with its own record left out)."""
    reg = bench.registry(registered, with_corpus)
    rows, strangers = [], []
    for o in bench.queried:
        for v in ep.VIEWS:
            if v not in registered:
                img = ep.photo(bench.data, o, v)
                group = next(g for g, vs in ep.VIEW_GROUPS.items() if v in vs)
                rows.append(bench.row(reg, o, group, v, img, ep.object_mask(img)))
    for o in bench.queried:  # every registration's: a look-alike with more views registered has more to verify
        if o.half not in bench.strangers_of:
            continue
        with reg.left_out(bench.record[o.name]):
            for v in ep.VIEWS:
                img = ep.photo(bench.data, o, v)
                strangers.append(bench.row(reg, o, "unregistered", v, img, ep.object_mask(img), expected=False))
    return rows, strangers


def turned_22(obj: ep.Eth80Object) -> str:
    """The view turned 22 degrees used as an object's new photo: either way, by its number."""
    return ep.VIEW_GROUPS["turned 22"][obj.number % 2]


def small_pass(bench: Bench, with_corpus: bool) -> list[dict]:
    """The side view registered small; checked with a smaller copy of it, and with a larger new photo; and the
    copy with its own record left out."""
    rows = []
    for side in SMALL_SIDES:
        reg = bench.registry(("090-000",), with_corpus, side)
        for o in bench.queried:
            rng = bench.rng("small", side, o.name)
            copy_side = int(rng.integers(SMALL_COPY_SIDES[0], SMALL_COPY_SIDES[1] + 1))
            original = ep.photo(bench.data, o, "090-000")
            copy = ep.sized(original, copy_side, int(rng.integers(70, 91)))
            rows.append(bench.row(reg, o, f"registered {side} px", "copy 50-75 px", copy, ep.object_mask(original)))
            turned = ep.photo(bench.data, o, turned_22(o))
            rows.append(bench.row(reg, o, f"registered {side} px", "new photo 256 px", turned, ep.object_mask(turned)))
            if o.half in bench.strangers_of:
                with reg.left_out(bench.record[o.name]):
                    rows.append(bench.row(reg, o, f"registered {side} px", "copy, own record left out", copy,
                                          ep.object_mask(original), expected=False))
    return rows


# Real photographs from Debian's opencv-doc sample data (bench/realviews.py fetches it; not fetched here):
# (registered photo, a second photo of the same thing or None)
OPENCV_PHOTOS = (("box.png", "box_in_scene.png"), ("left.jpg", "right.jpg"), ("graf1.png", "graf3.png"),
                 ("leuvenA.jpg", "leuvenB.jpg"), ("aloeL.jpg", "aloeR.jpg"), ("rubberwhale1.png", "rubberwhale2.png"),
                 ("ela_original.jpg", "ela_modified.jpg"), ("basketball1.png", "basketball2.png"),
                 ("fruits.jpg", None), ("baboon.jpg", None), ("butterfly.jpg", None), ("orange.jpg", None),
                 ("apple.jpg", None), ("messi5.jpg", None), ("smarties.png", None), ("building.jpg", None),
                 ("home.jpg", None), ("board.jpg", None), ("squirrel_cls.jpg", None), ("stuff.jpg", None))
OPENCV_DIRS = (Path("/usr/share/doc/opencv-doc/examples/data"),
               Path(__file__).resolve().parent / ".corpus/opencv-doc/usr/share/doc/opencv-doc/examples/data")


def opencv_dir() -> Path | None:
    """Where the opencv-doc sample photos are, if they are on this machine."""
    return next((d for d in OPENCV_DIRS if (d / OPENCV_PHOTOS[0][0]).exists()), None)


def small_opencv_pass(bench: Bench, with_corpus: bool, data: Path) -> list[dict]:
    """The sample photos registered small among the eth80 records: a 50-75 px copy and the second photo as it is."""
    rows = []
    for side in SMALL_SIDES:
        reg = bench.registry(("090-000",), with_corpus, side)
        for i, (first, second) in enumerate(OPENCV_PHOTOS):
            obj = ep.Eth80Object(f"cv:{first}", "opencv", 0)
            bench.record.setdefault(obj.name, FIRST_ID + 1000 + i)
            bench.name[bench.record[obj.name]] = obj.name
            original = Image.open(data / first).convert("RGB")
            if bench.record[obj.name] not in reg.photos:
                reg.register(bench.record[obj.name], FIRST_ID + 100_000 + i, ep.sized(original, side))
            rng = bench.rng("small opencv", side, first)
            copy = ep.sized(original, int(rng.integers(SMALL_COPY_SIDES[0], SMALL_COPY_SIDES[1] + 1)), int(rng.integers(70, 91)))
            everywhere = np.ones((8, 8), bool)
            rows.append(bench.row(reg, obj, f"registered {side} px", "copy 50-75 px", copy, everywhere))
            if second:
                rows.append(bench.row(reg, obj, f"registered {side} px", "second photo", Image.open(data / second).convert("RGB"), everywhere))
    for r in rows:
        r["half"] = "opencv"
    return rows


def backdrop_pass(bench: Bench) -> list[dict]:
    """The object off its cloth onto brick, grass and gravel; registered: the side view on its cloth. Never among
    the bench corpus's records: they hold these very texture photos (a grass backdrop is then rightly found as
    the registered grass picture)."""
    reg = bench.registry(("090-000",), False)
    rows = []
    for o in bench.queried:
        side = ep.photo(bench.data, o, "090-000")
        side_mask = ep.object_mask(side)  # where the object is, on whatever backdrop
        for t in ep.TEXTURES:
            query = ep.on_texture(side, t, bench.rng("backdrop", o.name, t))
            rows.append(bench.row(reg, o, "same view", t, query, side_mask))
        rng = bench.rng("backdrop turned", o.name)
        t = list(ep.TEXTURES)[int(rng.integers(len(ep.TEXTURES)))]
        turned = ep.photo(bench.data, o, turned_22(o))
        rows.append(bench.row(reg, o, "turned 22", t, ep.on_texture(turned, t, rng), ep.object_mask(turned)))
        if o.half in bench.strangers_of:
            stranger = ep.on_texture(side, t, bench.rng("backdrop stranger", o.name))
            with reg.left_out(bench.record[o.name]):
                rows.append(bench.row(reg, o, "unregistered", t, stranger, side_mask, expected=False))
    return rows


def studio_photo(bench: Bench, obj: ep.Eth80Object, view: str, backdrop: str) -> Image.Image:
    """One view of an object on the studio backdrop (the same backdrop's light and grain for a view each time)."""
    photo = ep.photo(bench.data, obj, view)
    return ep.on_studio_backdrop(photo, backdrop, bench.rng("studio", backdrop, obj.name, view))


def studio_pass(bench: Bench, backdrop: str) -> list[dict]:
    """Every object registered from its side view on a studio backdrop; checked with its other views there, with
    the side view and a view turned 22 degrees on a texture; and every view, and those two on a texture, with its own
    record left out."""
    reg = Registry(False)
    for o in bench.all:
        reg.register(bench.record[o.name], bench.photo_id(o, "090-000"), studio_photo(bench, o, "090-000", backdrop))
    rows = []
    for o in bench.queried:
        for group, views in ep.VIEW_GROUPS.items():
            for v in views:
                img = ep.photo(bench.data, o, v)
                rows.append(bench.row(reg, o, group, v, studio_photo(bench, o, v, backdrop), ep.object_mask(img)))
        rng = bench.rng("studio texture", backdrop, o.name)
        t = list(ep.TEXTURES)[int(rng.integers(len(ep.TEXTURES)))]
        textured = []
        for group, view in (("textured, same view", "090-000"), ("textured, turned 22", turned_22(o))):
            img = ep.photo(bench.data, o, view)
            textured.append((view, ep.on_texture(img, t, rng), ep.object_mask(img)))
            rows.append(bench.row(reg, o, group, t, *textured[-1][1:]))
        if o.half in bench.strangers_of:
            with reg.left_out(bench.record[o.name]):
                for v in ep.VIEWS:
                    img = ep.photo(bench.data, o, v)
                    rows.append(bench.row(reg, o, "unregistered", v, studio_photo(bench, o, v, backdrop),
                                          ep.object_mask(img), expected=False))
                for v, query, mask in textured:  # the same photos on a texture
                    rows.append(bench.row(reg, o, "unregistered, textured", v, query, mask, expected=False))
    return rows


def studio_small_pass(bench: Bench, backdrop: str) -> list[dict]:
    """Every object's studio photo (its side view on the backdrop) registered at STUDIO_SMALL_SIDE px, as an
    old inventory print or a circulated poster holds it; checked with the side view at 256 px on each texture,
    with a view turned 22 degrees on one, and with the side view on each texture with its own record left out."""
    reg = Registry(False)
    for o in bench.all:
        photo = ep.sized(studio_photo(bench, o, "090-000", backdrop), STUDIO_SMALL_SIDE)
        reg.register(bench.record[o.name], bench.photo_id(o, "090-000"), photo)
    rows = []
    for o in bench.queried:
        side = ep.photo(bench.data, o, "090-000")
        side_mask = ep.object_mask(side)
        seen = [(t, ep.on_texture(side, t, bench.rng("studio small", backdrop, o.name, t))) for t in ep.TEXTURES]
        rows += [bench.row(reg, o, "same view", t, query, side_mask) for t, query in seen]
        copy_rng = bench.rng("studio small copy", backdrop, o.name)
        copy_side = int(copy_rng.integers(SMALL_COPY_SIDES[0], SMALL_COPY_SIDES[1] + 1))
        copy = ep.sized(studio_photo(bench, o, "090-000", backdrop), copy_side, int(copy_rng.integers(70, 91)))
        rows.append(bench.row(reg, o, "copy 50-75 px", "copy", copy, side_mask))
        strangers = [("unregistered", t, query) for t, query in seen] + [("unregistered, copy", "copy", copy)]
        rng = bench.rng("studio small turned", backdrop, o.name)
        t = list(ep.TEXTURES)[int(rng.integers(len(ep.TEXTURES)))]
        turned = ep.photo(bench.data, o, turned_22(o))
        rows.append(bench.row(reg, o, "turned 22", t, ep.on_texture(turned, t, rng), ep.object_mask(turned)))
        if o.half in bench.strangers_of:
            with reg.left_out(bench.record[o.name]):
                rows += [bench.row(reg, o, group, t, query, side_mask, expected=False) for group, t, query in strangers]
    return rows


def edited_views_pass(bench: Bench) -> list[dict]:
    """Another viewpoint plus edits: every object's side view registered at STUDIO_SMALL_SIDE px; its views of
    EDITED_VIEW_GROUPS checked after two random edits each (``edits.two_edits``), and again with its own record
    left out. Where the object lies is not followed through the edits (a crop, a new background): no on-object
    share is worked out. A registry of its own: the small pass adds opencv's samples to the one it shares."""
    reg = Registry(False)
    for o in bench.all:
        reg.register(bench.record[o.name], bench.photo_id(o, "090-000"),
                     ep.sized(ep.photo(bench.data, o, "090-000"), STUDIO_SMALL_SIDE))
    everywhere = np.ones((8, 8), bool)
    rows = []
    for o in bench.queried:
        for group in EDITED_VIEW_GROUPS:
            for v in ep.VIEW_GROUPS[group]:
                query = edits.two_edits(ep.photo(bench.data, o, v), bench.rng("edited views", o.name, v))
                rows.append(bench.row(reg, o, group, v, query, everywhere))
                if o.half in bench.strangers_of:
                    with reg.left_out(bench.record[o.name]):
                        rows.append(bench.row(reg, o, "unregistered", v, query, everywhere, expected=False))
    return rows


# --- figures ------------------------------------------------------------------------------------------------------

def figures(rows: list[dict]) -> dict:
    """n, R@1, R@5, right `match` / `possible` at rank 1, queries with a wrong record `match` / `possible`,
    right record among the candidates verified (retrieval), for rows of one group and half."""
    if not rows:
        return {"n": 0}
    if rows[0]["expected"] is None:
        return {"n": len(rows), "match": sum(r["any_match"] for r in rows), "possible": sum(r["any_possible"] for r in rows)}
    mean = lambda key: round(float(np.mean([r[key] for r in rows])), 3)  # noqa: E731
    on_object = [r["right_on_object"] for r in rows if r["right_on_object"] is not None]
    return {"n": len(rows), "R@1": mean("first"), "R@5": mean("in_top5"), "match": mean("right_match"),
            "possible": mean("right_possible"), "wrong_match": sum(r["wrong_match"] for r in rows),
            "wrong_possible": sum(r["wrong_possible"] for r in rows), "in_candidates": mean("in_candidates"),
            "candidates_first10": round(float(np.mean([r["candidate_pos"] is not None and r["candidate_pos"] < 10
                                                       for r in rows])), 3),
            "right_cells_median": float(np.median([r["right_cells"] for r in rows])),
            "right_inliers_on_object_median": round(float(np.median(on_object)), 3) if on_object else None}


def table(rows: list[dict], groups: list[str], halves: tuple[str, ...], all_label: str | None = "all") -> dict:
    """{group: {half: figures}} (and "all" over the groups)."""
    out = {g: {h: figures([r for r in rows if r["group"] == g and r["half"] == h]) for h in halves} for g in groups}
    if all_label:
        out[all_label] = {h: figures([r for r in rows if r["half"] == h]) for h in halves}
    return out


REGISTERED_COLUMNS = ("n", "R@1", "R@5", "match", "possible", "wrong_match", "candidates_first10", "right_cells_median",
                      "right_inliers_on_object_median")
STRANGER_COLUMNS = ("n", "match", "possible")


def print_table(title: str, tab: dict, halves: tuple[str, ...]) -> None:
    """A table with each half's figures side by side."""
    print(f"\n== {title} ==")
    filled = [f for by_half in tab.values() for f in by_half.values() if f["n"]]
    cols = REGISTERED_COLUMNS if any("R@1" in f for f in filled) else STRANGER_COLUMNS
    short = {"wrong_match": "wrongM", "candidates_first10": "c@10", "possible": "poss", "right_cells_median": "cells",
             "right_inliers_on_object_median": "onObj"}
    head = "".join(f" | {h:<8s}" + "".join(f"{short.get(c, c):>7s}" for c in cols[1:]) for h in halves)
    width = max(20, *(len(g) for g in tab))
    print(f"{'':{width}s}{head}")
    for group, by_half in tab.items():
        line = f"{group:{width}s}"
        for h in halves:
            f = by_half[h]
            line += f" | {f.get('n', 0):<8d}" + "".join(f"{_cell(f.get(c), c):>7s}" for c in cols[1:])
        print(line)


def _cell(v: object, column: str = "") -> str:
    if v is None:
        return ""
    if column == "right_cells_median":
        return f"{v:g}"
    return f"{v:.3f}" if isinstance(v, float) else "" if v is None else str(v)


SWEEP_CELLS = (8, 10, 12, 14)


def cells_sweep(rows: list[dict], strangers: list[dict]) -> dict:
    """What a `match` threshold of t cells would give: the right record first with >= t cells; queries with a
    wrong record at >= t cells; strangers (own record left out) with any record at >= t cells. And, as a
    diagnosis, the same counting only the inliers on the object (``*_object_cells``, of the right record and
    of the first wrong one): what verifying the object alone, not its backdrop, could give."""
    return {t: {"right_first": round(float(np.mean([r["first"] and r["right_cells"] >= t for r in rows])), 3),
                "wrong": sum(r["wrong_cells_max"] >= t for r in rows),
                "strangers": sum(r["wrong_cells_max"] >= t for r in strangers),
                "object_right": round(float(np.mean([r["right_object_cells"] >= t > r["wrong_object_cells"] for r in rows])), 3),
                "object_wrong": sum(r["wrong_object_cells"] >= t for r in rows),
                "object_strangers": sum(r["wrong_object_cells"] >= t for r in strangers)} for t in SWEEP_CELLS}


def by_texture(rows: list[dict], halves: tuple[str, ...]) -> dict:
    """The figures of the same view laid on each texture, per half."""
    return {t: {h: figures([r for r in rows if r["query"] == t and r["group"] == "same view" and r["half"] == h])
                for h in halves} for t in ep.TEXTURES}


def by_kind(rows: list[dict]) -> dict:
    """R@1 and right `match` per kind of object (all views, both halves): where the misses are."""
    kinds = sorted({r["kind"] for r in rows})
    return {k: figures([r for r in rows if r["kind"] == k]) for k in kinds}


def print_misses(title: str, rows: list[dict]) -> None:
    """Every query whose right record is not first as `match`, with where it went wrong."""
    misses = [r for r in rows if r["expected"] is not None and not r["right_match"]]
    print(f"\n-- {title}: {len(misses)} of {len(rows)} not first as `match` --")
    for r in misses:
        print(f"{r['object']:9s} {r['query']:16s} {r['group']:18s} first {r['top_name'] or '-':9s} {r['top_verdict']:9s} "
              f"{r['top_cells']:3d} cells | own: rank {_cell(r['right_rank']):>3s} {r['right_verdict']:9s} {r['right_cells']:3d} cells "
              f"{r['right_inliers']:3d} inl ({_cell(r['right_on_object'])} on object) by {r['right_variant'] or '-'}, "
              f"candidate #{_cell(r['candidate_pos'])} | {r['frame']}")


def print_wrong(rows: list[dict]) -> None:
    """Every record flagged `match` that is not the query's own."""
    wrong = [r for r in rows if r["wrong_match"]]
    for r in wrong:
        print(f"  wrong match: {r['object']} {r['query']} ({r['group']}) -> {', '.join(r['wrong_match_names'])}, "
              f"its inliers on the object: {_cell(r['wrong_on_object'])}")


def strangers_and_rows(out: dict, name: str, rows: list[dict], registered: list[dict], strangers_of: tuple[str, ...],
                       misses: bool, groups: list[str] | None = None) -> None:
    """A pass's table of its queries with their own record left out, printed, its wrong matches listed (and its
    misses if asked), every row kept for the JSON file."""
    key = name + ", own record left out"
    out["tables"][key] = table([r for r in rows if r["expected"] is None], groups or ["unregistered"], strangers_of, None)
    print_table("... own record left out", out["tables"][key], strangers_of)
    print_wrong(rows)
    out["queries"][name] = rows
    if misses:
        print_misses(name, registered)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ep.DATA_DIR, help="the eth80-views folder")
    ap.add_argument("--registered", action="append", help="views registered per object, comma-separated "
                    f"(repeat for several runs; default: {' and '.join(REGISTRATIONS)})")
    ap.add_argument("--half", choices=("tune", "heldout", "both"), default="both", help="whose queries are checked")
    ap.add_argument("--passes", default="views,small,backdrop,studio,studio-small,views-edited",
                    help="which passes (comma-separated)")
    ap.add_argument("--with-corpus", action="store_true", help="also register the bench corpus's 221 records (distractors)")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--json", type=Path, help="write every figure, and every query's outcome, to this file")
    ap.add_argument("--misses", action="store_true", help="list every query not found first as `match`")
    ap.add_argument("--cli-sample", type=int, default=0,
                    help="check this many view queries through `registry import-objects` + `registry match` too")
    a = ap.parse_args()
    if not ep.present(a.data):
        return
    use_one_native_thread()
    warm_up()
    started = time.time()
    halves = ep.HALVES if a.half == "both" else (a.half,)
    bench = Bench(a.data, halves, a.seed)
    passes = set(a.passes.split(","))
    out: dict = {"algorithm_version": ALGORITHM_VERSION, "halves": list(halves), "with_corpus": a.with_corpus,
                 "seed": a.seed, "tables": {}, "queries": {}}
    print(f"engine {ALGORITHM_VERSION}; {len(bench.all)} objects registered, queries of {len(bench.queried)} "
          f"({', '.join(halves)}){'; the bench corpus registered too' if a.with_corpus else ''}")
    for registered in (a.registered or REGISTRATIONS) if "views" in passes else ():
        views = tuple(registered.split(","))
        rows, strangers = views_pass(bench, views, a.with_corpus)
        groups = [g for g, vs in ep.VIEW_GROUPS.items() if set(vs) - set(views)]
        name = f"views, registered {registered}"
        out["tables"][name] = table(rows, groups, halves)
        out["tables"][name + ", by kind"] = by_kind(rows)
        out["queries"][name] = rows
        print_table(name, out["tables"][name], halves)
        print("  by kind (R@1 / match / wrong match): " + "; ".join(
            f"{k} {f['R@1']:.2f}/{f['match']:.2f}/{f['wrong_match']}" for k, f in out["tables"][name + ", by kind"].items()))
        print_wrong(rows)
        sweep = out["tables"][name + ", cells threshold"] = cells_sweep(rows, strangers)
        print(f"  if `match` took t cells (n {len(rows)}, strangers {len(strangers)}): " + "; ".join(
            f"t={t}: right first {f['right_first']:.3f}, wrong {f['wrong']}, strangers {f['strangers']}" for t, f in sweep.items()))
        print("  ... counting only inliers on the object (diagnosis): " + "; ".join(
            f"t={t}: right {f['object_right']:.3f}, wrong {f['object_wrong']}, strangers {f['object_strangers']}"
            for t, f in sweep.items()))
        if strangers:
            first = views == (REGISTRATIONS[0],)  # the one registered view's keep their names of before run 46
            key = "unregistered (own record left out)" if first else f"{name}, own record left out"
            out["tables"][key] = table(strangers, ["unregistered"], bench.strangers_of, None)
            out["queries"]["unregistered" if first else f"{name}, unregistered"] = strangers
            print_table(f"every view, own record left out ({registered} registered)", out["tables"][key], bench.strangers_of)
            print_wrong(strangers)
        if a.misses:
            print_misses(name, rows)
        if a.cli_sample and views == ("090-000",):
            out["cli_agreement"] = agree_with_cli(bench, rows, a.cli_sample)
    if "small" in passes:
        rows = small_pass(bench, a.with_corpus)
        groups = [f"registered {s} px" for s in SMALL_SIDES]
        for what in ("copy 50-75 px", "new photo 256 px"):
            name = f"small registered photos, checked with a {what}"
            out["tables"][name] = table([r for r in rows if r["query"] == what], groups, halves, None)
            print_table(name, out["tables"][name], halves)
        name = "small registered photos, the copy with its own record left out"
        out["tables"][name] = table([r for r in rows if r["expected"] is None], groups, bench.strangers_of, None)
        print_table(name, out["tables"][name], bench.strangers_of)
        samples = opencv_dir()
        if samples:
            cv_rows = small_opencv_pass(bench, a.with_corpus, samples)
            name = "small registered photos: opencv-doc sample photos among the eth80 records"
            out["tables"][name] = {f"{what}, {g}": {"opencv": figures([r for r in cv_rows if r["group"] == g and r["query"] == what])}
                                   for what in ("copy 50-75 px", "second photo") for g in groups}
            print_table(name, out["tables"][name], ("opencv",))
            rows += cv_rows
        else:
            print("\n(opencv-doc sample photos not on this machine: `python bench/realviews.py` fetches them)")
        print_wrong(rows)
        out["queries"]["small"] = rows
        if a.misses:
            print_misses("small", rows)
    if "backdrop" in passes:
        rows = backdrop_pass(bench)
        registered = [r for r in rows if r["expected"] is not None]
        out["tables"]["backdrop"] = table(registered, ["same view", "turned 22"], halves, None)
        out["tables"]["backdrop, by texture (same view)"] = by_texture(registered, halves)
        out["tables"]["backdrop, own record left out"] = table([r for r in rows if r["expected"] is None], ["unregistered"], bench.strangers_of, None)
        print_table("on a textured backdrop (registered: the side view on its cloth)", out["tables"]["backdrop"], halves)
        print_table("... the same view, by texture", out["tables"]["backdrop, by texture (same view)"], halves)
        print_table("... own record left out", out["tables"]["backdrop, own record left out"], bench.strangers_of)
        print_wrong(rows)
        out["queries"]["backdrop"] = rows
        if a.misses:
            print_misses("backdrop", registered)
    for backdrop in ep.STUDIO_BACKDROPS if "studio" in passes else ():
        rows = studio_pass(bench, backdrop)
        registered = [r for r in rows if r["expected"] is not None]
        name = f"studio, {backdrop} backdrop"
        groups = [*ep.VIEW_GROUPS, "textured, same view", "textured, turned 22"]
        out["tables"][name] = table(registered, groups, halves, None)
        views = [r for r in registered if r["group"] in ep.VIEW_GROUPS]
        out["tables"][name]["all views"] = {h: figures([r for r in views if r["half"] == h]) for h in halves}
        print_table(f"on a studio's {backdrop} backdrop (registered: the side view there)", out["tables"][name], halves)
        strangers_and_rows(out, name, rows, registered, bench.strangers_of, a.misses, ["unregistered", "unregistered, textured"])
    for backdrop in ep.STUDIO_BACKDROPS if "studio-small" in passes else ():
        rows = studio_small_pass(bench, backdrop)
        registered = [r for r in rows if r["expected"] is not None]
        name = f"studio, {backdrop} backdrop, registered {STUDIO_SMALL_SIDE} px, seen on a texture"
        out["tables"][name] = table(registered, ["same view", "turned 22", "copy 50-75 px"], halves, None)
        out["tables"][name + ", by texture (same view)"] = by_texture(registered, halves)
        print_table(f"on a texture, registered on a studio's {backdrop} backdrop at {STUDIO_SMALL_SIDE} px", out["tables"][name], halves)
        print_table("... the same view, by texture", out["tables"][name + ", by texture (same view)"], halves)
        strangers_and_rows(out, name, rows, registered, bench.strangers_of, a.misses, ["unregistered", "unregistered, copy"])
    if "views-edited" in passes:
        rows = edited_views_pass(bench)
        registered = [r for r in rows if r["expected"] is not None]
        name = f"views plus edits, registered {STUDIO_SMALL_SIDE} px"
        out["tables"][name] = table(registered, list(EDITED_VIEW_GROUPS), halves)
        print_table(f"another view plus two edits, registered at {STUDIO_SMALL_SIDE} px on its cloth", out["tables"][name], halves)
        strangers_and_rows(out, name, rows, registered, bench.strangers_of, a.misses)
    out["seconds"] = round(time.time() - started, 1)
    print(f"\n{out['seconds']:.0f} s")
    if a.json:
        a.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
