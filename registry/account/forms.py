"""Forms of the account pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from registry.auth.forms import ResetPasswordForm


class TokenForm(FlaskForm):
    """Create a personal API token."""

    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)], description=_l("e.g. the tool that will use it"))


class PasswordForm(ResetPasswordForm):
    """Change one's password: the current one, and the new one twice."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()])


class TwoFactorForm(FlaskForm):
    """Confirm a two-factor app with its current code."""

    code = StringField(_l("Code shown by your authenticator app"), validators=[DataRequired(), Length(max=10)])
