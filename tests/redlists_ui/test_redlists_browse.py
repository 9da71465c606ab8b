"""Issue 26 in the app: browse every list by country and kind of object; the look-up and a check say how a fit was
reached and which Red Lists were compared (EN and another language, through the test client)."""

from __future__ import annotations

import io

import pytest

from registry.demo.images import draw_object
from registry.redlists import load_default
from registry.services.redlists import import_red_list_set

BRONZE_FIGURES = {"EGY-BRONZES", "SYR-BRONZE-FIGURINES", "YEM-BRONZES", "KHM-BRONZES"}


@pytest.fixture
def red_lists(app):
    return import_red_list_set(load_default())


def test_all_categories_of_bronze_figures_across_lists(client, red_lists):
    page = client.get("/redlists/browse", query_string={"kind": "figures", "material": "bronze"}).get_data(as_text=True)
    assert all(code in page for code in BRONZE_FIGURES)
    assert "IRQ-SEALS" not in page and "EGY-PAPYRI" not in page and "HTI-PAINTING" not in page
    assert "Emergency Red List of Egyptian Cultural Objects at Risk" in page
    french = client.get("/redlists/browse", query_string={"lang": "fr", "kind": "figures", "material": "bronze"}).get_data(as_text=True)
    assert "Parcourir les catégories des Listes rouges" in french and all(code in french for code in BRONZE_FIGURES)
    assert "Figurines et statuettes" in french


def test_browse_by_country_lists_the_countries_in_the_readers_language(client, red_lists):
    index = client.get("/redlists/").get_data(as_text=True)
    assert "/redlists/browse?country=EG" in index and ">Egypt<" in index and ">Ukraine<" in index
    assert "/redlists/browse?kind=figures" in index
    spanish = client.get("/redlists/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert ">Egipto<" in spanish and "Por país:" in spanish
    egypt = client.get("/redlists/browse", query_string={"country": "EG"}).get_data(as_text=True)
    assert "EGY-FUNERARY-FIGURES" in egypt and "EGY-PAPYRI" in egypt
    assert "IRQ-SEALS" not in egypt and "CHN-BRONZES" not in egypt


def test_browse_refuses_a_choice_that_is_not_offered(client, red_lists):
    page = client.get("/redlists/browse", query_string={"kind": "spaceships"}).get_data(as_text=True)
    assert "Choose a country, kind of object and material from the lists." in page
    assert "EGY-BRONZES" not in page


def test_the_look_up_page_warns_only_on_enough_evidence_and_shows_it(client, red_lists):
    cat = client.get("/redlists/lookup", query_string={"text": "Oil painting of a tabby cat in a brown wooden frame"}).get_data(as_text=True)
    assert "No Red List category fits this description" in cat and "lawful origin" not in cat.split("No Red List")[0]
    assert "Weaker fits, not enough to warn" in cat
    bronze = client.get("/redlists/lookup", query_string={"text": "Shang dynasty bronze ding with taotie masks"}).get_data(as_text=True)
    assert "The object may fall into these categories" in bronze
    top = bronze.split("The object may fall into these categories")[1]
    assert top.index("CHN-BRONZES") < top.index("Evidence: object type, material, period, region of origin")
    french = client.get("/redlists/lookup", query_string={"lang": "fr", "text": "vase rituel en bronze, dynastie Shang, Chine"}).get_data(as_text=True)
    assert "L'objet pourrait relever de ces catégories" in french and "Indices : type d&#39;objet" in french


def test_the_api_gives_advice_only_when_a_category_may_fall_into(client, red_lists, api_headers):
    answer = client.get("/api/v1/redlists/lookup", query_string={"text": "a marble plaque from 1895"},
                        headers=api_headers("dealer")).get_json()
    assert answer["advice"] == "" and not any(c["may_fall_into"] for c in answer["categories"])


def test_a_check_names_the_red_lists_it_compared(client, red_lists):
    photo = io.BytesIO()
    draw_object(778, "vase", "terracotta").save(photo, format="JPEG")
    page = client.post("/check/", data={"photos": [(io.BytesIO(photo.getvalue()), "stele.jpg")],
                                        "description": "alabaster funerary stele with a stylised face, Yemen, 1st century"},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "YEM-ALABASTER" in page and "Evidence:" in page
    compared = page.split("Compared with the categories of these Red Lists:")[1]
    assert "Emergency Red List of Cultural Objects at Risk - Yemen" in compared and "Red List of Chinese Cultural Objects at Risk" in compared
    french = client.post("/check/?lang=fr", data={"photos": [(io.BytesIO(photo.getvalue()), "stele.jpg")],
                                                  "description": "stèle funéraire en albâtre, Yémen"},
                         content_type="multipart/form-data").get_data(as_text=True)
    assert "Comparé aux catégories de ces Listes rouges" in french
    bare = client.post("/check/", data={"photos": [(io.BytesIO(photo.getvalue()), "stele.jpg")]},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Compared with the categories of these Red Lists" not in bare


def test_the_cli_look_up_says_which_categories_the_object_may_fall_into(runner, red_lists):
    import json

    bronze = json.loads(runner.invoke(args=["redlists", "lookup", "--text", "Shang dynasty bronze ding", "--json"]).stdout)
    assert bronze[0]["code"] == "CHN-BRONZES" and bronze[0]["may_fall_into"] and "period" in bronze[0]["evidence"]
    cat = json.loads(runner.invoke(args=["redlists", "lookup", "--text", "Oil painting of a tabby cat in a brown wooden frame",
                                         "--json"]).stdout)
    assert cat and not any(fit["may_fall_into"] for fit in cat)
    text = runner.invoke(args=["redlists", "lookup", "--text", "Shang dynasty bronze ding"]).stdout
    assert text.splitlines()[0].split()[1:4] == ["may", "fall", "into"]
