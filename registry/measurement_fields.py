"""The measurement fields shared by the register/edit and check forms, entered in a chosen unit and read in cm/kg."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional

from registry.objectid.measurements import LENGTH_UNITS_TO_CM, WEIGHT_UNITS_TO_KG, from_cm, from_kg, to_cm, to_kg

LENGTHS = ("height", "width", "depth", "diameter")
_positive = [Optional(), NumberRange(min=0.0001, message=_l("Enter a positive number."))]


class MeasurementFields(FlaskForm):
    """Height, width, depth, diameter and weight, each in the unit the person picks."""

    height = FloatField(_l("Height"), validators=_positive)
    width = FloatField(_l("Width"), validators=_positive)
    depth = FloatField(_l("Depth"), validators=_positive)
    diameter = FloatField(_l("Diameter"), validators=_positive)
    length_unit = SelectField(_l("Length unit"), choices=[SelectChoice(unit) for unit in LENGTH_UNITS_TO_CM], default="cm")
    weight = FloatField(_l("Weight"), validators=_positive)
    weight_unit = SelectField(_l("Weight unit"), choices=[SelectChoice(unit) for unit in WEIGHT_UNITS_TO_KG], default="kg")

    def measurements_in_cm_kg(self) -> dict[str, Any]:
        """height_cm ... diameter_cm and weight_kg from what was entered (None where left blank)."""
        values: dict[str, Any] = {f"{name}_cm": to_cm(self[name].data, self.length_unit.data) for name in LENGTHS}
        values["weight_kg"] = to_kg(self.weight.data, self.weight_unit.data)
        return values

    def show_measurements(self, record) -> None:
        """Fill the fields from a record's cm/kg values, in the units it was entered in."""
        for name in LENGTHS:
            self[name].data = from_cm(getattr(record, f"{name}_cm"), record.length_unit)
        self.weight.data = from_kg(record.weight_kg, record.weight_unit)
