"""Reading lido:lido elements (LIDO 1.0 or 1.1, ours or another system's) back into record dicts."""

from __future__ import annotations

import re
from typing import Any, Iterable
from urllib.parse import unquote, urlsplit

from lxml import etree

from registry.exchange import lido_terms as t
from registry.exchange import lido_vocabulary as words
from registry.exchange.errors import LidoError
from registry.exchange.record import empty_record
from registry.objectid.measurements import LENGTH_UNITS_TO_CM, WEIGHT_UNITS_TO_KG

Record = dict[str, Any]
Element = etree._Element

_DOCUMENTED_IN_TERMS = ("documented", "bibliograph", "literature", "publication", "archive", "reference")
_PREFERRED_IMAGE_TYPES = ("master", "original", "large", "full", "display", "")
_YEAR = re.compile(r"^\s*(-?)0*(\d+)")


def find(element: Element | None, path: str) -> Element | None:
    """The first element at the lido:-prefixed `path` below `element`, or None."""
    return None if element is None else element.find(path, t.NSMAP)


def find_all(element: Element | None, path: str) -> list[Element]:
    """All elements at the lido:-prefixed `path` below `element`."""
    return [] if element is None else element.findall(path, t.NSMAP)


def text_of(element: Element | None) -> str:
    """The text of an element exactly as written ("" when absent or empty)."""
    return "" if element is None or element.text is None else element.text


def type_of(element: Element) -> str:
    """The lido:type of an element, lower-cased ("" when absent)."""
    return (element.get(t.lido("type")) or "").strip().lower()


def concept_text(element: Element | None) -> str:
    """The preferred term of a concept element, or its own text (LIDO 1.0 and 1.1 mixed content)."""
    if element is None:
        return ""
    terms = find_all(element, "lido:term")
    preferred = [term for term in terms if term.get(t.lido("pref")) == "preferred"]
    for term in preferred + terms:
        if text_of(term):
            return text_of(term)
    return text_of(element) if not terms and text_of(element).strip() else ""


def concept_ids(element: Element | None) -> list[str]:
    """The conceptID values of a concept element."""
    return [text_of(concept_id).strip() for concept_id in find_all(element, "lido:conceptID")]


def _join(texts: Iterable[str], separator: str) -> str:
    unique: list[str] = []
    for text in texts:
        if text and text not in unique:
            unique.append(text)
    return separator.join(unique)


def record_label(element: Element, index: int) -> str:
    """How a lido record is named in error messages: its lidoRecID, else its position and line."""
    rec_id = text_of(find(element, "lido:lidoRecID")).strip()
    return f"lidoRecID {rec_id!r}" if rec_id else f"lido record #{index} (line {element.sourceline})"


def read_lido(element: Element, index: int) -> Record:
    """Turn one lido:lido element into a record dict; unknown or missing parts become empty values.

    :raises LidoError: when the record has no object number anywhere a museum writes one.
    """
    return read_lido_with_notes(element, index)[0]


def read_lido_with_notes(element: Element, index: int) -> tuple[Record, list[str]]:
    """One lido:lido element as a record dict, with notes on what was read from an unusual place.

    The object number is the repository's workID; failing that, as collection systems often write it, the
    local recordID, then the last part of the objectPublishedID or lidoRecID (a URL or a path).

    :raises LidoError: when none of these holds an object number; the message names the record.
    """
    record = empty_record()
    descriptive = find(element, "lido:descriptiveMetadata")
    administrative = find(element, "lido:administrativeMetadata")
    identification = find(descriptive, "lido:objectIdentificationWrap")
    record.update(_read_repository(identification))
    notes: list[str] = []
    if not record["object_number"]:
        record["object_number"], source = _object_number_elsewhere(element, administrative, record_label(element, index))
        notes.append(f"{record_label(element, index)}: no lido:workID; the object number {record['object_number']!r} "
                     f"was read from {source}")
    record.update(_read_classification(find(descriptive, "lido:objectClassificationWrap")))
    record.update(_read_identification(identification))
    record.update(_read_events(find(descriptive, "lido:eventWrap"), identification, record["status"]))
    record.update(_read_relations(find(descriptive, "lido:objectRelationWrap")))
    record.update(_read_administrative(administrative))
    return record, notes


