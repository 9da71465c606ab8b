"""Writing normalised records as LIDO 1.1 elements (the mapping is in LIDO_MAPPING.md)."""

from __future__ import annotations

import mimetypes
import re
from typing import Any

from lxml import etree

from registry.exchange import lido_terms as t
from registry.exchange.lido_terms import sub

Record = dict[str, Any]


def lido_record_id(record: Record) -> str:
    """The lidoRecID and recordID of a record: its institution (as a slug) and its object number."""
    slug = re.sub(r"[^\w]+", "-", record["institution"].lower()).strip("-")
    return f"{slug}/{record['object_number']}" if slug else record["object_number"]


def append_lido(wrap: etree._Element, record: Record, publisher: str, lang: str) -> None:
    """Append one lido:lido element describing `record` (already normalised) to `wrap`."""
    element = sub(wrap, "lido")
    record_id = lido_record_id(record)
    sub(element, "lidoRecID", record_id, type=t.LOCAL_ID_TYPE, source=publisher)
    _concept(sub(element, "category"), "Human-Made Object", uri=t.CRM_HUMAN_MADE_OBJECT, source="CIDOC CRM")
    descriptive = sub(element, "descriptiveMetadata")
    descriptive.set(t.XML_LANG, lang)
    _write_classification(descriptive, record)
    _write_identification(descriptive, record)
    _write_events(descriptive, record)
    _write_relations(descriptive, record)
    administrative = sub(element, "administrativeMetadata")
    administrative.set(t.XML_LANG, lang)
    _write_record_wrap(administrative, record, record_id, publisher)
    _write_resources(administrative, record)


def _concept(element: etree._Element, term: str, uri: str = "", source: str = "") -> etree._Element:
    """Fill a conceptComplexType element: an optional conceptID URI, then the term (if any)."""
    if uri:
        attributes = {"type": t.URI_ID_TYPE, **({"source": source} if source else {})}
        sub(element, "conceptID", uri, **attributes)
    if term:
        sub(element, "term", term)
    return element


def _write_classification(parent: etree._Element, record: Record) -> None:
    wrap = sub(parent, "objectClassificationWrap")
    _concept(sub(sub(wrap, "objectWorkTypeWrap"), "objectWorkType"), record["object_type"])
    if record["red_list_categories"]:
        classifications = sub(wrap, "classificationWrap")
        for code in record["red_list_categories"]:
            _concept(sub(classifications, "classification", type=t.RED_LIST_TYPE), code)


def _write_identification(parent: etree._Element, record: Record) -> None:
    wrap = sub(parent, "objectIdentificationWrap")
    _write_title(wrap, record)
    if record["inscriptions"]:
        inscription = sub(sub(wrap, "inscriptionsWrap"), "inscriptions")
        sub(sub(inscription, "inscriptionDescription"), "descriptiveNoteValue", record["inscriptions"])
    repository = sub(sub(wrap, "repositoryWrap"), "repositorySet", type=t.CURRENT_REPOSITORY)
    if record["institution"]:
        sub(sub(sub(repository, "repositoryName"), "legalBodyName"), "appellationValue", record["institution"])
    sub(repository, "workID", record["object_number"], type=t.INVENTORY_NUMBER)
    _write_descriptions(wrap, record)
    _write_measurements(wrap, record)


def _write_title(parent: etree._Element, record: Record) -> None:
    # LIDO requires a title; without one the object type stands in, typed so that it is not read back as a title.
    titles = sub(parent, "titleWrap")
    if record["title"]:
        sub(sub(titles, "titleSet", type=t.TITLE_TYPE), "appellationValue", record["title"], pref="preferred")
    else:
        sub(sub(titles, "titleSet", type=t.UNTITLED_TYPE), "appellationValue", record["object_type"])


def _write_descriptions(parent: etree._Element, record: Record) -> None:
    notes = [
        (t.DESCRIPTION_TYPE, record["description"]),
        (t.FEATURES_TYPE, record["distinguishing_features"]),
    ]
    notes = [(kind, text) for kind, text in notes if text]
    if record["status"] or has_loss_event(record):
        # Written even when empty beside a loss event, so that the reader does not infer a status.
        notes.append((t.STATUS_TYPE, record["status"]))
    if not notes:
        return
    wrap = sub(parent, "objectDescriptionWrap")
    for kind, text in notes:
        sub(sub(wrap, "objectDescriptionSet", type=kind), "descriptiveNoteValue", text)


