"""Forms of the administration pages."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from registry.policy import ROLE_LABELS


class UserForm(FlaskForm):
    """Create an account."""

    email = StringField("E-mail", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    role = SelectField("Role", choices=[SelectChoice(r, label) for r, label in ROLE_LABELS.items() if r != "anonymous"])
    institution = StringField("Institution (registrars)", validators=[Length(max=200)])
    agency = StringField("Agency (law enforcement)", validators=[Length(max=200)])
    organisation = StringField("Organisation (dealers)", validators=[Length(max=200)])
    password = PasswordField("Initial password (12 characters or more)", validators=[DataRequired(), Length(min=12, max=500)])


