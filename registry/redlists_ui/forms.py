"""Forms of the Red Lists pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from registry.redlists.browse import KINDS, MATERIALS

_year = [Optional(), NumberRange(min=-100000, max=2100, message=_l("Enter a year; negative for BCE."))]


class LookupForm(FlaskForm):
    """Does an object like mine fall into a Red List category? Submitted with GET."""

    class Meta:
        csrf = False

    text = StringField(_l("Describe the object"), validators=[Length(max=2000)],
                       description=_l("In English, French or Spanish, e.g. “sceau-cylindre en pierre”."))
    region = StringField(_l("Country or region of origin"), validators=[Length(max=200)])
    object_type = StringField(_l("Type of object"), validators=[Length(max=200)])
    material = StringField(_l("Material"), validators=[Length(max=200)])
    year_from = IntegerField(_l("From year"), validators=_year)
    year_to = IntegerField(_l("To year"), validators=_year)

    def as_query(self) -> dict:
        """The look-up query as the domain expects it."""
        return {
            "text": self.text.data or "", "region": self.region.data or "", "object_type": self.object_type.data or "",
            "materials": self.material.data or "", "year_from": self.year_from.data, "year_to": self.year_to.data,
        }

    def is_empty(self) -> bool:
        """True when nothing was asked."""
        query = self.as_query()
        return not any(v not in (None, "") for v in query.values())


class TagForm(FlaskForm):
    """Tag a record with a category."""

    code = StringField(_l("Category code"), validators=[DataRequired(), Length(max=80)])


class BrowseForm(FlaskForm):
    """Browse the categories of every list by country, kind of object and material. Submitted with GET."""

    class Meta:
        csrf = False

    country = SelectField(_l("Country"), validate_choice=True, default="")
    kind = SelectField(_l("Kind of object"), validate_choice=True, default="",
                       choices=[SelectChoice("", _l("All kinds of object"))]
                       + [SelectChoice(key, _l(label)) for key, (label, _) in KINDS.items()])
    material = SelectField(_l("Material"), validate_choice=True, default="",
                           choices=[SelectChoice("", _l("All materials"))]
                           + [SelectChoice(key, _l(label)) for key, (label, _) in MATERIALS.items()])

    def set_countries(self, countries: list[tuple[str, str]]) -> None:
        """Offer the countries the Red Lists cover, as (ISO code, name in the reader's language)."""
        self.country.choices = [SelectChoice("", _l("All countries"))] + [SelectChoice(c, n) for c, n in countries]