def _read_repository(identification: Element | None) -> Record:
    repositories = find_all(identification, "lido:repositoryWrap/lido:repositorySet")
    current = [r for r in repositories if type_of(r) in ("", t.CURRENT_REPOSITORY)] + repositories
    for repository in current:
        work_ids = find_all(repository, "lido:workID")
        numbered = [w for w in work_ids if _is_inventory_type(type_of(w))] + work_ids
        number = next((text_of(w) for w in numbered if text_of(w).strip()), "")
        if number:
            name = find(repository, "lido:repositoryName/lido:legalBodyName/lido:appellationValue")
            return {"institution": text_of(name), "object_number": number}
    names = [find(r, "lido:repositoryName/lido:legalBodyName/lido:appellationValue") for r in current]
    return {"institution": next((text_of(n) for n in names if text_of(n).strip()), ""), "object_number": ""}


def _is_inventory_type(kind: str) -> bool:
    return any(word in kind for word in words.INVENTORY_TYPE_WORDS)


def _object_number_elsewhere(element: Element, administrative: Element | None, label: str) -> tuple[str, str]:
    record_ids = find_all(administrative, "lido:recordWrap/lido:recordID")
    local = [r for r in record_ids if type_of(r) == t.LOCAL_ID_TYPE or _is_inventory_type(type_of(r))]
    for record_id in local:
        if text_of(record_id).strip():
            return text_of(record_id).strip(), "lido:recordWrap/lido:recordID (type local)"
    for path in ("lido:objectPublishedID", "lido:lidoRecID"):
        for identifier in find_all(element, path):
            number = last_part(text_of(identifier))
            if number:
                return number, f"the end of {path} {text_of(identifier).strip()!r}"
    raise LidoError(
        f"{label} has no object number: add a lido:workID (lido:type=\"inventory number\") in "
        "lido:descriptiveMetadata/lido:objectIdentificationWrap/lido:repositoryWrap/lido:repositorySet, "
        "or a lido:recordID lido:type=\"local\" in lido:recordWrap"
    )


def last_part(identifier: str) -> str:
    """The last part of an identifier written as a URL, a path or a URN: the object number it ends with.

    https://museum.example/collection/object/SK-A-1505 -> SK-A-1505; DE-Mb112/lido-obj00154983 -> lido-obj00154983.
    """
    text = identifier.strip()
    if "://" in text:
        text = urlsplit(text).path
    parts = [part for part in re.split(r"[/:]", text.rstrip("/")) if part.strip()]
    return unquote(parts[-1]).strip() if parts else ""


def _read_classification(wrap: Element | None) -> Record:
    work_types = find_all(wrap, "lido:objectWorkTypeWrap/lido:objectWorkType")
    categories = [c for c in find_all(wrap, "lido:classificationWrap/lido:classification")
                  if type_of(c) == t.RED_LIST_TYPE.lower()]
    return {
        "object_type": _join((concept_text(w) for w in work_types), "; "),
        "red_list_categories": [concept_text(c) for c in categories if concept_text(c)],
    }


def _read_identification(identification: Element | None) -> Record:
    descriptions = find_all(identification, "lido:objectDescriptionWrap/lido:objectDescriptionSet")
    by_type: dict[str, list[str]] = {}
    for description in descriptions:
        kind = type_of(description)
        key = kind if kind in (t.FEATURES_TYPE, t.STATUS_TYPE.lower()) else t.DESCRIPTION_TYPE
        by_type.setdefault(key, []).append(text_of(find(description, "lido:descriptiveNoteValue")))
    return {
        "title": _read_title(identification),
        "inscriptions": _read_inscriptions(identification),
        "description": _join(by_type.get(t.DESCRIPTION_TYPE, []), "\n\n"),
        "distinguishing_features": _join(by_type.get(t.FEATURES_TYPE, []), "\n\n"),
        "status": by_type[t.STATUS_TYPE.lower()][0] if t.STATUS_TYPE.lower() in by_type else None,
        **_read_measurements(identification),
    }


