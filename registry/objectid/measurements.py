"""Measurements: unit conversion to cm and kg, and reading measurements written as free text."""

from __future__ import annotations

import re

LENGTH_UNITS_TO_CM: dict[str, float] = {"mm": 0.1, "cm": 1.0, "m": 100.0, "in": 2.54}
WEIGHT_UNITS_TO_KG: dict[str, float] = {"g": 0.001, "kg": 1.0, "lb": 0.45359237, "oz": 0.028349523125}

_DIMENSION_WORDS: dict[str, str] = {
    "h": "height_cm", "height": "height_cm", "haut": "height_cm", "hauteur": "height_cm", "alto": "height_cm", "altura": "height_cm",
    "w": "width_cm", "width": "width_cm", "l": "width_cm", "length": "width_cm", "larg": "width_cm", "largeur": "width_cm", "ancho": "width_cm",
    "d": "depth_cm", "depth": "depth_cm", "prof": "depth_cm", "profondeur": "depth_cm", "profundidad": "depth_cm",
    "diam": "diameter_cm", "diameter": "diameter_cm", "dia": "diameter_cm", "diamètre": "diameter_cm", "diámetro": "diameter_cm", "ø": "diameter_cm",
    "weight": "weight_kg", "wt": "weight_kg", "poids": "weight_kg", "peso": "weight_kg",
}
_UNIT = r"(?:(mm|cm|m|inches|inch|in|kg|g|lbs|lb|oz)\b)"
_LABELLED = re.compile(
    r"(?P<word>[a-zA-Zøéèáí]+)\.?\s*[:=]?\s*(?P<value>\d+(?:[.,]\d+)?)\s*" + _UNIT + "?", re.IGNORECASE
)
_TRIPLE = re.compile(
    r"(?P<a>\d+(?:[.,]\d+)?)\s*[x×]\s*(?P<b>\d+(?:[.,]\d+)?)(?:\s*[x×]\s*(?P<c>\d+(?:[.,]\d+)?))?\s*" + _UNIT,
    re.IGNORECASE,
)
_UNIT_ALIASES = {"inch": "in", "inches": "in", "lbs": "lb"}


def to_cm(value: float | None, unit: str) -> float | None:
    """Convert a length in `unit` (mm, cm, m, in) to centimetres."""
    if value is None:
        return None
    return round(value * LENGTH_UNITS_TO_CM[unit], 4)


def from_cm(value_cm: float | None, unit: str) -> float | None:
    """Convert a length in centimetres to `unit` for display."""
    if value_cm is None:
        return None
    return round(value_cm / LENGTH_UNITS_TO_CM[unit], 3)


def to_kg(value: float | None, unit: str) -> float | None:
    """Convert a weight in `unit` (g, kg, lb, oz) to kilograms."""
    if value is None:
        return None
    return round(value * WEIGHT_UNITS_TO_KG[unit], 6)


def from_kg(value_kg: float | None, unit: str) -> float | None:
    """Convert a weight in kilograms to `unit` for display."""
    if value_kg is None:
        return None
    return round(value_kg / WEIGHT_UNITS_TO_KG[unit], 3)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _normalise(value: float, unit: str | None, field: str) -> float | None:
    unit = _UNIT_ALIASES.get((unit or "").lower(), (unit or "").lower())
    if field == "weight_kg":
        return to_kg(value, unit or "kg") if (unit or "kg") in WEIGHT_UNITS_TO_KG else None
    unit = unit or "cm"
    return to_cm(value, unit) if unit in LENGTH_UNITS_TO_CM else None


def parse_measurements(text: str) -> dict[str, float]:
    """Read measurements written as text into normalised numbers.

    Understands labelled values ("H 23 cm; W 10.5 cm; Diam. 4 cm; 1.2 kg") and
    "23 x 10 x 5 cm" (height x width x depth). Lengths without a unit are taken as cm.

    :param text: the measurements as a person wrote them.
    :return: a mapping of height_cm, width_cm, depth_cm, diameter_cm, weight_kg to values found.
    """
    found: dict[str, float] = {}
    if not text:
        return found
    triple = _TRIPLE.search(text)
    if triple:
        unit = triple.group(4)
        for field, group in (("height_cm", "a"), ("width_cm", "b"), ("depth_cm", "c")):
            if triple.group(group):
                value = _normalise(_number(triple.group(group)), unit, field)
                if value is not None:
                    found[field] = value
    for match in _LABELLED.finditer(text):
        field = _DIMENSION_WORDS.get(match.group("word").lower())
        unit = match.group(3)
        if field is None and unit and unit.lower() in ("kg", "g", "lb", "lbs", "oz"):
            field = "weight_kg"
        if field is None or field in found:
            continue
        value = _normalise(_number(match.group("value")), unit, field)
        if value is not None:
            found[field] = value
    for match in re.finditer(r"(\d+(?:[.,]\d+)?)\s*(kg|g|lbs?|oz)\b", text, re.IGNORECASE):
        found.setdefault("weight_kg", _normalise(_number(match.group(1)), match.group(2), "weight_kg"))
    return found
