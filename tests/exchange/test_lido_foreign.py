"""LIDO import from other systems: minimal, LIDO 1.0 and single-record documents."""

from __future__ import annotations

from registry.exchange.lido import lido_to_records, validate_lido
from registry.exchange.record import empty_record

MINIMAL = b"""<?xml version="1.0" encoding="UTF-8"?>
<lido:lido xmlns:lido="http://www.lido-schema.org">
  <lido:lidoRecID lido:type="local">DE-MUS-123/obj/42</lido:lidoRecID>
  <lido:descriptiveMetadata xml:lang="de">
    <lido:objectClassificationWrap>
      <lido:objectWorkTypeWrap>
        <lido:objectWorkType><lido:term xml:lang="de">Gem\xc3\xa4lde</lido:term></lido:objectWorkType>
      </lido:objectWorkTypeWrap>
    </lido:objectClassificationWrap>
    <lido:objectIdentificationWrap>
      <lido:titleWrap>
        <lido:titleSet><lido:appellationValue>Bildnis einer Dame</lido:appellationValue></lido:titleSet>
      </lido:titleWrap>
      <lido:repositoryWrap>
        <lido:repositorySet>
          <lido:repositoryName><lido:legalBodyName>
            <lido:appellationValue>Landesmuseum</lido:appellationValue>
          </lido:legalBodyName></lido:repositoryName>
          <lido:workID lido:type="Inventarnummer">Gm 1234</lido:workID>
        </lido:repositorySet>
      </lido:repositoryWrap>
    </lido:objectIdentificationWrap>
  </lido:descriptiveMetadata>
  <lido:administrativeMetadata xml:lang="de">
    <lido:recordWrap>
      <lido:recordID lido:type="local">42</lido:recordID>
      <lido:recordType><lido:term>item</lido:term></lido:recordType>
      <lido:recordSource><lido:legalBodyName><lido:appellationValue>Landesmuseum</lido:appellationValue></lido:legalBodyName></lido:recordSource>
    </lido:recordWrap>
  </lido:administrativeMetadata>
</lido:lido>
"""

LIDO_1_0 = b"""<?xml version="1.0" encoding="UTF-8"?>
<lido:lidoWrap xmlns:lido="http://www.lido-schema.org">
 <lido:lido>
  <lido:lidoRecID lido:type="local">X-1</lido:lidoRecID>
  <lido:descriptiveMetadata xml:lang="en">
   <lido:objectClassificationWrap>
    <lido:objectWorkTypeWrap><lido:objectWorkType><lido:term>vase</lido:term></lido:objectWorkType></lido:objectWorkTypeWrap>
   </lido:objectClassificationWrap>
   <lido:objectIdentificationWrap>
    <lido:titleWrap><lido:titleSet><lido:appellationValue>Amphora</lido:appellationValue></lido:titleSet></lido:titleWrap>
    <lido:inscriptionsWrap><lido:inscriptions><lido:inscriptionTranscription>KALOS</lido:inscriptionTranscription></lido:inscriptions></lido:inscriptionsWrap>
    <lido:repositoryWrap><lido:repositorySet lido:type="current"><lido:workID lido:type="inventory number">1907.12</lido:workID></lido:repositorySet></lido:repositoryWrap>
    <lido:objectMeasurementsWrap><lido:objectMeasurementsSet>
      <lido:displayObjectMeasurements>h. 350 mm</lido:displayObjectMeasurements>
      <lido:objectMeasurements><lido:measurementsSet>
        <lido:measurementType>height</lido:measurementType><lido:measurementUnit>mm</lido:measurementUnit><lido:measurementValue>350</lido:measurementValue>
      </lido:measurementsSet></lido:objectMeasurements>
    </lido:objectMeasurementsSet></lido:objectMeasurementsWrap>
   </lido:objectIdentificationWrap>
   <lido:eventWrap><lido:eventSet><lido:event>
     <lido:eventType><lido:term>Production</lido:term></lido:eventType>
     <lido:eventActor><lido:displayActorInRole>Berlin Painter</lido:displayActorInRole></lido:eventActor>
     <lido:eventDate><lido:displayDate>c. 490 BC</lido:displayDate><lido:date><lido:earliestDate>-0500</lido:earliestDate><lido:latestDate>-0480</lido:latestDate></lido:date></lido:eventDate>
   </lido:event></lido:eventSet>
   <lido:eventSet><lido:event>
     <lido:eventType><lido:term>theft</lido:term></lido:eventType>
     <lido:eventDate><lido:displayDate>1999</lido:displayDate></lido:eventDate>
   </lido:event></lido:eventSet></lido:eventWrap>
  </lido:descriptiveMetadata>
  <lido:administrativeMetadata xml:lang="en">
   <lido:recordWrap><lido:recordID lido:type="local">X-1</lido:recordID><lido:recordType><lido:term>item</lido:term></lido:recordType>
    <lido:recordSource><lido:legalBodyName><lido:appellationValue>Some museum</lido:appellationValue></lido:legalBodyName></lido:recordSource></lido:recordWrap>
   <lido:resourceWrap><lido:resourceSet>
     <lido:resourceRepresentation><lido:linkResource>https://img.example/1907-12.jpg</lido:linkResource></lido:resourceRepresentation>
   </lido:resourceSet></lido:resourceWrap>
  </lido:administrativeMetadata>
 </lido:lido>
</lido:lidoWrap>
"""


def test_minimal_foreign_record_imports_with_empty_values(lido_schema):
    assert validate_lido(MINIMAL, lido_schema) == []
    expected = empty_record()
    expected.update(institution="Landesmuseum", object_number="Gm 1234", object_type="Gemälde",
                    title="Bildnis einer Dame")
    assert lido_to_records(MINIMAL) == [expected]


def test_lido_1_0_record_imports(lido_schema):
    assert validate_lido(LIDO_1_0, lido_schema.parent / "lido-v1.0.xsd") == []
    [record] = lido_to_records(LIDO_1_0)
    assert record["object_number"] == "1907.12"
    assert record["institution"] == ""
    assert record["inscriptions"] == "KALOS"
    assert record["height_cm"] == 35.0 and record["measurements_text"] == "h. 350 mm"
    assert record["maker"] == "Berlin Painter"
    assert (record["date_period"], record["year_from"], record["year_to"]) == ("c. 490 BC", -500, -480)
    assert record["status"] == "stolen" and record["loss_date"] == "1999"  # a theft event: stolen
    assert record["photos"] == [{"url": "https://img.example/1907-12.jpg", "sha256": "", "filename": "", "caption": ""}]


def test_empty_lido_wrap_gives_no_records():
    assert lido_to_records(b'<lidoWrap xmlns="http://www.lido-schema.org"/>') == []