def _write_measurements(parent: etree._Element, record: Record) -> None:
    dimensions = [(key, record[key]) for key in t.DIMENSIONS if record[key] is not None]
    if not dimensions and not record["measurements_text"]:
        return
    measurements_set = sub(sub(parent, "objectMeasurementsWrap"), "objectMeasurementsSet")
    if record["measurements_text"]:
        sub(measurements_set, "displayObjectMeasurements", record["measurements_text"])
    if dimensions:
        measurements = sub(measurements_set, "objectMeasurements")
        for key, value in dimensions:
            kind, unit = t.DIMENSIONS[key]
            one = sub(measurements, "measurementsSet")
            sub(one, "measurementType", kind)
            sub(one, "measurementUnit", unit)
            sub(one, "measurementValue", repr(float(value)))


def _write_events(parent: etree._Element, record: Record) -> None:
    production = _has_any(record, "maker", "maker_qualifier", "date_period", "year_from", "year_to",
                          "place_of_origin", "materials", "techniques")
    loss = has_loss_event(record)
    if not (production or loss or record["provenance"]):
        return
    wrap = sub(parent, "eventWrap")
    if production:
        _write_production(sub(sub(wrap, "eventSet"), "event"), record)
    for event in record["provenance"]:
        _write_acquisition(sub(sub(wrap, "eventSet"), "event"), event)
    if loss:
        _write_loss(sub(sub(wrap, "eventSet"), "event"), record)


def has_loss_event(record: Record) -> bool:
    """Whether the record gets a LIDO Loss event: a lost or recovered object, or any detail of a loss."""
    lost = record["status"] in t.LOSS_METHODS or record["status"] == "recovered"
    return lost or _has_any(record, "loss_date", "loss_place", "case_reference", "loss_notes")


def _has_any(record: Record, *keys: str) -> bool:
    return any(record[key] not in ("", None) for key in keys)


def _write_production(event: etree._Element, record: Record) -> None:
    _concept(sub(event, "eventType"), "Production", uri=t.PRODUCTION_EVENT, source=t.LIDO_TERMINOLOGY)
    if record["maker"] or record["maker_qualifier"]:
        _write_actor(sub(event, "eventActor"), record["maker"], record["maker_qualifier"])
    _write_date(event, record["date_period"], _iso_year(record["year_from"]), _iso_year(record["year_to"]))
    _write_place(event, record["place_of_origin"])
    if record["materials"] or record["techniques"]:
        _write_materials_tech(sub(event, "eventMaterialsTech"), record["materials"], record["techniques"])


def _write_actor(event_actor: etree._Element, maker: str, qualifier: str) -> None:
    display = " ".join(part for part in (qualifier, maker) if part)
    sub(event_actor, "displayActorInRole", display)
    in_role = sub(event_actor, "actorInRole")
    sub(sub(sub(in_role, "actor"), "nameActorSet"), "appellationValue", maker)
    if qualifier:
        sub(in_role, "attributionQualifierActor", qualifier)


def _iso_year(year: int | None) -> str:
    """A year as ISO 8601 wants it (at least four digits, "-" for BCE): -500 -> "-0500"."""
    if year is None:
        return ""
    return f"-{abs(year):04d}" if year < 0 else f"{year:04d}"


def _write_date(event: etree._Element, display: str, earliest: str, latest: str) -> None:
    if not (display or earliest or latest):
        return
    event_date = sub(event, "eventDate")
    if display:
        sub(event_date, "displayDate", display)
    if earliest or latest:
        date = sub(event_date, "date")
        if earliest:
            sub(date, "earliestDate", earliest)
        if latest:
            sub(date, "latestDate", latest)


def _write_place(event: etree._Element, place: str) -> None:
    if place:
        event_place = sub(event, "eventPlace")
        sub(event_place, "displayPlace", place)
        sub(sub(sub(event_place, "place"), "namePlaceSet"), "appellationValue", place)


def _write_materials_tech(element: etree._Element, materials: str, techniques: str) -> None:
    sub(element, "displayMaterialsTech", "; ".join(text for text in (materials, techniques) if text))
    materials_tech = sub(element, "materialsTech")
    for kind, text in ((t.MATERIAL_TYPE, materials), (t.TECHNIQUE_TYPE, techniques)):
        if text:
            _concept(sub(materials_tech, "termMaterialsTech", type=kind), text)


