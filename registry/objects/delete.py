"""Deleting a record: a page that asks why, then leaves a tombstone (services/deletion.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from registry.actors import web_actor
from registry.auth.access import ensure_can_change
from registry.extensions import db
from registry.i18n import readable
from registry.objects import bp
from registry.objects.routes import _record_or_404
from registry.services import objects as record_service
from registry.services.deletion import REASON_LENGTH, DeletionRefused, delete_record


class DeleteForm(FlaskForm):
    """Say why a record is deleted."""

    reason = TextAreaField(_l("Why is this record deleted?"), validators=[DataRequired(), Length(max=REASON_LENGTH)],
                           description=_l("Kept in the record's history with your name, as evidence."))
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


@bp.route("/<int:record_id>/delete", methods=["GET", "POST"])
def delete(record_id: int):
    """Delete a record (an admin, or a registrar of its institution), saying why."""
    record = _record_or_404(record_id)
    ensure_can_change("records.delete", record)
    form = DeleteForm()
    if request.method == "GET":
        form.version.data = record.version  # the version shown: a change saved meanwhile refuses the deletion
    if form.validate_on_submit():
        title = record.display_title
        try:
            delete_record(record, form.reason.data, web_actor(), version=form.version.data)
        except (DeletionRefused, record_service.RecordChanged) as exc:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, readable(exc)]
        else:
            flash(_("%(title)s was deleted. Its history, and the checks and certificates that named it, are kept.",
                    title=title), "success")
            return redirect(url_for("objects.search"))
    return render_template("objects/delete.html", form=form, record=record)
