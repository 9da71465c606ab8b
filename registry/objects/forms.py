"""Forms for registering, editing, reporting and searching Object ID records."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField, FieldList, FloatField, Form, FormField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from registry.measurement_fields import MeasurementFields
from registry.objectid.provenance import ACQUISITION_METHODS, EVENT_TEXT_LIMITS
from registry.objectid.standard import MAKER_QUALIFIERS, STATUS_LABELS
from registry.templating import ACQUISITION_METHOD_TEXT, MAKER_QUALIFIER_TEXT, STATUS_TEXT

STATUS_CHOICES = [SelectChoice(value, STATUS_TEXT.get(value, label)) for value, label in STATUS_LABELS.items()]
_year = [Optional(), NumberRange(min=-10000, max=2100, message=_l("Enter a year between -10000 (BCE) and 2100."))]


class ProvenanceEventForm(Form):
    """One event of a record's provenance: who owned the object, where, when, how they acquired it, and the proof.

    A plain wtforms Form: it is a row inside the record's form, which carries the CSRF token.
    """

    owner = StringField(_l("Owner"), validators=[Length(max=EVENT_TEXT_LIMITS["owner"])])
    place = StringField(_l("Place"), validators=[Length(max=EVENT_TEXT_LIMITS["place"])])
    date = StringField(_l("Date or period"), validators=[Length(max=EVENT_TEXT_LIMITS["date"])],
                       description=_l("e.g. 1932; c. 1650; 1950-1962; 18th century"))
    method = SelectField(_l("How acquired"), default="",
                         choices=[SelectChoice("", "—")] + [SelectChoice(value, ACQUISITION_METHOD_TEXT.get(value, label))
                                                            for value, label in ACQUISITION_METHODS.items() if value != "unknown"])
    source = StringField(_l("Source document or reference"), validators=[Length(max=EVENT_TEXT_LIMITS["source"])])

    KEYS = ("owner", "place", "date", "method", "source")


class RecordFields(MeasurementFields):
    """The Object ID categories, shared by the register and edit screens."""

    institution = StringField(_l("Registering institution"), validators=[DataRequired(), Length(max=200)])
    object_number = StringField(_l("Object number (inventory number)"), validators=[DataRequired(), Length(max=100)])
    object_type = StringField(_l("Type of object"), validators=[DataRequired(), Length(max=200)],
                              description=_l("What kind of object it is, e.g. statuette, cylinder seal, manuscript, painting."))
    materials = StringField(_l("Materials"), validators=[Length(max=2000)], description=_l("e.g. bronze; terracotta; oil on canvas"))
    techniques = StringField(_l("Techniques"), validators=[Length(max=2000)], description=_l("e.g. cast, carved, painted, woven"))
    measurements_text = StringField(_l("Measurements as written"), validators=[Length(max=2000)],
                                    description=_l("Free text, e.g. H 23 cm; W 10 cm. Numbers below are used for search."))
    inscriptions = TextAreaField(_l("Inscriptions and markings"), validators=[Length(max=5000)],
                                 description=_l("Signatures, dates, labels, seals, inventory numbers written on the object."))
    distinguishing_features = TextAreaField(_l("Distinguishing features"), validators=[Length(max=5000)],
                                            description=_l("Damage, repairs, manufacturing defects that set it apart."))
    title = StringField(_l("Title"), validators=[Length(max=300)])
    subject = StringField(_l("Subject"), validators=[Length(max=2000)], description=_l("What is pictured or represented."))
    date_period = StringField(_l("Date or period"), validators=[Length(max=200)], description=_l("e.g. c. 1650; 18th century; 2000–1500 BC"))
    year_from = IntegerField(_l("Earliest year"), validators=_year, description=_l("Negative for BCE. Read from the date if left blank."))
    year_to = IntegerField(_l("Latest year"), validators=_year)
    maker = StringField(_l("Maker"), validators=[Length(max=300)])
    maker_qualifier = SelectField(_l("Attribution"), choices=[SelectChoice(q, MAKER_QUALIFIER_TEXT.get(q, q) if q else "—") for q in MAKER_QUALIFIERS], default="")
    description = TextAreaField(_l("Short description"), validators=[Length(max=10000)])
    place_of_origin = StringField(_l("Place of origin / discovery"), validators=[Length(max=300)],
                                  description=_l("Where the object was made, found or excavated."))
    related_written_material = TextAreaField(_l("Related written material"), validators=[Length(max=5000)],
                                             description=_l("Bibliography, archives, publications that mention the object."))
    related_objects = TextAreaField(_l("Related objects"), validators=[Length(max=5000)],
                                    description=_l("Cross-references: parts of a set, pendants, other records."))
    documented_on = DateField(_l("Date documented"), validators=[Optional()], description=_l("When this description was made."))
    provenance = FieldList(FormField(ProvenanceEventForm), label=_l("Provenance and ownership history"), min_entries=2)

    def validate_year_to(self, field: IntegerField) -> None:
        """The latest year may not come before the earliest."""
        if field.data is not None and self.year_from.data is not None and field.data < self.year_from.data:
            raise ValidationError(_l("The latest year comes before the earliest year."))


class LossFields(FlaskForm):
    """Status and the details of a theft or loss."""

    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="inventory")
    loss_date = DateField(_l("Date of loss"), validators=[Optional()])
    loss_place = StringField(_l("Place of loss"), validators=[Length(max=300)])
    case_reference = StringField(_l("Police / case reference"), validators=[Length(max=100)])
    loss_notes = TextAreaField(_l("Notes on the loss"), validators=[Length(max=5000)])


class RegisterForm(RecordFields, LossFields):
    """Register a new object with its photos."""

    photos = MultipleFileField(_l("Photos"), description=_l("JPEG, PNG, WebP, HEIC or TIFF, up to 20 MB each; several views help identification."))


def _version_field() -> IntegerField:
    # The version of the record the form was filled from: saving refuses to write over a record saved since (409).
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


class EditForm(RecordFields):
    """Edit a record's Object ID fields and add photos."""

    photos = MultipleFileField(_l("Add photos"))
    version = _version_field()