def _read_title(identification: Element | None) -> str:
    for title_set in find_all(identification, "lido:titleWrap/lido:titleSet"):
        if type_of(title_set) == t.UNTITLED_TYPE:
            continue
        values = find_all(title_set, "lido:appellationValue")
        preferred = [v for v in values if v.get(t.lido("pref")) == "preferred"]
        return text_of((preferred + values)[0]) if values else ""
    return ""


def _read_inscriptions(identification: Element | None) -> str:
    texts = []
    for inscription in find_all(identification, "lido:inscriptionsWrap/lido:inscriptions"):
        texts.append(text_of(find(inscription, "lido:inscriptionTranscription")))
        texts.append(text_of(find(inscription, "lido:inscriptionDescription/lido:descriptiveNoteValue")))
    return _join(texts, "\n")


def _read_measurements(identification: Element | None) -> Record:
    sets = find_all(identification, "lido:objectMeasurementsWrap/lido:objectMeasurementsSet")
    values: Record = {}
    for measurement in find_all(sets[0] if sets else None, "lido:objectMeasurements/lido:measurementsSet"):
        key, value = _read_dimension(measurement)
        if key and key not in values:
            values[key] = value
    display = (text_of(find(s, "lido:displayObjectMeasurements")) for s in sets)
    return {"measurements_text": _join(display, "; "), **values}


def _read_dimension(measurement: Element) -> tuple[str | None, float | None]:
    key = _term_meaning(find(measurement, "lido:measurementType"), words.DIMENSION_WORDS)
    unit = _term_meaning(find(measurement, "lido:measurementUnit"), words.UNIT_WORDS)
    try:
        value = float(text_of(find(measurement, "lido:measurementValue")).strip().replace(",", "."))
    except ValueError:
        return None, None
    table = WEIGHT_UNITS_TO_KG if key == "weight_kg" else LENGTH_UNITS_TO_CM
    target = "kg" if key == "weight_kg" else "cm"
    if key is None or unit is None or unit not in table:
        return None, None
    return key, value if unit == target else round(value * table[unit], 6)


def _term_meaning(concept: Element | None, table: dict[str, str]) -> str | None:
    """What a concept means in `table`, from its preferred term or any of its terms (in any language)."""
    candidates = [concept_text(concept)] + [text_of(term) for term in find_all(concept, "lido:term")]
    return next((meaning for word in candidates if (meaning := words.look_up(table, word))), None)


def _read_events(wrap: Element | None, identification: Element | None, status: str | None) -> Record:
    events = find_all(wrap, "lido:eventSet/lido:event")
    production = next((e for e in events if _event_kind(e) == "production"), None)
    loss = next((e for e in events if _event_kind(e) == "loss"), None)
    record = _read_production(production, identification)
    record.update(_read_loss(loss, status))
    record["provenance"] = [_read_acquisition(e) for e in events if _event_kind(e) == "acquisition"]
    return record


def _event_kind(event: Element) -> str:
    event_type = find(event, "lido:eventType")
    uris = concept_ids(event_type)
    if t.LOSS_EVENT in uris or words.loss_status(_event_words(event)):
        return "loss"
    if t.PRODUCTION_EVENT in uris or t.CREATION_EVENT in uris or words.is_production(_event_words(event)):
        return "production"
    if t.ACQUISITION_EVENT in uris or words.is_acquisition(_event_words(event)):
        return "acquisition"
    return ""


def _event_words(event: Element) -> set[str]:
    event_type = find(event, "lido:eventType")
    return {concept_text(event_type)} | {text_of(x) for x in find_all(event_type, "lido:term")}


