"""The Check an object form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, FloatField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from registry.objectid.measurements import LENGTH_UNITS_TO_CM, WEIGHT_UNITS_TO_KG

_positive = [Optional(), NumberRange(min=0.0001, message=_l("Enter a positive number."))]


class CheckForm(FlaskForm):
    """Photos of the suspect object, and whatever is known of it."""

    photos = MultipleFileField(_l("Photos of the object"), description=_l("One or more photos; on a phone you can take them with the camera."))
    description = TextAreaField(_l("What you can see"), validators=[Length(max=5000)],
                                description=_l("Optional: inscriptions, marks, damage, anything that may identify it."))
    object_type = StringField(_l("Type of object"), validators=[Length(max=200)])
    materials = StringField(_l("Materials"), validators=[Length(max=500)])
    height = FloatField(_l("Height"), validators=_positive)
    width = FloatField(_l("Width"), validators=_positive)
    depth = FloatField(_l("Depth"), validators=_positive)
    diameter = FloatField(_l("Diameter"), validators=_positive)
    length_unit = SelectField(_l("Length unit"), choices=[SelectChoice(u) for u in LENGTH_UNITS_TO_CM], default="cm")
    weight = FloatField(_l("Weight"), validators=_positive)
    weight_unit = SelectField(_l("Weight unit"), choices=[SelectChoice(u) for u in WEIGHT_UNITS_TO_KG], default="kg")
    all_statuses = BooleanField(_l("Search every record, not only objects reported stolen, missing or looted"),
                                description=_l("Museums use this to find duplicates in their own inventory."))
