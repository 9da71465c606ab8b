"""An object moved from its studio photo onto a texture, checked in a registry of up to 1 M photos.

    python bench/eth80_scale.py                         # 80 records, then padded to 100 000 and 1 000 000 (~2 min)
    python bench/eth80_scale.py --sizes 1000000 --verify 100,300 --json out.json

bench/eth80.py's `studio-small` pass verifies all 80 records it holds, so it says nothing of the search: whether a
registry of 1 M photos puts the right one among the candidates it verifies (ranking.candidates_to_verify). Here the
80 studio photos (black, then white backdrop, each at 128 px) are registered and the index is padded as
bench/padding.py pads bench/run.py's (real photos' signatures, keys with 12 % of their bits flipped), from the
TUNE half's photos only (objects 1-5: cups, cars, fruit, figurines of the same kinds, on their cloth); the queries
are the HELD-OUT half's side views on each texture (objects 6-10, never in the padding), as the pass makes them.
``--verify``: candidates verified (default: the engine's own number) to see how many more would find them.
Read from ../shared/data/eth80-views, skipped with a message where it is absent.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
import eth80  # noqa: E402
import eth80_photos as ep  # noqa: E402
import padding  # noqa: E402
from eth80_check import Registry  # noqa: E402

from registry.matching import (HashIndex, candidates_to_verify, compute_query, rank, use_one_native_thread,  # noqa: E402
                               warm_up)
from registry.matching.signature import key_to_words  # noqa: E402


def tune_pool(bench: eth80.Bench) -> padding.Pool | None:
    """bench/padding.py's pool of real signatures, only those of the tune half's photos."""
    pool = padding.real_pool(corpus.DEFAULT_DIR, 2, bench.data)
    if pool is None:
        return None
    tune = {o.name for o in bench.all if o.half == "tune"}
    paths = sorted(bench.data.glob("*/*.jpg"))  # the pool's order: each path, its versions in turn
    rows = [i * padding.AUGMENTED + v for i, p in enumerate(paths) if p.parent.name in tune
            for v in range(padding.AUGMENTED)]
    return padding.Pool(pool.keys[rows], [pool.blobs[r] for r in rows], f"{len(rows)} signatures of the tune half's photos",
                        [pool.second[r] for r in rows])


def padded_registry(bench: eth80.Bench, backdrop: str, size: int,
                    pool: padding.Pool) -> tuple[HashIndex, tuple[padding.PaddedBlobs, padding.PaddedBlobs]]:
    """Every object's studio photo at eth80.STUDIO_SMALL_SIDE px in an index padded to ``size`` photos."""
    reg = Registry(False)
    for o in bench.all:
        photo = ep.sized(eth80.studio_photo(bench, o, "090-000", backdrop), eth80.STUDIO_SMALL_SIDE)
        reg.register(bench.record[o.name], bench.photo_id(o, "090-000"), photo)
    photos = [(pid, rid, key) for rid, held in reg.photos.items() for pid, key in held]
    index = HashIndex(capacity=max(size, len(photos)))
    index.add_many(np.array([p for p, _, _ in photos]), np.array([r for _, r, _ in photos]),
                   np.stack([key_to_words(k) for _, _, k in photos]))
    first = max(p for p, _, _ in photos) + 1
    padding.add_padding(index, first, size - len(photos), pool, np.random.default_rng(0))
    return index, (padding.PaddedBlobs(reg.blobs, first, pool), padding.PaddedBlobs(reg.second, first, pool, second=True))


def moved_objects(bench: eth80.Bench, backdrop: str, index: HashIndex,
                  blobs: tuple[padding.PaddedBlobs, padding.PaddedBlobs], verify: int | None) -> dict:
    """The held-out half's side views on each texture checked: right record among the candidates, first, `match`;
    wrong records flagged `match`. ``blobs``: the photos' features and their second look's."""
    load, load_second = ((lambda ids, kept=kept: {i: b for i in ids if (b := kept.get(i))}) for kept in blobs)
    n = among = first = matched = wrong = 0
    for o in bench.queried:
        side = ep.photo(bench.data, o, "090-000")
        for texture in ep.TEXTURES:
            query = compute_query(ep.on_texture(side, texture, bench.rng("studio small", backdrop, o.name, texture)))
            candidates = index.search(query, verify or candidates_to_verify(query))
            found = rank(query, candidates, load, top=5, load_second=load_second)
            own = bench.record[o.name]
            n += 1
            among += any(c.record_id == own for c in candidates)
            right = bool(found) and found[0].record_id == own
            first += right
            matched += right and found[0].verdict == "match"
            wrong += sum(f.record_id != own and f.verdict == "match" for f in found)
    return {"n": n, "right_among_candidates": round(among / n, 3), "R@1": round(first / n, 3),
            "match": round(matched / n, 3), "wrong_match": wrong}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ep.DATA_DIR, help="the eth80-views folder")
    ap.add_argument("--sizes", default="80,100000,1000000", help="photos in the index (comma-separated)")
    ap.add_argument("--verify", default="", help="candidates verified (comma-separated; default: the engine's)")
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    a = ap.parse_args()
    if not ep.present(a.data):
        return
    use_one_native_thread()
    warm_up()
    bench = eth80.Bench(a.data, ("heldout",), 17)
    pool = tune_pool(bench)
    if pool is None:
        print("no pool of real signatures could be made: skipped")
        return
    print(f"held-out half's objects moved onto textures; padding: {pool.source}")
    rows = []
    for backdrop in ep.STUDIO_BACKDROPS:
        for size in [int(s) for s in a.sizes.split(",")]:
            index, blobs = padded_registry(bench, backdrop, size, pool)
            for verify in [int(v) for v in a.verify.split(",") if v] or [None]:
                row = {"backdrop": backdrop, "photos": size, "verified": verify or "engine",
                       **moved_objects(bench, backdrop, index, blobs, verify)}
                rows.append(row)
                print(" ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
