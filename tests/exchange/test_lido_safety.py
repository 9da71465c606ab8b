"""LIDO input that must be refused with a clear LidoError: malformed, hostile, or without an object number."""

from __future__ import annotations

import pytest

from registry.exchange.errors import LidoSchemaNotFound
from registry.exchange.lido import LidoError, lido_to_records, records_to_lido, validate_lido
from tests.exchange.test_lido_foreign import MINIMAL

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lido:lidoWrap xmlns:lido="http://www.lido-schema.org"><lido:lido><lido:lidoRecID>&lol9;</lido:lidoRecID></lido:lido></lido:lidoWrap>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE lido [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<lido:lido xmlns:lido="http://www.lido-schema.org"><lido:lidoRecID>&secret;</lido:lidoRecID></lido:lido>
"""


def test_malformed_xml_names_the_line():
    with pytest.raises(LidoError, match=r"not well-formed XML \(line 3\)"):
        lido_to_records(b'<?xml version="1.0"?>\n<lido:lidoWrap xmlns:lido="http://www.lido-schema.org">\n<lido:lido></lido:lidoWrap>')


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_entity_declarations_are_refused(data):
    with pytest.raises(LidoError, match="declares XML entities.*remove it"):
        lido_to_records(data)


def test_validation_refuses_hostile_xml_too(lido_schema):
    with pytest.raises(LidoError, match="declares XML entities"):
        validate_lido(BILLION_LAUGHS, lido_schema)


def _without_any_number(data: bytes) -> bytes:
    # the workID, the local recordID and the lidoRecID are each a place the object number is read from
    return (data.replace(b'<lido:workID lido:type="Inventarnummer">Gm 1234</lido:workID>', b"")
            .replace(b'<lido:recordID lido:type="local">42</lido:recordID>', b'<lido:recordID lido:type="local"> </lido:recordID>')
            .replace(b">DE-MUS-123/obj/42<", b"> <"))


def test_record_without_any_object_number_names_the_record():
    with pytest.raises(LidoError, match=r"lido record #1 \(line 2\) has no object number.*lido:workID.*lido:recordID"):
        lido_to_records(_without_any_number(MINIMAL))


def test_record_with_blank_work_id_is_refused():
    data = _without_any_number(MINIMAL)
    with pytest.raises(LidoError, match="has no object number"):
        lido_to_records(data.replace(b"</lido:repositoryName>", b"</lido:repositoryName><lido:workID>  </lido:workID>"))


@pytest.mark.parametrize("data", [b"", b"   ", b"<html><body/></html>"])
def test_empty_or_non_lido_documents_are_refused(data):
    with pytest.raises(LidoError):
        lido_to_records(data)


def test_export_refuses_a_record_without_object_number(make_record):
    with pytest.raises(LidoError, match="record #2 has no object number"):
        records_to_lido([make_record("A-1"), make_record("")])


def test_export_leaves_out_characters_xml_forbids_and_logs_the_record(make_record, caplog):
    # issue 24, finding 2: a record stored before such characters were refused no longer fails the whole export
    data = records_to_lido([make_record("A-1", description="bell\x07 and\ufffe tab\t"), make_record("A-2")])
    records = lido_to_records(data)
    assert [record["object_number"] for record in records] == ["A-1", "A-2"]
    assert records[0]["description"] == "bell and tab\t"
    assert "A-1: characters XML 1.0 forbids left out of description" in caplog.text


def test_export_refuses_a_non_numeric_measurement(make_record):
    with pytest.raises(LidoError, match="A-1: height_cm must be a number"):
        records_to_lido([make_record("A-1", height_cm="tall")])


def test_schema_errors_are_listed(make_record, lido_schema):
    data = records_to_lido([make_record()]).replace(b"<lido:lidoRecID", b"<lido:bogus").replace(b"</lido:lidoRecID>", b"</lido:bogus>")
    errors = validate_lido(data, lido_schema)
    assert errors and "bogus" in errors[0] and errors[0].startswith("line ")


def test_missing_schema_says_where_to_put_it(tmp_path, monkeypatch, make_record):
    monkeypatch.setenv("REGISTRY_LIDO_XSD", str(tmp_path / "nowhere.xsd"))
    with pytest.raises(LidoSchemaNotFound, match="REGISTRY_LIDO_XSD"):
        validate_lido(records_to_lido([make_record()]))


def test_schema_found_through_the_environment(monkeypatch, make_record, lido_schema):
    monkeypatch.setenv("REGISTRY_LIDO_XSD", str(lido_schema))
    assert validate_lido(records_to_lido([make_record()])) == []
