"""Red Lists pages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, gettext as _
from sqlalchemy import func, select

from registry.actors import web_actor
from registry.auth.access import current_principal, ensure_can_change
from registry.policy import can_view_record
from registry.extensions import db
from registry.models import CategoryRow, ObjectRecord, RedListRow
from registry.redlists.reference_images import IMAGE_DIR
from registry.redlists_ui import bp
from registry.redlists.browse import browse as browse_categories, countries
from registry.redlists.text import fold
from registry.redlists_ui.forms import BrowseForm, LookupForm, TagForm
from registry.services.redlists import ADVICE, TaggingError, look_up_categories, stored_red_list_set, tag_record, tagged_records, untag_record
from registry.i18n import readable


@bp.get("/")
def index():
    """All Red Lists, current first, with their number of categories, and the look-up form."""
    counts = dict(db.session.execute(select(CategoryRow.red_list_id, func.count()).group_by(CategoryRow.red_list_id)).all())
    lists = db.session.scalars(select(RedListRow).order_by(RedListRow.status, RedListRow.region, RedListRow.year.desc())).all()
    browse_form = BrowseForm(formdata=None)
    browse_form.set_countries(_country_names(stored_red_list_set().red_lists))
    return render_template("redlists/index.html", lists=lists, counts=counts, form=LookupForm(request.args),
                           browse_form=browse_form)


@bp.get("/browse")
def browse():
    """The categories of every list, by country, kind of object and material ("all categories of bronze figures")."""
    red_set = stored_red_list_set()
    form = BrowseForm(request.args)
    form.set_countries(_country_names(red_set.red_lists))
    groups = []
    if form.validate():
        groups = browse_categories(red_set.red_lists, red_set.categories, form.country.data or None,
                                   form.kind.data or None, form.material.data or None)
    return render_template("redlists/browse.html", form=form, groups=groups)


def _country_names(red_lists) -> list[tuple[str, str]]:
    """(ISO code, the country's name in the reader's language), sorted by name."""
    names = get_locale().territories
    return sorted(((code, names.get(code, code)) for code in countries(red_lists)), key=lambda pair: fold(pair[1]))


@bp.get("/lookup")
def lookup():
    """Rank the categories against what is known of an object, with the facets that agreed."""
    form = LookupForm(request.args)
    fits = []
    if form.validate() and not form.is_empty():
        fits = look_up_categories(form.as_query())[:20]
    lists = {r.slug: r for r in stored_red_list_set().red_lists}
    return render_template("redlists/lookup.html", form=form, fits=fits, lists=lists, advice=ADVICE)


@bp.get("/<slug>")
def red_list(slug: str):
    """One Red List and its categories."""
    row = db.session.scalar(select(RedListRow).where(RedListRow.slug == slug))
    if row is None:
        abort(404)
    categories = [c for c in stored_red_list_set().categories if c.red_list == slug]
    return render_template("redlists/red_list.html", red_list=row, categories=categories)


@bp.get("/categories/<code>")
def category(code: str):
    """One category in English, French and Spanish, its facets, reference images and the records tagged with it."""
    red_set = stored_red_list_set()
    found = red_set.category(code)
    if found is None:
        abort(404)
    principal = current_principal()
    records = [r for r in tagged_records(code) if can_view_record(principal, r.status, r.institution_id)]
    return render_template("redlists/category.html", category=found, red_list=red_set.red_list(found.red_list), records=records)


@bp.get("/images/<name>")
def reference_image(name: str):
    """A category's reference image (illustrative drawings shipped with the package)."""
    path = (IMAGE_DIR / name).resolve()
    if path.parent != IMAGE_DIR.resolve() or not path.is_file() or path.suffix != ".png":
        abort(404)
    return send_file(path, mimetype="image/png", max_age=86400)


@bp.post("/records/<int:record_id>/tags")
def add_tag(record_id: int):
    """Tag a record with a category (accepting a suggestion, or choosing one)."""
    record = _record_or_404(record_id)
    ensure_can_change("records.tag", record)
    form = TagForm()
    if not form.validate():
        flash(_("Choose a category to tag the record with."), "error")
    else:
        try:
            tag_record(record, form.code.data.strip(), web_actor())
        except TaggingError as exc:
            db.session.rollback()
            flash(readable(exc), "error")
        else:
            flash(_("Tagged with %(code)s.", code=form.code.data), "success")
    return redirect(url_for("objects.sheet", record_id=record.id))


@bp.post("/records/<int:record_id>/tags/<code>/remove")
def remove_tag(record_id: int, code: str):
    """Remove a category tag from a record."""
    record = _record_or_404(record_id)
    ensure_can_change("records.tag", record)
    try:
        untag_record(record, code, web_actor())
    except TaggingError as exc:
        flash(readable(exc), "error")
    else:
        flash(_("Tag %(code)s removed.", code=code), "success")
    return redirect(url_for("objects.sheet", record_id=record.id))


def _record_or_404(record_id: int) -> ObjectRecord:
    record = db.session.get(ObjectRecord, record_id)
    if record is None or record.deleted_at is not None:
        abort(404)
    return record
