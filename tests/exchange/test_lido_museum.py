"""LIDO as museums write it: a single lido:lido root, the object number outside workID, terms in five languages,
LIDO 1.0 and 1.1, images as resource links; each file here is valid against the official schema it claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.exchange.lido import read_lido_document, validate_lido
from registry.exchange.lido_import import last_part

MUSEUM_LIDO = Path(__file__).parent / "museum_lido"


def _read(name: str):
    return read_lido_document((MUSEUM_LIDO / name).read_bytes())


@pytest.mark.parametrize("name, schemas", [
    ("nl_single_record_lido10.xml", ("lido-v1.0.xsd", "lido-v1.1.xsd")),
    ("de_wrap_lido11.xml", ("lido-v1.1.xsd",)),
    ("fr_es_it_wrap_lido11.xml", ("lido-v1.1.xsd",)),
])
def test_the_museum_files_are_valid_lido(lido_schema, name, schemas):
    for schema in schemas:
        assert validate_lido((MUSEUM_LIDO / name).read_bytes(), lido_schema.parent / schema) == []


def test_single_lido_root_in_dutch_with_the_number_only_in_the_local_record_id():
    [reading] = _read("nl_single_record_lido10.xml")
    record = reading.record
    assert reading.error is None
    assert (record["institution"], record["object_number"]) == ("Museum Het Voorbeeld", "RV-1403-77")
    assert "recordID" in reading.notes[0] and "RV-1403-77" in reading.notes[0]
    assert (record["height_cm"], record["width_cm"], record["depth_cm"], record["weight_kg"]) == (41.5, 12.0, 9.0, 3.4)
    assert (record["materials"], record["techniques"]) == ("brons", "gegoten")
    assert (record["year_from"], record["year_to"], record["place_of_origin"]) == (1400, 1499, "Thailand")
    assert record["status"] == "stolen" and record["loss_date"] == "2026-10-02"  # a "diefstal" event
    # the master image of each resource set, never its thumbnail
    assert [photo["url"] for photo in record["photos"]] == [
        "afbeeldingen/RV-1403-77_voor.jpg",
        "file:///export/collectie/afbeeldingen/RV-1403-77_achter.png",
        "https://iiif.voorbeeld.nl/RV-1403-77_zijkant/full/max/0/default.jpg",
    ]


def test_german_wrap_reads_each_record_on_its_own_and_names_the_one_without_a_number():
    readings = _read("de_wrap_lido11.xml")
    numbers = [reading.record["object_number"] if reading.record else None for reading in readings]
    assert numbers == ["MK 18.442", "KG 2004.17", "G-771", None]
    coin, reliquary, jug, fragment = readings
    assert (coin.record["diameter_cm"], coin.record["weight_kg"]) == (3.0, 0.01712)  # Durchmesser mm, Gewicht Gramm
    assert (coin.record["materials"], coin.record["techniques"], coin.record["status"]) == ("Silber", "geprägt", "stolen")
    assert (coin.record["year_from"], coin.notes) == (-297, [])
    assert (reliquary.record["height_cm"], reliquary.record["width_cm"], reliquary.record["depth_cm"]) == (52.0, 14.0, 11.0)
    assert "objectPublishedID" in reliquary.notes[0]
    assert "lidoRecID" in jug.notes[0]
    assert fragment.record is None and "lido record #4" in fragment.error and "no object number" in fragment.error


@pytest.mark.parametrize("position, expected", [
    (0, {"object_number": "D.2019.3.1", "height_cm": 23.0, "width_cm": 6.0, "depth_cm": 8.0, "weight_kg": 1.2,
         "materials": "bronze", "techniques": "fonte à la cire perdue", "status": "stolen"}),
    (1, {"object_number": "CE00417", "height_cm": 18.5, "width_cm": 14.0, "depth_cm": 12.0, "weight_kg": 0.9,
         "materials": "cerámica", "techniques": "modelado", "status": "looted"}),
    (2, {"object_number": "1987/204", "height_cm": 34.0, "width_cm": 27.0, "depth_cm": 2.5, "weight_kg": 1.1,
         "materials": "tempera su tavola", "status": "stolen"}),
])
def test_french_spanish_and_italian_terms(position, expected):
    record = _read("fr_es_it_wrap_lido11.xml")[position].record
    assert {key: record[key] for key in expected} == expected


@pytest.mark.parametrize("namespace", ["https://www.lido-schema.org", "http://www.lido-schema.org/"])
def test_a_variant_of_the_lido_namespace_reads_the_same(namespace):
    data = (MUSEUM_LIDO / "de_wrap_lido11.xml").read_bytes()
    variant = data.replace(b'xmlns:lido="http://www.lido-schema.org"', f'xmlns:lido="{namespace}"'.encode())
    assert variant != data
    assert [r.record for r in read_lido_document(variant)] == [r.record for r in read_lido_document(data)]


@pytest.mark.parametrize("identifier, number", [
    ("https://museum.example/collection/object/SK-A-1505", "SK-A-1505"),
    ("https://sammlung.example.de/objekt/KG%202004.17/", "KG 2004.17"),
    ("DE-Mb112/lido-obj00154983", "lido-obj00154983"),
    ("urn:museum:inv:1907.12", "1907.12"),
    ("  ", ""),
])
def test_last_part_of_an_identifier(identifier, number):
    assert last_part(identifier) == number
