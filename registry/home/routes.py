"""Landing page and "who may register"."""

from __future__ import annotations

from flask import render_template

from registry.auth.access import current_principal
from registry.home import bp
from registry.policy import allowed
from registry.services.dashboards import landing_figures


@bp.get("/")
def index():
    """What the registry is, with three doors: check an object, look up Red Lists, register your collection."""
    return render_template("home/index.html", figures=landing_figures(),
                           may_register=allowed(current_principal(), "records.create"))


@bp.get("/register")
def who_may_register():
    """Who may register objects, and what else the reader can do (never a bare "forbidden")."""
    return render_explanation(200)


def render_explanation(status: int):
    """The "who may register" page, with `status` (403 when it answers a request to register)."""
    principal = current_principal()
    return render_template("home/who_may_register.html", role=principal.role,
                           may_register=allowed(principal, "records.create")), status