class StatusForm(LossFields):
    """Report an object stolen, missing, looted or recovered."""

    version = _version_field()


class SearchForm(FlaskForm):
    """Search records; submitted with GET, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Search text"))
    object_type = StringField(_l("Type of object"))
    material = StringField(_l("Material"))
    status = SelectField(_l("Status"), choices=[SelectChoice("", _l("Any status")), *STATUS_CHOICES], default="")
    year_from = IntegerField(_l("From year"), validators=_year)
    year_to = IntegerField(_l("To year"), validators=_year)
    institution = SelectField(_l("Institution"), coerce=int, default=0)
    # Size ranges in cm (kg for weight); their rules are services.search.check_size_ranges, shared with the API and CLI.
    height_min = FloatField(_l("Height at least (cm)"), validators=[Optional()])
    height_max = FloatField(_l("Height at most (cm)"), validators=[Optional()])
    width_min = FloatField(_l("Width at least (cm)"), validators=[Optional()])
    width_max = FloatField(_l("Width at most (cm)"), validators=[Optional()])
    depth_min = FloatField(_l("Depth at least (cm)"), validators=[Optional()])
    depth_max = FloatField(_l("Depth at most (cm)"), validators=[Optional()])
    weight_min = FloatField(_l("Weight at least (kg)"), validators=[Optional()])
    weight_max = FloatField(_l("Weight at most (kg)"), validators=[Optional()])

    SIZE_FIELDS = ("height_min", "height_max", "width_min", "width_max", "depth_min", "depth_max", "weight_min", "weight_max")


class PhotoLookupForm(FlaskForm):
    """Before registering an object: photos of it, to see whether it is already registered."""

    photos = MultipleFileField(_l("Photos of the object"), description=_l("One or more photos; they are compared, not kept."))
