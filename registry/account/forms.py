"""Forms of the account pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class TokenForm(FlaskForm):
    """Create a personal API token."""

    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)], description=_l("e.g. the tool that will use it"))


class PasswordForm(FlaskForm):
    """Change one's password."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password (12 characters or more)"), validators=[DataRequired(), Length(min=12, max=500)])
    repeat = PasswordField(_l("New password again"), validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))])


class TwoFactorForm(FlaskForm):
    """Confirm a two-factor app with its current code."""

    code = StringField(_l("Code shown by your authenticator app"), validators=[DataRequired(), Length(max=10)])
