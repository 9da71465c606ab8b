"""Watch pages: the checks that matched records reported lost later, and the objects a user watches."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.auth.access import current_principal
from registry.extensions import db
from registry.models import Check, ObjectRecord
from registry.services.watch import WatchRefused, hits_visible_to, stop_watching, watch_record, watches_of
from registry.watch import bp


@bp.get("/")
def index():
    """Hits of the user's checks (law enforcement: its agency's too) and the objects the user watches."""
    hits = hits_visible_to(current_principal())
    records = {r.id: r for r in db.session.query(ObjectRecord).filter(ObjectRecord.id.in_({h.record_id for h in hits}))}
    checks = {c.id: c for c in db.session.query(Check).filter(Check.id.in_({h.check_id for h in hits}))}
    return render_template("watch/index.html", hits=hits, records=records, checks=checks, watches=watches_of(current_user.id))


@bp.post("/records/<int:record_id>")
def watch(record_id: int):
    """Watch an object one of the user's checks found."""
    try:
        watch_record(current_user.id, record_id)
    except WatchRefused:
        flash(_("You can watch only an object that one of your checks found."), "error")
        return redirect(url_for("watch.index"), 303)
    flash(_("You will be told when the status of this object changes."), "success")
    return redirect(request.form.get("next_url") if _local(request.form.get("next_url")) else url_for("watch.index"), 303)


@bp.post("/records/<int:record_id>/stop")
def stop(record_id: int):
    """Stop watching an object."""
    stop_watching(current_user.id, record_id)
    return redirect(url_for("watch.index"), 303)


def _local(url: str | None) -> bool:
    return bool(url) and url.startswith("/") and not url.startswith("//")
