"""LIDO XML exchange: records to LIDO 1.1, LIDO 1.0/1.1 to records, XSD validation (mapping: LIDO_MAPPING.md)."""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from registry.clean_text import strip_forbidden_in
from registry.exchange import lido_terms as t
from registry.exchange.errors import ExchangeError, LidoError, LidoSchemaNotFound
from registry.exchange.lido_export import append_lido, lido_record_id
from registry.exchange.lido_import import read_lido_with_notes, record_label
from registry.exchange.record import normalize_record

__all__ = ["LidoError", "LidoReading", "LidoSchemaNotFound", "find_schema", "lido_to_records", "read_lido_document",
           "records_to_lido", "validate_lido"]

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCHEMA_PATH = REPO_ROOT.parent / "shared" / "lido" / "lido-v1.1.xsd"
SCHEMA_ENV_VAR = "REGISTRY_LIDO_XSD"
_VALIDATION_LOCK = threading.Lock()
log = logging.getLogger(__name__)
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY\s+(?:%\s+)?([^\s>]+)")
# Namespaces some systems write for LIDO 1.0 or 1.1 instead of the schemas' own (read as if they were it).
_NAMESPACE_VARIANTS = frozenset({"http://www.lido-schema.org/", "https://www.lido-schema.org",
                                 "https://www.lido-schema.org/", "http://lido-schema.org", "https://lido-schema.org",
                                 "http://www.lido-schema.org/schema/v1.0", "http://www.lido-schema.org/schema/v1.1"})


@dataclass
class LidoReading:
    """One lido:lido element of a document as read: its record, or why it could not be read, and notes."""

    position: int
    label: str
    record: dict[str, Any] | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)


