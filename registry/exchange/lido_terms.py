"""The LIDO namespace, element helpers and the type values this registry writes and recognises."""

from __future__ import annotations

from lxml import etree

LIDO_NS = "http://www.lido-schema.org"
NSMAP = {"lido": LIDO_NS}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LIDO_TERMINOLOGY = "LIDO Terminology"

# LIDO Terminology URIs (http://terminology.lido-schema.org/).
URI_ID_TYPE = "http://terminology.lido-schema.org/lido00099"
PRODUCTION_EVENT = "http://terminology.lido-schema.org/lido00007"
CREATION_EVENT = "http://terminology.lido-schema.org/lido00012"
LOSS_EVENT = "http://terminology.lido-schema.org/lido00009"
ACQUISITION_EVENT = "http://terminology.lido-schema.org/lido00001"
CRM_HUMAN_MADE_OBJECT = "http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object"
CRM_DOCUMENTED_IN = "http://www.cidoc-crm.org/cidoc-crm/P70i_is_documented_in"

# Values of lido:type written by this registry (read back to tell elements apart).
LOCAL_ID_TYPE = "local"
INVENTORY_NUMBER = "inventory number"
CURRENT_REPOSITORY = "current"
TITLE_TYPE = "title"
UNTITLED_TYPE = "untitled"
RED_LIST_TYPE = "Red List category"
DESCRIPTION_TYPE = "description"
FEATURES_TYPE = "distinguishing features"
STATUS_TYPE = "Object ID status"
MATERIAL_TYPE = "material"
TECHNIQUE_TYPE = "technique"
CASE_REFERENCE_TYPE = "case reference"
LOSS_NOTES_TYPE = "loss notes"
PROVENANCE_SOURCE_TYPE = "provenance source"
OWNER_ROLE = "owner"
DOCUMENTED_ON_TYPE = "documented on"
SHA256_TYPE = "sha256"
FILENAME_TYPE = "filename"
CAPTION_TYPE = "caption"
IMAGE_MASTER = "image_master"
DOCUMENTED_IN_TERM = "is documented in"
RELATED_OBJECT_TERM = "related object"

# The Object ID status of a lost object, as the method of the LIDO Loss event, and back.
LOSS_METHODS: dict[str, str] = {"stolen": "theft", "looted": "looting", "missing": "disappearance"}
STATUS_FROM_METHOD: dict[str, str] = {method: status for status, method in LOSS_METHODS.items()}

# Dimension keys of a record, with the LIDO measurementType and measurementUnit written for them.
DIMENSIONS: dict[str, tuple[str, str]] = {
    "height_cm": ("height", "cm"),
    "width_cm": ("width", "cm"),
    "depth_cm": ("depth", "cm"),
    "diameter_cm": ("diameter", "cm"),
    "weight_kg": ("weight", "kg"),
}


def lido(name: str) -> str:
    """The Clark name ({namespace}name) of a LIDO element or attribute."""
    return f"{{{LIDO_NS}}}{name}"


def sub(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    """Append a LIDO element to `parent`, with optional text and lido:-qualified attributes."""
    element = etree.SubElement(parent, lido(name))
    if text is not None:
        element.text = text
    for key, value in attributes.items():
        element.set(lido(key), value)
    return element
