"""Forms of the administration pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from registry.policy import ROLE_LABELS
from registry.templating import ROLE_TEXT


class UserForm(FlaskForm):
    """Create an account."""

    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_TEXT.get(r, label)) for r, label in ROLE_LABELS.items() if r != "anonymous"])
    institution = StringField(_l("Institution (registrars)"), validators=[Length(max=200)])
    agency = StringField(_l("Agency (law enforcement)"), validators=[Length(max=200)])
    organisation = StringField(_l("Organisation (dealers)"), validators=[Length(max=200)])
    password = PasswordField(_l("Initial password (12 characters or more)"), validators=[DataRequired(), Length(min=12, max=500)])


