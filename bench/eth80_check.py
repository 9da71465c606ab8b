"""Checks for bench/eth80.py: the engine in this process (as the service calls it), each query's outcome with
where it went wrong, and the same queries through the registry's CLI for comparison."""
from __future__ import annotations

import csv
import functools
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple

import numpy as np
from PIL import Image

from registry.matching import (Candidate, HashIndex, QuerySignature, RecordMatch, aggregate, candidates_to_verify,
                               compute_query, compute_signature, features, rank)
from registry.matching.types import MIRRORED

EVERY_RECORD = 100  # records asked of rank(): a wrong record flagged `match` at any rank is counted (the CLI shows 5)


class Found(NamedTuple):
    """What a check found: ranked records (all that were verified), the candidates verified, the query's variants."""

    matches: list[RecordMatch]
    candidates: list[Candidate]
    query: QuerySignature


@functools.cache
def _corpus_photos() -> tuple[list[tuple[int, int, bytes]], dict[int, bytes], dict[int, bytes]]:
    """The bench corpus's registered photos ((photo, record, key), features and second look's features), built and
    described once."""
    import corpus
    import run

    manifest = corpus.load_or_build(corpus.DEFAULT_DIR)
    run._STATE["dir"] = corpus.DEFAULT_DIR
    run.register(manifest, 1)
    rows = [(pid, rid, run._STATE["keys"][pid]) for pid, rid in zip(run._STATE["blobs"], run._STATE["base_records"].tolist())]
    return rows, dict(run._STATE["blobs"]), dict(run._STATE["second"])


