"""Pages for Object ID records: search, register, the Object ID sheet, edit, status, history."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from wtforms import FieldList, SelectChoice, SelectField

from flask_login import current_user

from registry.actors import web_actor
from registry.i18n import readable
from registry.messages import N_
from registry.auth.access import current_principal, ensure_can_change, ensure_can_view
from registry.policy import allowed, can_change_record, rule, withheld_fields
from registry.extensions import db
from registry.imaging import DecodedPhoto, PhotoRejected
from registry.models import Institution, ObjectRecord, Photo
from registry.objectid.provenance import is_blank
from registry.objectid.standard import LOSS_FIELDS, InvalidRecord
from registry.objects import bp
from registry.objects.forms import EditForm, ProvenanceEventForm, RegisterForm, SearchForm, StatusForm
from registry.services import objects as record_service
from registry.services.photos import decode_upload, read_upload, remove_photo
from registry.services.redlists import active_tags, suggestions_for_record
from registry import replica
from registry.services.search import InvalidSearch, RecordQuery, check_size_ranges, search_statement, size_bounds

_TEXT_FIELDS = (
    "object_number", "object_type", "materials", "techniques", "measurements_text", "inscriptions",
    "distinguishing_features", "title", "subject", "date_period", "maker", "maker_qualifier", "description",
    "year_from", "year_to", "length_unit", "weight_unit",
    "place_of_origin", "related_written_material", "related_objects", "documented_on",
)


def _record_or_404(record_id: int) -> ObjectRecord:
    record = db.session.get(ObjectRecord, record_id)
    if record is None or record.deleted_at is not None:
        abort(404)
    return record


@bp.get("/")
def search():
    """List and search records."""
    form = SearchForm(request.args)
    form.institution.choices = [SelectChoice(0, _("Any institution"))] + [
        SelectChoice(i.id, i.name) for i in db.session.scalars(select(Institution).order_by(Institution.name))
    ]
    query = _search_query(form)
    # A search that cannot be run as asked lists nothing (rather than every record) beside the reason.
    page = replica.paginate(search_statement(query, current_principal()), per_page=_per_page(), error_out=False) if query else None
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("objects/search.html", form=form, page=page, args=args,
                           may_look_up=allowed(current_principal(), "records.photo_lookup"))


def _search_query(form: SearchForm) -> RecordQuery | None:
    """The query the search form asks for; None, with the reason beside the field, when it cannot be run."""
    if not form.validate():
        return None
    sizes = size_bounds({name: form[name].data for name in form.SIZE_FIELDS})
    try:
        check_size_ranges(sizes)
    except InvalidSearch as exc:
        form[exc.field].errors = [*form[exc.field].errors, readable(exc)]
        return None
    return RecordQuery(
        text=form.q.data or "",
        object_type=form.object_type.data or "",
        material=form.material.data or "",
        status=form.status.data or "",
        year_from=form.year_from.data,
        year_to=form.year_to.data,
        institution_id=form.institution.data or None,
        sizes=sizes,
    )


def _per_page() -> int:
    return current_app.config["RECORDS_PER_PAGE"]


@bp.route("/new", methods=["GET", "POST"])
def register():
    """Register a new object with its photos."""
    form = RegisterForm()
    principal = current_principal()
    if principal.role == "registrar":
        form.institution.data = current_user.institution.name  # a registrar registers for their own institution
        form.institution.render_kw = {"readonly": True}
    if form.validate_on_submit():
        photos = _decoded_uploads(form)
        if photos is not None:
            try:
                record = record_service.create_record(
                    form.institution.data,
                    _record_fields(form),
                    web_actor(),
                    photos=[p for p, _ in photos],
                    filenames=[n for _, n in photos],
                    status_fields={name: form[name].data for name in ("status", *LOSS_FIELDS)},
                )
            except InvalidRecord as exc:
                db.session.rollback()
                _show_error(form, exc)
            else:
                flash(_("Registered %(title)s.", title=record.display_title), "success")
                return redirect(url_for("objects.sheet", record_id=record.id))
    return render_template("objects/form.html", form=form, record=None)


@bp.get("/<int:record_id>")
def sheet(record_id: int):
    """The Object ID sheet of one record."""
    record = _record_or_404(record_id)
    ensure_can_view(record)
    principal = current_principal()
    may_change = can_change_record(principal, "records.edit", record.institution_id)
    withheld = withheld_fields(principal, record.status, record.institution_id)
    return render_template("objects/sheet.html", record=record, tags=active_tags(record), may_change=may_change,
                           may_see_history=_may_see_history(record), withheld=withheld,
                           enquiry=_enquiry(record, withheld),
                           suggestions=suggestions_for_record(record) if may_change else [])


def _enquiry(record: ObjectRecord, withheld: frozenset[str]) -> dict[str, Any]:
    """Whom to contact about the object: its institution's enquiry contact and the case reference, as far as the
    reader may see them (the shape templates/_partials/enquiry.html takes)."""
    case_hidden = "case_reference" in withheld and record.case_reference
    return {"institution": record.institution.name,
            "contact": None if "institution_contact" in withheld else record.institution.contact,
            "case_reference": None if case_hidden else ("" if "case_reference" in withheld else record.case_reference)}


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
def edit(record_id: int):
    """Edit a record's fields and add photos, from the version the form was filled from."""
    record = _record_or_404(record_id)
    ensure_can_change("records.edit", record)
    form = EditForm(obj=record) if request.method == "GET" else EditForm()
    if request.method == "GET":
        _fill_form(form, record)
    elif form.validate_on_submit():
        photos = _decoded_uploads(form)
        if photos is not None:
            try:
                if form.institution.data.strip() != record.institution.name:
                    raise InvalidRecord(N_("a record cannot move to another institution; register it there instead"), "institution")
                changed, added = record_service.edit_record(
                    record, _record_fields(form), web_actor(),
                    photos=[p for p, _ in photos], filenames=[n for _, n in photos], version=form.version.data,
                )
            except InvalidRecord as exc:
                db.session.rollback()
                _show_error(form, exc)
            except record_service.RecordChanged as exc:
                current = EditForm(formdata=None, obj=record)
                _fill_form(current, record)
                return _conflict_page(record, exc, form, current, "objects.edit", photos_dropped=bool(photos))
            else:
                flash(_saved_message(len(changed), len(added)), "success")
                return redirect(url_for("objects.sheet", record_id=record.id))
    return render_template("objects/form.html", form=form, record=record)


