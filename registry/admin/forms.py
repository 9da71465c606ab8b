"""Forms of the administration pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

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
    invite = BooleanField(_l("E-mail the person a link to choose their own password"))
    password = PasswordField(_l("Or give an initial password (12 characters or more)"), validators=[Optional(), Length(min=12, max=500)])

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001 (WTForms' signature)
        valid = super().validate(extra_validators)
        if not self.invite.data and not self.password.data:  # Optional() stops the field's own validators when empty
            self.password.errors = [*self.password.errors, _l("Give an initial password, or have a link e-mailed.")]
            return False
        return valid




class OrganisationForm(FlaskForm):
    """Create or edit an institution or a law-enforcement agency, with its contact details."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    postal_address = TextAreaField(_l("Postal address"), validators=[Length(max=1000)])
    phone = StringField(_l("Phone"), validators=[Length(max=50)])
    enquiry_email = StringField(_l("E-mail for stolen-object enquiries"), validators=[Length(max=254)])
    website = StringField(_l("Website"), validators=[Length(max=300)], description=_l("Starting with https://"))


class AuditFilterForm(FlaskForm):
    """Filter the audit trail; submitted with GET (the page and its CSV and JSON exports), so no CSRF token."""

    class Meta:
        csrf = False

    date_from = DateField(_l("From (UTC day)"), validators=[Optional()])
    date_to = DateField(_l("To (UTC day)"), validators=[Optional()])
    user = StringField(_l("User (e-mail or part of it)"), validators=[Length(max=254)])
    agency = StringField(_l("Agency"), validators=[Length(max=200)])
    action = StringField(_l("Action (e.g. status, check, certificate_issued)"), validators=[Length(max=40)])

    def validate_date_to(self, field: DateField) -> None:
        """The last day may not come before the first."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The last day comes before the first day."))
