"""Choose a selection of records (a search, a status, an institution) and print it as a catalogue."""

from __future__ import annotations

from flask import Response, render_template, request, url_for

from registry.auth.access import current_principal
from registry.catalogue import bp
from registry.catalogue.pdf import Shown, catalogue_pdf
from registry.i18n import current_language, readable
from registry.objectid.standard import STATUSES
from registry.services.catalogue import MAX_OBJECTS, CatalogueError, Selection, institution_names, select_records
from registry.services.photos import media_store


def _selection() -> Selection:
    args = request.args
    return Selection(text=args.get("text", "").strip()[:200], status=args.get("status", "").strip(),
                     institution=args.get("institution", "").strip()[:200], title=args.get("title", "").strip()[:120])


@bp.get("/")
def choose():
    """The selection form, with the records it holds now (what the reader may see)."""
    selection = _selection()
    error, catalogue = None, None
    try:
        catalogue = select_records(selection, current_principal(), limit=MAX_OBJECTS)
    except CatalogueError as exc:
        error = readable(exc)
    status = 400 if error else 200
    return render_template("catalogue/choose.html", selection=selection, catalogue=catalogue, error=error,
                           statuses=STATUSES, institutions=institution_names(), max_objects=MAX_OBJECTS), status


@bp.get("/catalogue.pdf")
def pdf():
    """The selection as a printable PDF catalogue in the reader's language."""
    principal = current_principal()
    try:
        catalogue = select_records(_selection(), principal)
    except CatalogueError as exc:
        return render_template("catalogue/choose.html", selection=_selection(), catalogue=None, error=readable(exc),
                               statuses=STATUSES, institutions=institution_names(), max_objects=MAX_OBJECTS), 400
    data = catalogue_pdf(catalogue, current_language(), photo_path=display_photo,
                         sheet_url=lambda record: url_for("objects.sheet", record_id=record.id, _external=True),
                         show=Shown.to(principal))
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": "inline; filename=catalogue.pdf"})


def display_photo(sha256: str):
    """The stored display copy of a photo, or None."""
    try:
        return media_store().read("display", sha256)
    except ValueError:  # not a content hash
        return None
