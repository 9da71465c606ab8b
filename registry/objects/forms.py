"""Forms for registering, editing, reporting and searching Object ID records."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectChoice, DateField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from registry.objectid.measurements import LENGTH_UNITS_TO_CM, WEIGHT_UNITS_TO_KG
from registry.objectid.standard import MAKER_QUALIFIERS, STATUS_LABELS

STATUS_CHOICES = [SelectChoice(value, label) for value, label in STATUS_LABELS.items()]
_positive = [Optional(), NumberRange(min=0.0001, message="Enter a positive number.")]
_year = [Optional(), NumberRange(min=-10000, max=2100, message="Enter a year between -10000 (BCE) and 2100.")]


class RecordFields(FlaskForm):
    """The Object ID categories, shared by the register and edit screens."""

    institution = StringField("Registering institution", validators=[DataRequired(), Length(max=200)])
    object_number = StringField("Object number (inventory number)", validators=[DataRequired(), Length(max=100)])
    object_type = StringField("Type of object", validators=[DataRequired(), Length(max=200)],
                              description="What kind of object it is, e.g. statuette, cylinder seal, manuscript, painting.")
    materials = StringField("Materials", validators=[Length(max=2000)], description="e.g. bronze; terracotta; oil on canvas")
    techniques = StringField("Techniques", validators=[Length(max=2000)], description="e.g. cast, carved, painted, woven")
    measurements_text = StringField("Measurements as written", validators=[Length(max=2000)],
                                    description="Free text, e.g. H 23 cm; W 10 cm. Numbers below are used for search.")
    height = FloatField("Height", validators=_positive)
    width = FloatField("Width", validators=_positive)
    depth = FloatField("Depth", validators=_positive)
    diameter = FloatField("Diameter", validators=_positive)
    length_unit = SelectField("Length unit", choices=[SelectChoice(unit) for unit in LENGTH_UNITS_TO_CM], default="cm")
    weight = FloatField("Weight", validators=_positive)
    weight_unit = SelectField("Weight unit", choices=[SelectChoice(unit) for unit in WEIGHT_UNITS_TO_KG], default="kg")
    inscriptions = TextAreaField("Inscriptions and markings", validators=[Length(max=5000)],
                                 description="Signatures, dates, labels, seals, inventory numbers written on the object.")
    distinguishing_features = TextAreaField("Distinguishing features", validators=[Length(max=5000)],
                                            description="Damage, repairs, manufacturing defects that set it apart.")
    title = StringField("Title", validators=[Length(max=300)])
    subject = StringField("Subject", validators=[Length(max=2000)], description="What is pictured or represented.")
    date_period = StringField("Date or period", validators=[Length(max=200)], description="e.g. c. 1650; 18th century; 2000–1500 BC")
    year_from = IntegerField("Earliest year", validators=_year, description="Negative for BCE. Read from the date if left blank.")
    year_to = IntegerField("Latest year", validators=_year)
    maker = StringField("Maker", validators=[Length(max=300)])
    maker_qualifier = SelectField("Attribution", choices=[SelectChoice(q, q or "—") for q in MAKER_QUALIFIERS], default="")
    description = TextAreaField("Short description", validators=[Length(max=10000)])
    place_of_origin = StringField("Place of origin / discovery", validators=[Length(max=300)],
                                  description="Where the object was made, found or excavated.")
    related_written_material = TextAreaField("Related written material", validators=[Length(max=5000)],
                                             description="Bibliography, archives, publications that mention the object.")
    related_objects = TextAreaField("Related objects", validators=[Length(max=5000)],
                                    description="Cross-references: parts of a set, pendants, other records.")
    documented_on = DateField("Date documented", validators=[Optional()], description="When this description was made.")

    def validate_year_to(self, field: IntegerField) -> None:
        """The latest year may not come before the earliest."""
        if field.data is not None and self.year_from.data is not None and field.data < self.year_from.data:
            raise ValidationError("The latest year comes before the earliest year.")


class LossFields(FlaskForm):
    """Status and the details of a theft or loss."""

    status = SelectField("Status", choices=STATUS_CHOICES, default="inventory")
    loss_date = DateField("Date of loss", validators=[Optional()])
    loss_place = StringField("Place of loss", validators=[Length(max=300)])
    case_reference = StringField("Police / case reference", validators=[Length(max=100)])
    loss_notes = TextAreaField("Notes on the loss", validators=[Length(max=5000)])


class RegisterForm(RecordFields, LossFields):
    """Register a new object with its photos."""

    photos = MultipleFileField("Photos", description="JPEG, PNG or WebP, up to 20 MB each; several views help identification.")


class EditForm(RecordFields):
    """Edit a record's Object ID fields and add photos."""

    photos = MultipleFileField("Add photos")


class StatusForm(LossFields):
    """Report an object stolen, missing, looted or recovered."""


class SearchForm(FlaskForm):
    """Search records; submitted with GET, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField("Search text")
    object_type = StringField("Type of object")
    material = StringField("Material")
    status = SelectField("Status", choices=[SelectChoice("", "Any status"), *STATUS_CHOICES], default="")
    year_from = IntegerField("From year", validators=_year)
    year_to = IntegerField("To year", validators=_year)
    institution = SelectField("Institution", coerce=int, default=0)
