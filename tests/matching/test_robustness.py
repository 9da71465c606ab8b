"""The registered object is ranked first and flagged from edited query photos; strangers are not."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

import edits
from objects import make_object

from registry.matching import compute_query, rank

KINDS = edits.KINDS


def _best(registry, img: Image.Image):
    q = compute_query(img)
    return rank(q, registry.index.search(q, 30), registry.load, top=5)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("pid", [1, 5, 9])
def test_registered_object_found_first(registry, kind: str, pid: int) -> None:
    rng = np.random.default_rng([pid, KINDS.index(kind)])
    res = _best(registry, edits.apply(kind, registry.images[pid], rng))
    assert res and res[0].record_id == 100 + pid
    assert res[0].verdict in ("match", "possible")


@pytest.mark.parametrize("seed", [5001, 5002, 5003, 5004])
def test_unregistered_object_not_matched(registry, seed: int) -> None:
    res = _best(registry, make_object(seed))
    assert all(m.verdict != "match" for m in res)


def test_evidence_json_serialisable(registry) -> None:
    res = _best(registry, edits.jpeg(registry.images[2], np.random.default_rng(0), 40))
    assert res[0].verdict == "match"
    text = json.dumps([m.evidence for m in res])
    ev = json.loads(text)[0]
    assert {"query_variant", "record_photo_id", "hash_distances", "inliers", "colour_similarity", "fields"} <= set(ev)
    assert 0.0 <= res[0].score <= 1.0


def test_fields_alone_never_match(registry) -> None:
    fields = {"description": "bronze vase with inscription", "height_cm": 30.0}
    q = compute_query(make_object(6001))
    res = rank(q, registry.index.search(q, 30), registry.load, query_fields=fields,
               record_fields=lambda ids: {i: dict(fields) for i in ids})
    assert all(m.verdict != "match" for m in res)
    assert any("description" in m.evidence["fields"]["agree"] for m in res)
