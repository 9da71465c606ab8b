"""Sign in, sign out, and a new password by an e-mailed link."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from registry.auth import bp
from registry.auth.forms import ForgotPasswordForm, LoginForm, ResetPasswordForm
from registry.extensions import db, limiter
from registry.i18n import readable
from registry.services.accounts import AccountError, audit, authenticate, end_sessions
from registry.services.password_reset import (account_of_link, link_minutes, reset_by_mail_available, reset_password,
                                              send_reset_link)

FAILED = _l("E-mail, password or code is not right, or the account is locked for a while after repeated failures.")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Sign in; the same answer for every failure, so it does not reveal which e-mails have accounts."""
    if current_user.is_authenticated:
        return redirect(url_for("account.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data, form.code.data or "")
        if user is None:
            flash(str(FAILED), "error")
        else:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("account.dashboard"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out: this session and every copy of its cookie (and the user's other sessions) end."""
    if current_user.is_authenticated:
        end_sessions(current_user)
        audit(current_user.label, "user", current_user.id, "signed_out", actor_user_id=current_user.id)
        db.session.commit()
    logout_user()
    flash(_("Signed out."), "success")
    return redirect(url_for("objects.search"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def forgot_password():
    """Ask for a link to set a new password; the same answer whether or not the address has an account."""
    form = ForgotPasswordForm()
    available = reset_by_mail_available()
    if available and form.validate_on_submit():
        send_reset_link(form.email.data)
        flash(_("If an active account has this address, a link to set a new password is on its way to it. It works "
                "once, within %(minutes)s minutes.", minutes=link_minutes()), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form, available=available)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def reset_with_link(token: str):
    """Choose a new password through an e-mailed link (which then stops working, as do all the account's sessions)."""
    user = account_of_link(token)
    if user is None:
        return render_template("auth/reset.html", form=None), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(user, form.new.data)
        except AccountError as exc:
            form.new.errors = [readable(exc)]
        else:
            logout_user()
            flash(_("Password changed. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


def _safe_next(target: str | None) -> str | None:
    """Only follow a `next` that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None
