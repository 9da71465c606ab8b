"""The Check an object form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length

from registry.measurement_fields import MeasurementFields


class CheckForm(MeasurementFields):
    """Photos of the suspect object, and whatever is known of it."""

    photos = MultipleFileField(_l("Photos of the object"), description=_l("One or more photos: taken with the camera, saved, or screenshots of an online sale."))
    description = TextAreaField(_l("What you can see"), validators=[Length(max=5000)],
                                description=_l("Optional: inscriptions, marks, damage, anything that may identify it."))
    object_type = StringField(_l("Type of object"), validators=[Length(max=200)])
    materials = StringField(_l("Materials"), validators=[Length(max=500)])
    all_statuses = BooleanField(_l("Search every record, not only objects reported stolen, missing or looted"),
                                description=_l("Museums use this to find duplicates in their own inventory."))