def _read_production(event: Element | None, identification: Element | None) -> Record:
    actor = find(event, "lido:eventActor")
    in_role = find(actor, "lido:actorInRole")
    if in_role is not None:
        maker = text_of(find(in_role, "lido:actor/lido:nameActorSet/lido:appellationValue"))
    else:
        maker = text_of(find(actor, "lido:displayActorInRole"))
    earliest, latest = _read_date_range(event)
    materials_tech = find_all(event, "lido:eventMaterialsTech") or find_all(
        identification, "lido:objectMaterialsTechWrap/lido:objectMaterialsTechSet")
    return {
        "maker": maker,
        "maker_qualifier": concept_text(find(in_role, "lido:attributionQualifierActor")),
        "date_period": text_of(find(event, "lido:eventDate/lido:displayDate")),
        "year_from": _year(earliest),
        "year_to": _year(latest),
        "place_of_origin": _read_place(event),
        **_read_materials_tech(materials_tech),
    }


def _read_acquisition(event: Element) -> Record:
    """A provenance event from a LIDO Acquisition (or Provenance) event; a way of acquiring this registry does not
    know is kept in the source's text, as "unknown" says nothing of it."""
    actor = find(event, "lido:eventActor")
    owner = text_of(find(actor, "lido:actorInRole/lido:actor/lido:nameActorSet/lido:appellationValue")) or text_of(
        find(actor, "lido:displayActorInRole"))
    earliest, latest = _read_date_range(event)
    display = text_of(find(event, "lido:eventDate/lido:displayDate"))
    stated = concept_text(find(event, "lido:eventMethod"))
    method = words.look_up(words.ACQUISITION_METHODS, stated) if stated else "unknown"
    described = find_all(event, "lido:eventDescriptionSet")
    typed = [d for d in described if type_of(d) == t.PROVENANCE_SOURCE_TYPE] or described
    source = _join((text_of(find(d, "lido:descriptiveNoteValue")) for d in typed), "\n\n")
    if method is None:
        method, source = "unknown", _join((source, f"acquired by: {stated}"), "\n\n")
    return {
        "owner": owner,
        "place": _read_place(event),
        "date": display or _join(dict.fromkeys(x for x in (earliest, latest) if x), "/"),
        "year_from": _year(earliest),
        "year_to": _year(latest),
        "method": method,
        "source": source,
    }


def _read_date_range(event: Element | None) -> tuple[str, str]:
    date = find(event, "lido:eventDate/lido:date")
    return text_of(find(date, "lido:earliestDate")), text_of(find(date, "lido:latestDate"))


def _year(text: str) -> int | None:
    match = _YEAR.match(text)
    if not match:
        return None
    return -int(match.group(2)) if match.group(1) else int(match.group(2))


def _read_place(event: Element | None) -> str:
    place = find(event, "lido:eventPlace")
    display = find(place, "lido:displayPlace")
    if display is not None:
        return text_of(display)
    return text_of(find(place, "lido:place/lido:namePlaceSet/lido:appellationValue"))


def _read_materials_tech(sets: list[Element]) -> Record:
    materials: list[str] = []
    techniques: list[str] = []
    terms = [term for s in sets for term in find_all(s, "lido:materialsTech/lido:termMaterialsTech")]
    for term in terms:
        kind = type_of(term)
        if any(word in kind for word in words.TECHNIQUE_TYPE_WORDS):
            techniques.append(concept_text(term))
        elif any(word in kind for word in words.MATERIAL_TYPE_WORDS) or not kind:
            materials.append(concept_text(term))
    if not terms:
        materials = [text_of(find(s, "lido:displayMaterialsTech")) for s in sets]
    return {"materials": _join(materials, "; "), "techniques": _join(techniques, "; ")}


