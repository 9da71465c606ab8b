"""LIDO export: exact round trips of every key, and validity against the official LIDO 1.1 schema."""

from __future__ import annotations

import pytest
from lxml import etree

from registry.exchange.lido import lido_to_records, records_to_lido, validate_lido
from registry.exchange.record import RECORD_KEYS, empty_record, normalize_record

NS = {"lido": "http://www.lido-schema.org"}


def _sparse(number: str) -> dict:
    record = empty_record()
    record.update(institution="Museum of Testing", object_number=number, object_type="Vase")
    return record


def test_full_record_round_trips_exactly(make_record):
    record = make_record()
    assert lido_to_records(records_to_lido([record])) == [record]


def test_many_records_round_trip_with_edge_values(make_record):
    records = [
        make_record("A-1"),
        make_record("A-2", year_from=-500, year_to=0, status="recovered", title="", maker="", maker_qualifier="",
                    photos=[], red_list_categories=[]),
        make_record("A-3", status="inventory", loss_date=None, loss_place="", case_reference="", loss_notes="",
                    height_cm=None, weight_kg=None, year_from=None, year_to=1650, documented_on=None),
        make_record("A-4", status="", loss_notes="found in a dealer's catalogue"),
        make_record("A-5", status="looted", maker="", maker_qualifier="attributed to", year_from=-12000),
        _sparse("A-6"),
    ]
    back = lido_to_records(records_to_lido(records))
    for original, read in zip(records, back, strict=True):
        assert read == original, original["object_number"]


@pytest.mark.parametrize("status", ["inventory", "stolen", "missing", "looted", "recovered", ""])
def test_every_status_round_trips(make_record, status):
    record = make_record(status=status)
    assert lido_to_records(records_to_lido([record]))[0]["status"] == status


def test_every_key_comes_back(make_record):
    back = lido_to_records(records_to_lido([make_record()]))[0]
    assert tuple(back) == RECORD_KEYS


def test_partial_records_are_normalised():
    partial = {"institution": "Museum", "object_number": "P-1", "object_type": "Mask", "height_cm": 12}
    back = lido_to_records(records_to_lido([partial]))
    assert back == [normalize_record(partial)]
    assert back[0]["height_cm"] == 12.0 and back[0]["photos"] == [] and back[0]["loss_date"] is None


def test_export_validates_against_lido_1_1(make_record, lido_schema):
    records = [make_record("V-1"), make_record("V-2", title="", status="inventory", loss_date=None, loss_place="",
                                               case_reference="", loss_notes=""), _sparse("V-3")]
    assert validate_lido(records_to_lido(records), lido_schema) == []


def test_export_uses_the_lido_elements_of_the_mapping(make_record):
    root = etree.fromstring(records_to_lido([make_record()]))
    lido = root.find("lido:lido", NS)

    def text(path: str) -> str:
        return lido.findtext(path, namespaces=NS)

    identification = "lido:descriptiveMetadata/lido:objectIdentificationWrap/"
    assert text(identification + "lido:repositoryWrap/lido:repositorySet/lido:workID[@lido:type='inventory number']") == "AO 1234"
    assert text("lido:descriptiveMetadata/lido:objectClassificationWrap/lido:objectWorkTypeWrap/lido:objectWorkType/lido:term") == "Cylinder seal"
    assert text(identification + "lido:objectMeasurementsWrap/lido:objectMeasurementsSet/lido:displayObjectMeasurements") == "H 3.5 cm; Diam. 1.8 cm"
    assert lido.find(".//lido:classification[@lido:type='Red List category']", NS) is not None
    assert text(".//lido:event/lido:eventID[@lido:type='case reference']") == "INTERPOL 2003/1234"
    assert text(".//lido:earliestDate") == "-2112"
    assert text(".//lido:resourceSet/lido:resourceID[@lido:type='sha256']") == "ab" * 32
    assert text(".//lido:recordMetadataDate") == "2003-04-20"
    assert lido.findtext("lido:lidoRecID", namespaces=NS).endswith("/AO 1234")


def test_script_and_markup_stay_text(make_record):
    data = records_to_lido([make_record()])
    assert b"<script>" not in data and b"&lt;script&gt;" in data


def test_publisher_is_the_record_source(make_record):
    data = records_to_lido([make_record()], publisher="Fondation Objet ID")
    source = etree.fromstring(data).findtext(".//lido:recordSource/lido:legalBodyName/lido:appellationValue", namespaces=NS)
    assert source == "Fondation Objet ID"
