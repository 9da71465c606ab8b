"""Dashboard, API tokens, password and two-factor pages."""

from __future__ import annotations

import pyotp
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash

from registry.account import bp
from registry.account.forms import PasswordForm, TokenForm, TwoFactorForm
from registry.extensions import db
from registry.models import ApiToken, Certificate, Check, Notification
from registry.models.objects import utcnow
from registry.services.dashboards import dealer_work, officer_work, registrar_work
from registry.services.accounts import (
    AccountError,
    create_token,
    enable_totp,
    pending_totp_secret,
    revoke_token,
    set_password,
    sign_out_everywhere,
)
from registry.i18n import readable


@bp.get("/")
def dashboard():
    """The work of the user's role (records, agency checks, certificates), notifications, own checks and certificates."""
    notifications = db.session.scalars(select(Notification).where(Notification.user_id == current_user.id).order_by(Notification.id.desc()).limit(50)).all()
    checks = db.session.scalars(select(Check).where(Check.user_id == current_user.id).order_by(Check.id.desc()).limit(20)).all()
    certificates = db.session.scalars(select(Certificate).where(Certificate.user_id == current_user.id).order_by(Certificate.id.desc())).all()
    return render_template("account/dashboard.html", notifications=notifications, checks=checks, certificates=certificates,
                           **_work_of_role())


def _work_of_role() -> dict:
    """What the dashboard shows first: the work of the user's role."""
    if current_user.role == "registrar":
        return {"registrar": registrar_work(current_user.institution_id)}
    if current_user.role == "law_enforcement":
        return {"officer": officer_work(current_user.agency or "", current_user.id)}
    if current_user.role == "dealer":
        return {"dealer": dealer_work(current_user.id)}
    return {}


@bp.post("/notifications/<int:notification_id>/read")
def read_notification(notification_id: int):
    """Mark a notification as read."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    notification.read_at = notification.read_at or utcnow()
    db.session.commit()
    return redirect(url_for("account.dashboard"))


@bp.route("/tokens", methods=["GET", "POST"])
def tokens():
    """List, create and revoke personal API tokens; a new token is shown once."""
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            new_token = create_token(current_user, form.name.data, current_user.label)
        except AccountError as exc:
            form.name.errors = [readable(exc)]
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())).all()
    return render_template("account/tokens.html", form=form, tokens=rows, new_token=new_token)


def revoke_token_view(token_id: int):
    """Revoke a token."""
    try:
        revoke_token(current_user, token_id, current_user.label)
    except AccountError:
        abort(404)
    flash(_("Token revoked."), "success")
    return redirect(url_for("account.tokens"))


bp.add_url_rule("/tokens/<int:token_id>/revoke", endpoint="revoke_token", view_func=revoke_token_view, methods=["POST"])


@bp.route("/password", methods=["GET", "POST"])
def password():
    """Change one's password."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash, form.current.data):
            form.current.errors = [_("The current password is not right.")]
        else:
            try:
                set_password(current_user, form.new.data, current_user.label)
            except AccountError as exc:
                form.new.errors = [readable(exc)]
            else:
                login_user(current_user._get_current_object())  # this session goes on; every other one ended
                flash(_("Password changed."), "success")
                return redirect(url_for("account.dashboard"))
    return render_template("account/password.html", form=form)


@bp.route("/two-factor", methods=["GET", "POST"])
def two_factor():
    """Turn on two-factor sign-in with an authenticator app (TOTP)."""
    form = TwoFactorForm()
    secret = pending_totp_secret(current_user)
    if form.validate_on_submit():
        try:
            enable_totp(current_user, form.code.data, current_user.label)
        except AccountError as exc:
            form.code.errors = [readable(exc)]
        else:
            flash(_("Two-factor sign-in is on: you will be asked for a code each time you sign in."), "success")
            return redirect(url_for("account.dashboard"))
    uri = pyotp.TOTP(secret).provisioning_uri(name=current_user.email, issuer_name="Object ID Registry")
    return render_template("account/two_factor.html", form=form, secret=secret, uri=uri)


@bp.post("/sign-out-everywhere")
def sign_out_everywhere_view():
    """End every session of the account: other browsers, copied cookies and this one."""
    sign_out_everywhere(current_user, current_user.label)
    logout_user()
    flash(_("Signed out everywhere: every browser signed in to your account must sign in again."), "success")
    return redirect(url_for("objects.search"))