def records_to_lido(records: list[dict[str, Any]], publisher: str = "Object ID Registry", lang: str = "und") -> bytes:
    """Write records as one LIDO 1.1 lido:lidoWrap document (UTF-8 bytes), one lido:lido per record.

    :param records: record dicts (see registry/exchange/record.py); missing keys count as empty.
    :param publisher: the body named as the record source and lidoRecID source.
    :param lang: xml:lang of the descriptive and administrative metadata ("und": the records' languages vary).
    :raises LidoError: for a record without an object number, or a non-numeric measurement or year; the message
        names the record. Characters XML cannot carry (control characters) are left out, and the record logged.
    """
    wrap = etree.Element(t.lido("lidoWrap"), nsmap=t.NSMAP)
    for index, record in enumerate(records, start=1):
        append_lido(wrap, _normalized(record, index), publisher, lang)
    return etree.tostring(wrap, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _normalized(record: dict[str, Any], index: int) -> dict[str, Any]:
    try:
        normalized = normalize_record(record)
    except ExchangeError as error:
        raise LidoError(str(error)) from None
    normalized, fields = strip_forbidden_in(normalized)
    if fields:
        log.warning("LIDO record %s: characters XML 1.0 forbids left out of %s", lido_record_id(normalized), ", ".join(fields))
    if not normalized["object_number"].strip():
        raise LidoError(f"record #{index} has no object number; LIDO needs one (lido:workID) to identify the object")
    return normalized


def lido_to_records(data: bytes) -> list[dict[str, Any]]:
    """Read a LIDO 1.0 or 1.1 document (a lido:lidoWrap or a single lido:lido) into record dicts.

    Parts the registry does not know, or that are missing, become empty values ("" / None / []).

    :param data: the XML document as bytes.
    :raises LidoError: for malformed or hostile XML (entity declarations), a root that is not LIDO,
        or a record without an object number; the message names the line or the record.
    """
    readings = read_lido_document(data)
    for reading in readings:
        if reading.error:
            raise LidoError(reading.error)
    return [reading.record for reading in readings]  # type: ignore[misc]


def read_lido_document(data: bytes) -> list[LidoReading]:
    """Read every lido:lido of a document (a lido:lidoWrap, or one lido:lido as root) on its own.

    A record that cannot be read (no object number anywhere) is a reading with an error; the others are read.

    :raises LidoError: for a document that cannot be read at all: malformed or hostile XML, a root that is not LIDO.
    """
    root = _canonical_namespace(parse_lido(data))
    if root.tag == t.lido("lido"):
        elements = [root]
    elif root.tag == t.lido("lidoWrap"):
        elements = root.findall("lido:lido", t.NSMAP)
    else:
        raise LidoError(
            f"the document's root element is {root.tag!r}, not lido:lidoWrap or lido:lido "
            f"in the namespace {t.LIDO_NS}; is this a LIDO file?"
        )
    return [_reading(element, index) for index, element in enumerate(elements, start=1)]


def _reading(element: etree._Element, index: int) -> LidoReading:
    label = record_label(element, index)
    try:
        record, notes = read_lido_with_notes(element, index)
    except LidoError as error:
        return LidoReading(index, label, error=str(error))
    return LidoReading(index, label, record=record, notes=notes)


def _canonical_namespace(root: etree._Element) -> etree._Element:
    """The tree with a variant LIDO namespace (https, a trailing slash, a version path) renamed to LIDO's own."""
    namespace = etree.QName(root).namespace
    if namespace not in _NAMESPACE_VARIANTS:
        return root
    prefix = f"{{{namespace}}}"
    for element in root.iter(etree.Element):
        if element.tag.startswith(prefix):
            element.tag = t.lido(element.tag[len(prefix):])
        for name in [name for name in element.attrib if name.startswith(prefix)]:
            element.set(t.lido(name[len(prefix):]), element.attrib.pop(name))
    etree.cleanup_namespaces(root)
    return root


def parse_lido(data: bytes) -> etree._Element:
    """Parse XML safely (no entity expansion, no network, no huge trees) and return its root element.

    :raises LidoError: when the data is empty, not well-formed, or its DOCTYPE declares entities.
    """
    if not isinstance(data, bytes):
        raise TypeError("LIDO data must be bytes (the file's raw content), not " + type(data).__name__)
    if not data.strip():
        raise LidoError("the LIDO file is empty")
    _reject_entity_declarations(data)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise LidoError(f"the LIDO file is not well-formed XML (line {error.lineno}): {error.msg}") from None
    _reject_entities(root)
    return root


def _reject_entity_declarations(data: bytes) -> None:
    # Checked before parsing: libxml2 would otherwise stop a 'billion laughs' with a baffling message.
    # Dropping NUL bytes makes UTF-16 text searchable as ASCII.
    text = data.replace(b"\0", b"")
    start = text.find(b"<!DOCTYPE")
    if start < 0:
        return
    end = text.find(b"]>", start)
    names = _ENTITY_DECLARATION.findall(text[start:] if end < 0 else text[start:end])
    if names:
        _raise_entities([name.decode("ascii", "replace") for name in names])


def _reject_entities(root: etree._Element) -> None:
    dtd = root.getroottree().docinfo.internalDTD
    entities = [entity.name for entity in dtd.iterentities()] if dtd is not None else []
    if entities:
        _raise_entities(entities)


def _raise_entities(names: list[str]) -> None:
    raise LidoError(
        f"the LIDO file declares XML entities in its DOCTYPE ({', '.join(names[:5])}); entity declarations "
        "are refused because they can be used to attack the server (e.g. 'billion laughs'). "
        "LIDO needs no DOCTYPE: remove it and send the file again"
    )


def find_schema(schema_path: str | os.PathLike[str] | None = None) -> Path:
    """The LIDO 1.1 XSD to validate against: `schema_path`, else $REGISTRY_LIDO_XSD, else ../shared/lido/.

    :raises LidoSchemaNotFound: naming where the schema files should be put.
    """
    chosen = schema_path or os.environ.get(SCHEMA_ENV_VAR) or DEFAULT_SCHEMA_PATH
    path = Path(chosen).expanduser()
    if not path.is_file():
        raise LidoSchemaNotFound(
            f"the LIDO XML Schema was not found at {path}. Put the official LIDO 1.1 schema files "
            f"(lido-v1.1.xsd with xml.xsd and gml/, from https://lido-schema.org or github.com/nfdi4objects/"
            f"lido-schema) in {DEFAULT_SCHEMA_PATH.parent}, or set {SCHEMA_ENV_VAR} to the path of lido-v1.1.xsd"
        )
    return path.resolve()


@functools.lru_cache(maxsize=4)
def _load_schema(path: Path) -> etree.XMLSchema:
    # Imported schemas (xml.xsd, gml/) are found beside the XSD; the network is never used.
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(path), parser))


def validate_lido(data: bytes, schema_path: str | os.PathLike[str] | None = None) -> list[str]:
    """Validate a LIDO document against the LIDO XML Schema; return the errors (an empty list means valid).

    :param data: the XML document as bytes.
    :param schema_path: the XSD; by default $REGISTRY_LIDO_XSD or ../shared/lido/lido-v1.1.xsd.
    :raises LidoError: when the data cannot be parsed at all (malformed or hostile XML).
    :raises LidoSchemaNotFound: when no schema file is available.
    """
    schema = _load_schema(find_schema(schema_path))
    root = parse_lido(data)
    with _VALIDATION_LOCK:
        if schema.validate(root):
            return []
        return [f"line {error.line}: {error.message}" for error in schema.error_log]
