"""The Check an object form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, FloatField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from registry.objectid.measurements import LENGTH_UNITS_TO_CM, WEIGHT_UNITS_TO_KG

_positive = [Optional(), NumberRange(min=0.0001, message="Enter a positive number.")]


class CheckForm(FlaskForm):
    """Photos of the suspect object, and whatever is known of it."""

    photos = MultipleFileField("Photos of the object", description="One or more photos; on a phone you can take them with the camera.")
    description = TextAreaField("What you can see", validators=[Length(max=5000)],
                                description="Optional: inscriptions, marks, damage, anything that may identify it.")
    object_type = StringField("Type of object", validators=[Length(max=200)])
    materials = StringField("Materials", validators=[Length(max=500)])
    height = FloatField("Height", validators=_positive)
    width = FloatField("Width", validators=_positive)
    depth = FloatField("Depth", validators=_positive)
    diameter = FloatField("Diameter", validators=_positive)
    length_unit = SelectField("Length unit", choices=[SelectChoice(u) for u in LENGTH_UNITS_TO_CM], default="cm")
    weight = FloatField("Weight", validators=_positive)
    weight_unit = SelectField("Weight unit", choices=[SelectChoice(u) for u in WEIGHT_UNITS_TO_KG], default="kg")
    all_statuses = BooleanField("Search every record, not only objects reported stolen, missing or looted",
                                description="Museums use this to find duplicates in their own inventory.")
