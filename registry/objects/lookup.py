"""Before registering an object: a photo search of every record the user may see, to find it if it is registered."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from registry.actors import web_actor
from registry.auth.access import current_principal
from registry.extensions import db
from registry.i18n import readable
from registry.imaging import PhotoRejected
from registry.models import ObjectRecord, Photo
from registry.objects import bp
from registry.objects.forms import PhotoLookupForm
from registry.services.checks import QueryPhoto, run_lookup
from registry.services.photos import decode_query_upload


@bp.route("/lookup", methods=["GET", "POST"])
def photo_lookup():
    """Is this object already registered? The check's engine, every status, within what the user may see."""
    form = PhotoLookupForm()
    if form.validate_on_submit():
        photos = _query_photos(form)
        if photos:
            check, results = run_lookup(photos, web_actor(), current_principal())
            return render_template("objects/lookup.html", form=form, check=check, results=_findings(results),
                                   **_lookups(results))
    return render_template("objects/lookup.html", form=form, check=None, results=[])


def _query_photos(form: PhotoLookupForm) -> list[QueryPhoto]:
    uploads = [upload for upload in (form.photos.data or []) if upload and upload.filename]
    if not uploads:
        form.photos.errors = [*form.photos.errors, _("Add at least one photo of the object.")]
        return []
    photos = []
    for upload in uploads:
        try:
            photos.append(QueryPhoto(upload.filename, decode_query_upload(upload.read(), upload.filename)))
        except PhotoRejected as exc:
            form.photos.errors = [*form.photos.errors, readable(exc)]
            return []
    return photos


def _findings(results: list[dict]) -> list[dict]:
    """Each photo's matches and possible matches only: the nearest records that are not matches are no finding."""
    return [{**result, "candidates": [c for c in result["candidates"] if c["verdict"] != "no_match"]} for result in results]


def _lookups(results: list[dict]) -> dict:
    record_ids = {c["record_id"] for r in results for c in r["candidates"]}
    photo_ids = {c["evidence"].get("record_photo_id") for r in results for c in r["candidates"]}
    return {
        "records": {r.id: r for r in db.session.scalars(select(ObjectRecord).where(ObjectRecord.id.in_(record_ids)))},
        "record_photos": {p.id: p for p in db.session.scalars(select(Photo).where(Photo.id.in_(photo_ids)))},
    }
