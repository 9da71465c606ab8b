"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from registry.auth import bp
from registry.auth.forms import LoginForm
from registry.extensions import db, limiter
from registry.services.accounts import audit, authenticate, end_sessions

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


def _safe_next(target: str | None) -> str | None:
    """Only follow a `next` that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None
