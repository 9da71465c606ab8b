"""Catalogue fields compared with a check's description: in words and in concepts, across languages."""
from __future__ import annotations

import pytest
from objects import make_object

from registry.matching import compute_query, rank, ranking
from registry.matching.fields import compare_fields

RECORD = {
    "description": "Horse. Small figurine of a horse, cast bronze, with an inscription on the base; the rider is "
                   "missing and a crack runs along the left hind leg.",
    "object_type": "figurine",
    "materials": "bronze, copper alloy",
    "height_cm": 12.0,
}


@pytest.mark.parametrize("description", [
    "Bronze statuette of a horse",  # English, other words than the record's
    "Statuette en bronze représentant un cheval, inscription sur la base",  # French
    "Estatuilla de bronce de un caballo con inscripción",  # Spanish
])
def test_a_description_of_the_object_agrees_in_any_language(description: str) -> None:
    out = compare_fields({"description": description}, RECORD)
    assert out["agree"] == ["description"] and out["score"] == 1.0


def test_arabic_words_are_compared_without_their_short_vowels() -> None:
    record = {"description": "تمثال برونزي لحصان، نقش على القاعدة"}
    out = compare_fields({"description": "تِمثال برونزيّ صغير لحصان"}, record)
    assert out["agree"] == ["description"]


def test_a_description_of_another_object_disagrees() -> None:
    out = compare_fields({"description": "Painted wooden mask with cowrie shells and raffia"}, RECORD)
    assert out["disagree"] == ["description"] and out["score"] == 0.0


def test_a_few_words_naming_another_kind_of_object_disagree() -> None:
    out = compare_fields({"description": "statuette en bronze"}, {"description": "Manuscript leaf, parchment, ink"})
    assert out["disagree"] == ["description"]


def test_a_few_words_in_other_words_are_no_evidence() -> None:
    out = compare_fields({"description": "greenish thing"}, RECORD)
    assert out == {"agree": [], "disagree": [], "score": None}


@pytest.mark.parametrize(("query", "record", "verdict"), [
    ({"materials": "bronze"}, {"materials": "copper alloy"}, "agree"),  # bronze is a copper alloy
    ({"materials": "silver"}, {"materials": "gold"}, "disagree"),  # two metals, not the same
    ({"object_type": "vessel"}, {"object_type": "amphora"}, "agree"),  # the record says more precisely
    ({"object_type": "amphora"}, {"object_type": "vessel"}, "agree"),  # ... or more broadly
    ({"object_type": "coin"}, {"object_type": "figurine"}, "disagree"),
    ({"materials": "pierre"}, {"materials": "limestone"}, "agree"),  # French, a kind of stone
])
def test_types_and_materials_agree_through_broader_concepts(query: dict, record: dict, verdict: str) -> None:
    out = compare_fields(query, record)
    name = next(iter(query))
    assert name in out[verdict]


def test_measurements_agree_within_ten_percent_and_disagree_beyond_a_quarter() -> None:
    out = compare_fields({"height_cm": 12.5, "width_cm": 20.0}, {"height_cm": 12.0, "width_cm": 30.0})
    assert out["agree"] == ["height_cm"] and out["disagree"] == ["width_cm"] and out["score"] == 0.5


def test_fields_are_read_for_the_best_records_by_their_photos_only(registry, monkeypatch) -> None:
    monkeypatch.setattr(ranking, "FIELDS_RECORDS", 3)  # the test registry holds 12 records
    q = compute_query(make_object(6002))  # unregistered: every candidate record is verified
    asked: list[int] = []

    def record_fields(ids: list[int]) -> dict[int, dict]:
        asked.extend(ids)
        return {i: dict(RECORD) for i in ids}

    candidates = registry.index.search(q, 60)
    res = rank(q, candidates, registry.load, query_fields={"description": "bronze horse"}, record_fields=record_fields)
    assert len({c.record_id for c in candidates}) > 3 == len(asked)
    by_photos = rank(q, candidates, registry.load)
    assert set(asked) == {m.record_id for m in by_photos[:3]}
    assert {m.record_id for m in res[:3]} == set(asked)  # they agree with the description: still the first three
