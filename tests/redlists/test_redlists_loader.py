"""Loader validation, per-entry errors and dump/load round trips."""

import json

import pytest

from registry.redlists.loader import DEMO_FILE, INDEX_FILE, RedListFileError, dump, dumps, load, load_default, loads

GOOD = """
red_lists:
- {slug: test-2020, name: Test list, region: Nowhere, year: 2020}
categories:
- red_list: test-2020
  code: T-1
  names: {en: Seals, fr: Sceaux, es: Sellos}
  object_types: [seal]
  period: {year_from: -3000, year_to: -1000}
  measurements: {height_cm: {min: 1, max: 5}}
"""

BAD = """
red_lists:
- {slug: test-2020, name: Test list, region: Nowhere, year: 2020, status: maybe}
categories:
- {red_list: test-2020, code: A, names: {en: One}, object_types: [seal]}
- {red_list: test-2020, code: A, names: {en: Two}, object_types: [seal]}
- {red_list: nowhere-1999, code: B, names: {en: Three}, object_types: [seal]}
- {red_list: test-2020, names: {en: Four}, object_types: [seal]}
- {red_list: test-2020, code: C, names: {fr: Cinq, de: Fünf}, object_types: [seal]}
- {red_list: test-2020, code: D, names: {en: Six}, object_types: [seal], period: {year_from: 200, year_to: 100}}
- {red_list: test-2020, code: E, names: {en: Seven}, object_types: [seal], colour: red}
"""


def test_good_file_loads():
    red_set = loads(GOOD)
    assert red_set.red_lists[0].slug == "test-2020"
    cat = red_set.categories[0]
    assert cat.names["fr"] == "Sceaux" and cat.period.year_from == -3000
    assert cat.measurement("height_cm").max == 5


def test_bad_file_collects_every_error_with_entry_paths():
    with pytest.raises(RedListFileError) as caught:
        loads(BAD, source="bad.yaml")
    errors = caught.value.errors
    expected = [
        "red_lists[0].status: 'maybe' is not one of current, superseded",
        "categories[1].code: duplicate code 'A'",
        "categories[2].red_list: unknown red list 'nowhere-1999'",
        "categories[3].code: missing",
        "categories[4].names.de: unknown language key",
        "categories[4].names.en: missing English text",
        "categories[5].period: bad year range",
        "categories[6].colour: unknown field",
    ]
    for start in expected:
        assert any(e.startswith(start) for e in errors), (start, errors)
    assert "bad.yaml" in str(caught.value) and "fix them" in str(caught.value)


def test_not_yaml_is_reported():
    with pytest.raises(RedListFileError) as caught:
        loads("a: [unclosed")
    assert "not valid YAML" in caught.value.errors[0]


def test_json_and_yaml_round_trip(tmp_path):
    red_set = load_default()
    for name in ("all.yaml", "all.json"):
        dump(red_set, tmp_path / name)
        again = load(tmp_path / name)
        assert again.categories == red_set.categories and again.red_lists == red_set.red_lists
    assert loads(dumps(red_set, grouped=False)).categories == red_set.categories
    assert json.loads(dumps(red_set, "json"))["format"] == "object-id-registry/red-lists@1"


def test_shipped_files_are_in_canonical_form():
    index = load(INDEX_FILE)
    demo = load(DEMO_FILE, known_red_lists=[r.slug for r in index.red_lists])
    assert dumps(index) == INDEX_FILE.read_text(encoding="utf-8")
    assert dumps(demo) == DEMO_FILE.read_text(encoding="utf-8")


def test_shipped_data_is_marked_and_complete():
    red_set = load_default()
    assert red_set.demonstration and all(c.demonstration for c in red_set.categories)
    assert {r.status for r in red_set.red_lists} <= {"current", "superseded"}
    for cat in red_set.categories:
        languages = {"en", "fr", "es", "ar"} if cat.red_list in ARABIC_SPEAKING else {"en", "fr", "es"}
        assert set(cat.names) == languages and set(cat.descriptions) == languages, cat.code
        assert cat.object_types and cat.materials and cat.techniques and cat.regions, cat.code
        assert cat.period and cat.measurements and cat.reference_images, cat.code


ARABIC_SPEAKING = {"iraq-2003", "iraq-2015", "syria-2013", "libya-2015", "yemen-2018", "egypt-2011"}


def test_every_red_list_in_the_index_has_four_to_eight_categories():
    red_set = load_default()
    per_list = {r.slug: [c for c in red_set.categories if c.red_list == r.slug] for r in red_set.red_lists}
    assert len(per_list) == 18
    assert {slug: len(cats) for slug, cats in per_list.items() if not 4 <= len(cats) <= 8} == {}
    assert next(r for r in red_set.red_lists if r.slug == "iraq-2003").status == "superseded"


def test_categories_need_a_known_red_list():
    text = "categories:\n- {red_list: iraq-2015, code: X, names: {en: X}, object_types: [seal]}\n"
    with pytest.raises(RedListFileError):
        loads(text)
    assert loads(text, known_red_lists=["iraq-2015"]).categories[0].code == "X"
