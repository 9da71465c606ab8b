"""Look-up by facets and by text (EN/FR/ES), suggestions, and rejection of unrelated objects."""

import pytest

from registry.redlists import Query, load_default, look_up, suggest
from registry.redlists.lookup import description_to_query
from registry.redlists.text import fold, parse_measurements, parse_period, stem


@pytest.fixture(scope="module")
def categories():
    return load_default().categories


def top(fits):
    return fits[0].code if fits else None


def test_text_helpers():
    assert fold("Terre cuite, époque séleucide") == "terre cuite, epoque seleucide"
    assert stem("figurines") == stem("figurine") and stem("metales") == stem("metal")
    assert stem("métaux".replace("é", "e")) == "metal"
    assert parse_period("3500–500 BCE")[0].year_from == -3500
    assert parse_period("IIe millénaire av. J.-C.")[0].year_to == -1001
    assert parse_period("siglo XVIII")[0].year_from == 1701
    assert parse_period("années 1970")[0].year_to == 1979
    assert parse_measurements("H. 12 cm, diamètre 35 mm") == {"height_cm": 12.0, "diameter_cm": 3.5}


def test_look_up_by_facets(categories):
    query = Query(object_types=["cylinder seal"], materials=["stone"], region="Mesopotamia",
                  year_from=-2000, year_to=-1500, measurements={"height_cm": 3})
    fits = look_up(categories, query)
    assert top(fits) == "IRQ-SEALS"
    best = fits[0]
    assert 0 < best.score <= 1 and not best.disagreements
    assert "material: stone" in best.reasons
    assert any(r.startswith("period overlaps 2000–1500 BCE") for r in best.reasons)


def test_look_up_accepts_a_dict(categories):
    assert top(look_up(categories, {"object_type": "coin", "materials": "silver", "country": "Afghanistan",
                                    "year_from": -150, "year_to": -100})) == "AFG-COINS"


@pytest.mark.parametrize("text,expected", [
    ("cylinder seal carved with a contest scene", "IRQ-SEALS"),
    ("sceau-cylindre en pierre gravé", "IRQ-SEALS"),
    ("sello cilíndrico de piedra", "IRQ-SEALS"),
    ("Nok terracotta head", "WAF-NOK"),
    ("tête en terre cuite Nok", "WAF-NOK"),
    ("cabeza de terracota Nok", "WAF-NOK"),
    ("Islamic manuscript page from Baghdad", "IRQ-MANUSCRIPTS"),
    ("manuscrit arabe sur papier, Irak", "IRQ-MANUSCRIPTS"),
    ("manuscrito árabe, Irak", "IRQ-MANUSCRIPTS"),
    ("Palmyrene funerary bust in limestone", "SYR-PALMYRA-RELIEFS"),
    ("buste funéraire de Palmyre", "SYR-PALMYRA-RELIEFS"),
    ("busto funerario de Palmira", "SYR-PALMYRA-RELIEFS"),
])
def test_look_up_by_text_in_three_languages(categories, text, expected):
    fits = look_up(categories, Query(text=text))
    assert top(fits) == expected
    assert any(r.startswith("text:") for r in fits[0].reasons)


def test_suggest_ranks_described_object_first(categories):
    record = {"object_type": "Figurine", "materials": ["terracotta"], "title": "Kneeling figure",
              "description": "Figure with snakes on the body, reddish clay", "date_period": "14th century",
              "place": "Mali", "height_cm": 35}
    fits = suggest(categories, record)
    assert top(fits) == "WAF-INLAND-NIGER"
    assert fits[0].score >= 0.8 and len(fits) <= 5


@pytest.mark.parametrize("record", [
    {"object_type": "watch", "materials": "stainless steel", "title": "Swiss wristwatch", "year_from": 1985},
    {"title": "Affiche", "description": "Affiche de concert sérigraphiée, Paris, années 1970", "materials": "papier"},
    {"title": "Tetera victoriana", "description": "Tetera de plata, Londres, 1870"},
])
def test_unrelated_object_gets_no_suggestion(categories, record):
    assert suggest(categories, record) == []
    fits = look_up(categories, description_to_query(record))
    assert all(f.disagreements for f in fits[:3])


def test_disagreements_explain_a_poor_fit(categories):
    fits = {f.code: f for f in look_up(categories, Query(object_types=["coin"], materials=["gold"],
                                                          region="Peru", year_from=1800, year_to=1800))}
    assert any("region" in d for d in fits["IRQ-COINS"].disagreements)
    assert any("period" in d for d in fits["IRQ-COINS"].disagreements)
