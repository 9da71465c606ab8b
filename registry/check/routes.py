"""The Check an object page."""

from __future__ import annotations

import base64

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from registry.auth.access import current_principal
from registry.models import Check
from registry.policy import allowed, can_view_check

from registry.actors import web_actor
from registry.check import bp
from registry.check.forms import CheckForm
from registry.extensions import db
from registry.imaging import PhotoRejected
from registry.models import ObjectRecord, Photo
from registry.services.checks import QueryPhoto, enquiry_contacts, photos_not_kept, run_check, visible_checks
from registry.services.index import live_index
from registry.services.photos import decode_query_upload, read_upload
from registry.services.redlists import ADVICE
from registry.i18n import readable
from registry.limits.rates import limit_checks


@bp.route("/", methods=["GET", "POST"])
@limit_checks
def check_page():
    """Upload photos of a suspect object and see which registered objects it matches."""
    form = CheckForm()
    principal = current_principal()
    if not allowed(principal, "checks.run_all_statuses"):
        del form.all_statuses
    if request.method == "POST" and form.validate():
        photos = _query_photos(form)
        if photos:
            all_statuses = bool(getattr(form, "all_statuses", None) and form.all_statuses.data)
            check, results = run_check(photos, _query_fields(form), web_actor(), "web", all_statuses=all_statuses,
                                       principal=principal, keep_photos=True)
            return render_template("check/results.html", form=form, check=check, results=results, advice=ADVICE,
                                   query_images=[_inline_thumbnail(p) for p in photos],
                                   unindexed=live_index().photos_not_searched, not_kept=photos_not_kept(check),
                                   enquiries=enquiry_contacts(results, principal),
                                   **_lookups(results))
    return render_template("check/form.html", form=form)


@bp.get("/log")
def log():
    """Checks the user may see: their own; law enforcement their agency's; admins all."""
    checks = db.session.scalars(visible_checks(current_principal()).limit(200)).all()
    return render_template("check/log.html", checks=checks)


@bp.get("/<int:check_id>")
def show(check_id: int):
    """One logged check, as evidence: when, by whom, the submitted photos' hashes and the answer."""
    check = db.session.get(Check, check_id)
    if check is None or not can_view_check(current_principal(), check.user_id, check.agency):
        abort(404)
    return render_template("check/show.html", check=check, enquiries=enquiry_contacts(check.results, current_principal()),
                           **_lookups(check.results))


def _inline_thumbnail(photo: QueryPhoto) -> str:
    """A small JPEG of the submitted photo as a data: URL, so the answer shows it without serving it publicly."""
    return "data:image/jpeg;base64," + base64.b64encode(photo.thumbnail_jpeg).decode()


def _query_photos(form: CheckForm) -> list[QueryPhoto]:
    uploads = [u for u in (form.photos.data or []) if u and u.filename]
    most = current_app.config["MAX_PHOTOS_PER_CHECK"]
    if not uploads:
        form.photos.errors = [*form.photos.errors, _("Add at least one photo of the object.")]
        return []
    if len(uploads) > most:
        form.photos.errors = [*form.photos.errors, _("Send at most %(num)s photos in one check.", num=most)]
        return []
    photos = []
    for upload in uploads:  # one at a time: each photo's pixels are let go of before the next is decoded
        try:
            photos.append(QueryPhoto(upload.filename, decode_query_upload(read_upload(upload), upload.filename)).prepare())
        except PhotoRejected as exc:
            form.photos.errors = [*form.photos.errors, readable(exc)]
            return []
    return photos


def _query_fields(form: CheckForm) -> dict:
    return {"description": form.description.data, "object_type": form.object_type.data, "materials": form.materials.data,
            **form.measurements_in_cm_kg()}


def _lookups(results: list[dict]) -> dict:
    """Records and record photos named in the results, fetched in two queries."""
    record_ids = {c["record_id"] for r in results for c in r["candidates"]}
    photo_ids = {c["evidence"].get("record_photo_id") for r in results for c in r["candidates"]}
    records = {r.id: r for r in db.session.scalars(select(ObjectRecord).where(ObjectRecord.id.in_(record_ids)))}
    photos = {p.id: p for p in db.session.scalars(select(Photo).where(Photo.id.in_(photo_ids - {None})))}
    return {"records": records, "record_photos": photos}