class Registry:
    """Registered photos in a HashIndex with their features in a dict, checked as ``services.checks`` does."""

    def __init__(self, with_corpus: bool = False) -> None:
        self.index = HashIndex()
        self.blobs: dict[int, bytes] = {}
        self.second: dict[int, bytes] = {}  # their second look's features
        self.photos: dict[int, list[tuple[int, bytes]]] = {}  # record -> (photo id, index key)
        if with_corpus:
            rows, blobs, second = _corpus_photos()
            for pid, rid, key in rows:
                self._add(rid, pid, key)
            self.blobs.update(blobs)
            self.second.update(second)

    def _add(self, record_id: int, photo_id: int, key: bytes) -> None:
        self.index.add(photo_id, record_id, key)
        self.photos.setdefault(record_id, []).append((photo_id, key))

    def register(self, record_id: int, photo_id: int, img: Image.Image) -> None:
        """Register ``img`` as photo ``photo_id`` of record ``record_id``."""
        sig = compute_signature(img)
        self._add(record_id, photo_id, sig.index_key)
        self.blobs[photo_id] = sig.features
        self.second[photo_id] = sig.second_features

    @contextmanager
    def left_out(self, record_id: int) -> Iterator[None]:
        """The record's photos out of the index meanwhile (the object as one that is not registered)."""
        for pid, _ in self.photos[record_id]:
            self.index.remove(pid)
        try:
            yield
        finally:
            for pid, key in self.photos[record_id]:
                self.index.add(pid, record_id, key)

    def check(self, img: Image.Image) -> Found:
        """Check a query photo: described, searched, verified and ranked."""
        query = compute_query(img)
        cands = self.index.search(query, candidates_to_verify(query))
        found = rank(query, cands, lambda ids: {i: self.blobs[i] for i in ids if i in self.blobs}, top=EVERY_RECORD,
                     load_second=lambda ids: {i: self.second[i] for i in ids if i in self.second})
        return Found(found, cands, query)

    def on_object(self, found: Found, record_id: int, mask: np.ndarray) -> tuple[float, int] | None:
        """Where the query's inliers with ``record_id``'s best photo are: (share of them on the object, where
        ``mask`` is true (the object in the query photo, any size); the SPREAD_CELL_PX cells those on the object
        cover, counted in the query variant's frame), or None when nothing verified. The pair is verified again
        as ``rank`` first verified it (not the second pass without shared parts): a diagnosis, not a verdict."""
        m = next((m for m in found.matches if m.record_id == record_id), None)
        if m is None or m.evidence["inliers"] == 0:
            return None
        variant = found.query.variant(m.evidence["query_variant"])
        feats = features.unpack_features(self.blobs[m.evidence["record_photo_id"]])
        q = variant.features
        got = features.verify(q.keypoints, q.descriptors, feats["kp"], feats["desc"], q.cell_bounds,
                              features.cell_bounds(feats["cells"], aggregate.N_CELLS), q.angles, feats["angle"])
        if got.inliers == 0:
            return None
        kp = q.keypoints[got.query_inliers]
        at = kp / np.array(variant.size, np.float32)
        if variant.name == MIRRORED:
            at[:, 0] = 1 - at[:, 0]
        left, top, right, bottom = variant.box
        xs = ((left + at[:, 0] * (right - left)) * mask.shape[1]).astype(int).clip(0, mask.shape[1] - 1)
        ys = ((top + at[:, 1] * (bottom - top)) * mask.shape[0]).astype(int).clip(0, mask.shape[0] - 1)
        on = mask[ys, xs]
        cells = len(np.unique((kp[on] // features.SPREAD_CELL_PX).astype(np.int32), axis=0))
        return round(float(on.mean()), 3), cells


def outcome(found: Found, expected: int | None, names: dict[int, str]) -> dict:
    """One query's outcome (JSON-safe): was ``expected`` (None: no record is right) first, `match`; which wrong
    records were flagged; and for a diagnosis, where the right record was among the candidates and what it
    verified."""
    ranked = found.matches
    name = lambda rid: names.get(rid, f"corpus#{rid}")  # noqa: E731
    first = bool(ranked) and ranked[0].record_id == expected
    own = next(((i, m) for i, m in enumerate(ranked) if m.record_id == expected), None)
    cand_records = list(dict.fromkeys(c.record_id for c in found.candidates))
    wrong = [m for m in ranked if m.record_id != expected]
    return {
        "expected": expected,
        "first": first, "in_top5": own is not None and own[0] < 5,
        "right_match": first and ranked[0].verdict == "match", "right_possible": first and ranked[0].verdict == "possible",
        "wrong_match": any(m.verdict == "match" for m in wrong),
        "wrong_match_names": [f"{name(m.record_id)} ({m.evidence['inlier_cells']} cells)" for m in wrong if m.verdict == "match"],
        "wrong_possible": any(m.verdict == "possible" for m in wrong),
        "any_match": any(m.verdict == "match" for m in ranked), "any_possible": any(m.verdict == "possible" for m in ranked),
        "in_candidates": expected in cand_records,
        "candidate_pos": cand_records.index(expected) if expected in cand_records else None,
        "right_rank": own[0] + 1 if own else None,
        "right_verdict": own[1].verdict if own else "absent",
        "right_cells": own[1].evidence["inlier_cells"] if own else 0,
        "right_inliers": own[1].evidence["inliers"] if own else 0,
        "wrong_cells_max": max((m.evidence["inlier_cells"] for m in wrong), default=0),
        "right_variant": own[1].evidence["query_variant"] if own else "",
        "right_match_by": own[1].evidence["match_by"] if own else None,  # which rule made it a `match` (None: not one)
        "wrong_match_by": [m.evidence["match_by"] for m in wrong if m.verdict == "match"],
        "top_name": name(ranked[0].record_id) if ranked else None,
        "top_verdict": ranked[0].verdict if ranked else "none",
        "top_cells": ranked[0].evidence["inlier_cells"] if ranked else 0,
        "frame": "+".join(v.name for v in found.query.variants),
    }


# --- the same through the CLI --------------------------------------------------------------------------------------

def agree_with_cli(bench, rows: list[dict], n: int) -> dict:  # noqa: ANN001 (eth80.Bench)
    """Register every object's 090-000 through ``registry import-objects`` into a new SQLite registry, check
    ``n`` of ``rows``' queries (spread over them) with ``registry match --json --all-statuses``, and compare
    the first record and its verdict with this process's."""
    sample = rows[:: max(1, len(rows) // n)][:n]
    registry = shutil.which("registry") or str(Path(sys.executable).parent / "registry")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        env = {**os.environ, "REGISTRY_DATABASE_URL": f"sqlite:///{tmp_path / 'registry.sqlite'}",
               "REGISTRY_MEDIA_DIR": str(tmp_path / "media"), "REGISTRY_SECRET_KEY": secrets.token_hex(16)}
        photos = tmp_path / "photos"
        photos.mkdir()
        with (tmp_path / "objects.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["object_number", "object_type", "title", "status", "photos"])
            for o in bench.all:
                shutil.copy(bench.data / o.name / "090-000.jpg", photos / f"{o.name}.jpg")
                writer.writerow([o.name, o.kind, f"ETH-80 {o.name}", "stolen", f"{o.name}.jpg"])
        run = lambda *args: subprocess.run([registry, *args], env=env, check=True, capture_output=True, text=True)  # noqa: E731
        run("db", "upgrade")
        started = time.time()
        imported = json.loads(run("import-objects", str(tmp_path / "objects.csv"), "--photos", str(photos),
                                  "--institution", "ETH-80 bench", "--create-institution", "--json").stdout)
        imported_s = time.time() - started
        paths = [str(bench.data / r["object"] / f"{r['query']}.jpg") for r in sample]
        started = time.time()
        results = json.loads(run("match", "--json", "--all-statuses", *paths).stdout)
        match_s = time.time() - started
    compared = []
    for r, res in zip(sample, results):
        top = res["candidates"][0] if res["candidates"] else {"object_number": None, "verdict": "none"}
        compared.append({"query": f"{r['object']}/{r['query']}", "bench": [r["top_name"], r["top_verdict"]],
                         "cli": [top["object_number"], top["verdict"]],
                         "agree": (top["object_number"], top["verdict"]) == (r["top_name"], r["top_verdict"])})
    agreed = sum(c["agree"] for c in compared)
    print(f"\n== the same {len(compared)} queries through the CLI (import {imported_s:.0f} s, "
          f"match {match_s:.0f} s; created {imported.get('created')}) ==")
    print(f"first record and verdict as in this process: {agreed} of {len(compared)}")
    for c in compared:
        if not c["agree"]:
            print(f"  differs: {c['query']}: bench {c['bench']}, CLI {c['cli']}")
    return {"n": len(compared), "agree": agreed, "queries": compared}