def _read_loss(event: Element | None, status: str | None) -> Record:
    """The loss details; the status, when the record states none, follows from the Loss event's method."""
    if event is None:
        return {"status": status or ""}
    event_ids = find_all(event, "lido:eventID")
    case = [i for i in event_ids if type_of(i) == t.CASE_REFERENCE_TYPE] + event_ids
    earliest, _ = _read_date_range(event)
    method = concept_text(find(event, "lido:eventMethod")).strip().lower()
    stated = t.STATUS_FROM_METHOD.get(method) or words.loss_status({method} | _event_words(event)) or "missing"
    return {
        "status": status if status is not None else stated,
        "case_reference": text_of(case[0]) if case else "",
        "loss_date": earliest or text_of(find(event, "lido:eventDate/lido:displayDate")) or None,
        "loss_place": _read_place(event),
        "loss_notes": _join((text_of(find(d, "lido:descriptiveNoteValue"))
                             for d in find_all(event, "lido:eventDescriptionSet")), "\n\n"),
    }


def _read_relations(wrap: Element | None) -> Record:
    subjects = [_read_subject(s) for s in find_all(wrap, "lido:subjectWrap/lido:subjectSet")]
    written: list[str] = []
    related: list[str] = []
    for work_set in find_all(wrap, "lido:relatedWorksWrap/lido:relatedWorkSet"):
        relation = find(work_set, "lido:relatedWorkRelType")
        words = " ".join([concept_text(relation), *concept_ids(relation)]).lower()
        target = written if any(word in words for word in _DOCUMENTED_IN_TERMS) else related
        target.append(_read_related_work(work_set))
    return {
        "subject": _join(subjects, "; "),
        "related_written_material": _join(written, "\n"),
        "related_objects": _join(related, "\n"),
    }


def _read_subject(subject_set: Element) -> str:
    display = find(subject_set, "lido:displaySubject")
    if display is not None:
        return text_of(display)
    concepts = find_all(subject_set, "lido:subject/lido:subjectConcept")
    return _join((concept_text(c) for c in concepts), "; ")


def _read_related_work(work_set: Element) -> str:
    for path in ("lido:displayRelatedWork", "lido:relatedWork/lido:displayObject",
                 "lido:relatedWork/lido:object/lido:objectName/lido:appellationValue",
                 "lido:relatedWork/lido:object/lido:objectID",
                 "lido:relatedWork/lido:object/lido:objectWebResource"):
        element = find(work_set, path)
        if element is not None:
            return text_of(element)
    return ""


def _read_administrative(administrative: Element | None) -> Record:
    dates = find_all(administrative, "lido:recordWrap/lido:recordInfoSet/lido:recordMetadataDate")
    documented = [d for d in dates if type_of(d) == t.DOCUMENTED_ON_TYPE] + dates
    return {
        "documented_on": (text_of(documented[0]) if documented else "") or None,
        "photos": [_read_photo(r) for r in find_all(administrative, "lido:resourceWrap/lido:resourceSet")],
    }


def _read_photo(resource: Element) -> dict[str, str]:
    ids = {type_of(i): text_of(i) for i in reversed(find_all(resource, "lido:resourceID"))}
    descriptions = find_all(resource, "lido:resourceDescription")
    captions = [d for d in descriptions if type_of(d) == t.CAPTION_TYPE] + descriptions
    return {
        "url": _image_link(resource),
        "sha256": ids.get(t.SHA256_TYPE, ""),
        "filename": ids.get(t.FILENAME_TYPE, ""),
        "caption": text_of(captions[0]) if captions else "",
    }


def _image_link(resource: Element) -> str:
    """The link of a resource's largest image: its master or original representation before any thumbnail."""
    representations = find_all(resource, "lido:resourceRepresentation")
    links = [(type_of(r), text_of(find(r, "lido:linkResource")).strip()) for r in representations]
    links = [(kind, link) for kind, link in links if link]
    for preferred in _PREFERRED_IMAGE_TYPES:
        for kind, link in links:
            if preferred in kind and "thumb" not in kind:
                return link
    return links[0][1] if links else ""
