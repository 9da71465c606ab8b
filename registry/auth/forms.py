"""Sign-in and password reset forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    """E-mail, password, and the two-factor code for accounts that use one."""

    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])
    code = StringField(_l("Two-factor code (if you use one)"), validators=[Length(max=10)])


class ForgotPasswordForm(FlaskForm):
    """Ask for a password reset link."""

    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    """Choose a new password through a reset link."""

    new = PasswordField(_l("New password (12 characters or more)"), validators=[DataRequired(), Length(min=12, max=500)])
    repeat = PasswordField(_l("New password again"), validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))])
