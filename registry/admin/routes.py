"""Users and the audit trail."""

from __future__ import annotations

import json
import secrets

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from registry.admin import bp
from registry.admin.forms import AuditFilterForm, OrganisationForm, UserForm
from registry.extensions import db
from registry.models import Agency, Institution, User
from registry.models.objects import CONTACT_FIELDS
from registry.services.accounts import AccountError, create_user, set_active
from registry.services.password_reset import reset_by_mail_available, send_invitation
from registry.services.institutions import KINDS, ContactError, save_organisation
from registry.services.audit import AuditFilter, audit_csv, audit_trail
from registry.i18n import readable


_NO_LINKS = _l("Links cannot be e-mailed from this registry (REGISTRY_SMTP_HOST and REGISTRY_PUBLIC_URL are not both "
               "set): give an initial password.")


@bp.route("/users", methods=["GET", "POST"])
def users():
    """List accounts and create one."""
    form = UserForm()
    if not form.is_submitted():
        form.invite.data = reset_by_mail_available()
    if form.validate_on_submit():
        if form.invite.data and not reset_by_mail_available():
            flash(str(_NO_LINKS), "error")
        elif _created(form):
            return redirect(url_for("admin.users"))
    rows = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", form=form, users=rows, links=reset_by_mail_available())


def _created(form: UserForm) -> bool:
    """Create the account of the form; with ``invite``, a random password no one knows, and the link e-mailed."""
    password = form.password.data if not form.invite.data else secrets.token_urlsafe(32)
    try:
        user = create_user(form.email.data, form.name.data, form.role.data, password, current_user.label,
                           institution=form.institution.data or "", agency=form.agency.data or "",
                           organisation=form.organisation.data or "")
    except AccountError as exc:
        db.session.rollback()
        flash(readable(exc), "error")
        return False
    if form.invite.data:
        send_invitation(user, current_user._get_current_object())
        flash(_("Account %(email)s created; a link to choose a password was e-mailed to it.", email=user.email), "success")
    else:
        flash(_("Account %(email)s created.", email=user.email), "success")
    return True


@bp.post("/users/<int:user_id>/<action>")
def user_action(user_id: int, action: str):
    """Disable or enable an account, or e-mail its holder a link to set a new password."""
    user = db.session.get(User, user_id)
    if user is None or action not in ("disable", "enable", "send_link"):
        abort(404)
    if action == "send_link":
        if not reset_by_mail_available():
            flash(str(_NO_LINKS), "error")
        elif user.active:
            send_invitation(user, current_user._get_current_object(), new_account=False)
            flash(_("A link to set a password was e-mailed to %(email)s.", email=user.email), "success")
        return redirect(url_for("admin.users"))
    if user.id == current_user.id:
        flash(_("You cannot disable your own account."), "error")
    else:
        set_active(user, action == "enable", current_user.label)
        flash(_("%(email)s enabled.", email=user.email) if action == "enable" else _("%(email)s disabled.", email=user.email), "success")
    return redirect(url_for("admin.users"))


AUDIT_PER_PAGE = 50  # entries per page of the audit trail (the exports hold all of them)
MAX_AUDIT_PAGE = 10_000


@bp.get("/audit")
def audit():
    """The latest audit entries (record changes, account events, checks), filtered by date, user and agency."""
    form = AuditFilterForm(request.args)
    page = max(1, min(request.args.get("page", 1, type=int) or 1, MAX_AUDIT_PAGE))
    # one row more than the pages up to this one says whether there is a next page
    rows = audit_trail(limit=page * AUDIT_PER_PAGE + 1, filters=_audit_filter(form)) if form.validate() else []
    has_next = len(rows) > page * AUDIT_PER_PAGE
    rows = rows[(page - 1) * AUDIT_PER_PAGE:page * AUDIT_PER_PAGE]
    export_args = {name: value for name, value in request.args.items() if name in form and value}
    return render_template("admin/audit.html", rows=rows, form=form, export_args=export_args, page=page,
                           has_next=has_next)


def _audit_filter(form: AuditFilterForm) -> AuditFilter:
    return AuditFilter(date_from=form.date_from.data, date_to=form.date_to.data, user=form.user.data or "",
                       agency=form.agency.data or "", action=(form.action.data or "").strip())


@bp.get("/audit.<fmt>")
def audit_export(fmt: str):
    """The whole audit trail, or what the filters keep, as CSV or JSON."""
    if fmt not in ("csv", "json"):
        abort(404)
    form = AuditFilterForm(request.args)
    if not form.validate():
        problems = "; ".join(f"{form[name].label.text}: {' '.join(map(str, errors))}" for name, errors in form.errors.items())
        abort(400, description=problems)
    rows = audit_trail(filters=_audit_filter(form))
    if fmt == "csv":
        return Response(audit_csv(rows), mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=audit.csv"})
    if fmt == "json":
        return Response(json.dumps(rows, ensure_ascii=False), mimetype="application/json",
                        headers={"Content-Disposition": "attachment; filename=audit.json"})
    abort(404)


@bp.route("/institutions", methods=["GET", "POST"])
def institutions():
    """Institutions and law-enforcement agencies with their contact details; create one."""
    kind = request.args.get("kind", "institution")
    if kind not in KINDS:
        abort(404)
    form = OrganisationForm()
    if form.validate_on_submit() and _saved(form, kind, None):
        return redirect(url_for("admin.institutions"))
    listed = {k: db.session.scalars(select(model).order_by(model.name)).all() for k, model in KINDS.items()}
    return render_template("admin/institutions.html", form=form, kind=kind, institutions=listed["institution"],
                           agencies=listed["agency"])


@bp.route("/institutions/<kind>/<int:organisation_id>", methods=["GET", "POST"])
def edit_organisation(kind: str, organisation_id: int):
    """Change an institution's or agency's name and contact details (every change audited)."""
    model = KINDS.get(kind)
    organisation = db.session.get(model, organisation_id) if model else None
    if organisation is None:
        abort(404)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit() and _saved(form, kind, organisation):
        return redirect(url_for("admin.institutions"))
    return render_template("admin/organisation.html", form=form, kind=kind, organisation=organisation)


def _saved(form: OrganisationForm, kind: str, current: Institution | Agency | None) -> bool:
    try:
        saved = save_organisation(kind, current, form.name.data, {name: form[name].data for name in CONTACT_FIELDS},
                                  current_user.label, actor_user_id=current_user.id)
    except ContactError as exc:
        db.session.rollback()
        target = form[exc.field] if exc.field in form else form.name
        target.errors = [*target.errors, readable(exc)]
        return False
    flash(_("%(name)s saved.", name=saved.name), "success")
    return True