@bp.route("/<int:record_id>/status", methods=["GET", "POST"])
def status(record_id: int):
    """Report a record stolen, missing, looted, recovered, or back in inventory, from the version the form showed."""
    record = _record_or_404(record_id)
    ensure_can_change("records.change_status", record)
    form = StatusForm(obj=record) if request.method == "GET" else StatusForm()
    if form.validate_on_submit():
        try:
            changed = record_service.change_status(
                record, {name: form[name].data for name in ("status", *LOSS_FIELDS)}, web_actor(), version=form.version.data
            )
        except InvalidRecord as exc:
            db.session.rollback()
            _show_error(form, exc)
        except record_service.RecordChanged as exc:
            return _conflict_page(record, exc, form, StatusForm(formdata=None, obj=record), "objects.status")
        else:
            flash(_("Status saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("objects.sheet", record_id=record.id))
    return render_template("objects/status.html", form=form, record=record)


@bp.post("/<int:record_id>/photos/<int:photo_id>/remove")
def remove_photo_view(record_id: int, photo_id: int):
    """Take a photo off a record (kept as evidence, marked removed)."""
    record = _record_or_404(record_id)
    ensure_can_change("records.edit", record)
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.record_id != record.id:
        abort(404)
    try:
        remove_photo(photo, web_actor())
    except PhotoRejected as exc:
        flash(readable(exc), "error")
    else:
        flash(_("Photo removed from the record."), "success")
    return redirect(url_for("objects.edit", record_id=record.id))


@bp.get("/<int:record_id>/history")
def history(record_id: int):
    """Every change to a record: who, when, old and new value."""
    record = _record_or_404(record_id)
    ensure_can_view(record)
    if not _may_see_history(record):
        abort(403, description=_("The history of a record is shown to its institution, law enforcement and administrators."))
    return render_template("objects/history.html", record=record)


def _saved_message(fields_changed: int, photos_added: int) -> str:
    """What an edit did, in the page's language: "Saved: 2 fields changed, 1 photo added."."""
    return _("Saved: %(fields)s, %(photos)s.",
             fields=ngettext("%(num)d field changed", "%(num)d fields changed", fields_changed),
             photos=ngettext("%(num)d photo added", "%(num)d photos added", photos_added))


# Form fields that are not the record's: they are not compared on a conflict page.
_NOT_COMPARED = {"csrf_token", "version", "photos"}


def _conflict_page(record: ObjectRecord, exc: record_service.RecordChanged, submitted, current, endpoint: str,
                   photos_dropped: bool = False):
    """409: someone saved the record since the version the form was filled from, and nothing was written.

    Shows each field whose submitted value differs from the record's current one, both as the form shows them
    (measurements in the units entered), and a link to the form filled from the current record.
    """
    differences = [
        (field.label.text, yours, _shown(current[field.name]))
        for field in submitted
        if field.name not in _NOT_COMPARED and (yours := _shown(field)) != _shown(current[field.name])
    ]
    return render_template("objects/conflict.html", record=record, differences=differences, your_version=exc.your_version,
                           current_version=exc.current_version, restart_url=url_for(endpoint, record_id=record.id),
                           photos_dropped=photos_dropped), 409


def _shown(field) -> str:
    """A form field's value as a person reads it (a choice by its label)."""
    if field.data is None:
        return ""
    if isinstance(field, FieldList):
        return " / ".join(", ".join(value for value in event.values() if value) for event in field.data if not is_blank(event))
    if isinstance(field, SelectField):
        labels = {str(choice.value): str(choice.label) for choice in field.choices}
        return labels.get(str(field.data), str(field.data))
    if isinstance(field.data, float):
        return f"{field.data:g}"
    return str(field.data).strip()


def _may_see_history(record: ObjectRecord) -> bool:
    principal = current_principal()
    verdict = rule("records.view_history", principal.role)
    return verdict == "yes" or (verdict == "own" and principal.institution_id == record.institution_id)


def _record_fields(form) -> dict[str, Any]:
    """Turn form data into record field values, converting measurements to cm and kg."""
    return {**{name: form[name].data for name in _TEXT_FIELDS}, **form.measurements_in_cm_kg(),
            "provenance": [entry.data for entry in form.provenance]}


BLANK_PROVENANCE_ROWS = 2


def _fill_form(form, record: ObjectRecord) -> None:
    form.institution.data = record.institution.name
    form.show_measurements(record)
    _fill_provenance(form, record.provenance)


def _fill_provenance(form, events: list[dict[str, Any]]) -> None:
    """One row per event of the record, then blank rows to add more (a page without scripts cannot add rows)."""
    while form.provenance.entries:
        form.provenance.pop_entry()
    for event in [*events, *[{}] * BLANK_PROVENANCE_ROWS]:
        form.provenance.append_entry(SimpleNamespace(**{key: event.get(key) or "" for key in ProvenanceEventForm.KEYS}))


def _decoded_uploads(form) -> list[tuple[DecodedPhoto, str]] | None:
    """Decode every uploaded photo; on the first bad one, put its reason beside the field and return None."""
    decoded = []
    for upload in form.photos.data or []:
        if not upload or not upload.filename:
            continue
        try:
            decoded.append((decode_upload(read_upload(upload), upload.filename), upload.filename))
        except PhotoRejected as exc:
            form.photos.errors = [*form.photos.errors, readable(exc)]
            return None
    return decoded


def _show_error(form, exc: InvalidRecord) -> None:
    name = (exc.field or "").removesuffix("_cm").removesuffix("_kg")
    if name and name in form:
        form[name].errors = [*form[name].errors, readable(exc)]
    else:
        flash(readable(exc), "error")