def _write_acquisition(event: etree._Element, provenance: dict[str, Any]) -> None:
    """One provenance event as a LIDO Acquisition event: the owner who acquired the object, when, where, how, and
    the document that shows it."""
    _concept(sub(event, "eventType"), "Acquisition", uri=t.ACQUISITION_EVENT, source=t.LIDO_TERMINOLOGY)
    if provenance["owner"]:
        event_actor = sub(event, "eventActor")
        sub(event_actor, "displayActorInRole", provenance["owner"])
        in_role = sub(event_actor, "actorInRole")
        sub(sub(sub(in_role, "actor"), "nameActorSet"), "appellationValue", provenance["owner"])
        _concept(sub(in_role, "roleActor"), t.OWNER_ROLE)
    _write_date(event, provenance["date"], _iso_year(provenance["year_from"]), _iso_year(provenance["year_to"]))
    _write_place(event, provenance["place"])
    _concept(sub(event, "eventMethod"), provenance["method"])
    if provenance["source"]:
        description = sub(event, "eventDescriptionSet", type=t.PROVENANCE_SOURCE_TYPE)
        sub(description, "descriptiveNoteValue", provenance["source"])


def _write_loss(event: etree._Element, record: Record) -> None:
    if record["case_reference"]:
        sub(event, "eventID", record["case_reference"], type=t.CASE_REFERENCE_TYPE)
    _concept(sub(event, "eventType"), "Loss", uri=t.LOSS_EVENT, source=t.LIDO_TERMINOLOGY)
    loss_date = record["loss_date"] or ""
    _write_date(event, loss_date, loss_date, loss_date)
    _write_place(event, record["loss_place"])
    if record["status"] in t.LOSS_METHODS:
        _concept(sub(event, "eventMethod"), t.LOSS_METHODS[record["status"]])
    if record["loss_notes"]:
        sub(sub(event, "eventDescriptionSet", type=t.LOSS_NOTES_TYPE), "descriptiveNoteValue", record["loss_notes"])


def _write_relations(parent: etree._Element, record: Record) -> None:
    if not (record["subject"] or record["related_written_material"] or record["related_objects"]):
        return
    wrap = sub(parent, "objectRelationWrap")
    if record["subject"]:
        sub(sub(sub(wrap, "subjectWrap"), "subjectSet"), "displaySubject", record["subject"])
    if record["related_written_material"] or record["related_objects"]:
        works = sub(wrap, "relatedWorksWrap")
        _write_related(works, record["related_written_material"], t.DOCUMENTED_IN_TERM, t.CRM_DOCUMENTED_IN)
        _write_related(works, record["related_objects"], t.RELATED_OBJECT_TERM, "")


def _write_related(works: etree._Element, text: str, relation: str, uri: str) -> None:
    if text:
        work_set = sub(works, "relatedWorkSet")
        sub(work_set, "displayRelatedWork", text)
        _concept(sub(work_set, "relatedWorkRelType"), relation, uri=uri, source="CIDOC CRM" if uri else "")


def _write_record_wrap(parent: etree._Element, record: Record, record_id: str, publisher: str) -> None:
    wrap = sub(parent, "recordWrap")
    sub(wrap, "recordID", record_id, type=t.LOCAL_ID_TYPE)
    _concept(sub(wrap, "recordType"), "item")
    sub(sub(sub(wrap, "recordSource"), "legalBodyName"), "appellationValue", publisher)
    if record["documented_on"]:
        info = sub(wrap, "recordInfoSet")
        sub(info, "recordMetadataDate", record["documented_on"], type=t.DOCUMENTED_ON_TYPE)


def _write_resources(parent: etree._Element, record: Record) -> None:
    if not record["photos"]:
        return
    wrap = sub(parent, "resourceWrap")
    for photo in record["photos"]:
        _write_photo(sub(wrap, "resourceSet"), photo)


def _write_photo(resource: etree._Element, photo: dict[str, str]) -> None:
    if photo["sha256"]:
        sub(resource, "resourceID", photo["sha256"], type=t.SHA256_TYPE)
    if photo["filename"]:
        sub(resource, "resourceID", photo["filename"], type=t.FILENAME_TYPE)
    if photo["url"]:
        representation = sub(resource, "resourceRepresentation", type=t.IMAGE_MASTER)
        mime_type = mimetypes.guess_type(photo["filename"] or photo["url"])[0]
        sub(representation, "linkResource", photo["url"], **({"formatResource": mime_type} if mime_type else {}))
    _concept(sub(resource, "resourceType"), "photograph")
    if photo["caption"]:
        sub(resource, "resourceDescription", photo["caption"], type=t.CAPTION_TYPE)
