"""Enforcing the access matrix: every endpoint names its action; a request to an endpoint without one is refused."""

from __future__ import annotations

from flask import Flask, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from registry.policy import ANONYMOUS, Principal, allowed, can_change_record, can_view_record

PUBLIC = "site.public"  # the action every role may do (registry/policy.py MATRIX)
# endpoint -> action of registry/policy.py MATRIX. A new route without an entry here is refused (and fails the tests).
ENDPOINT_ACTIONS: dict[str, str] = {
    "static": "site.public",
    "home.index": "site.public",
    "home.who_may_register": "site.public",
    "catalogue.choose": "records.search",
    "catalogue.pdf": "records.search",
    "objects.search": "records.search",
    "objects.register": "records.create",
    "objects.photo_lookup": "records.photo_lookup",
    "objects.sheet": "records.view_published",
    "objects.edit": "records.edit",
    "objects.status": "records.change_status",
    "objects.remove_photo_view": "records.edit",
    "objects.history": "records.view_history",
    "objects.delete": "records.delete",
    "api.delete_record": "records.delete",
    "media.photo_file": "media.view",
    "check.check_page": "checks.run",
    "check.log": "checks.view",
    "check.show": "checks.view",
    "redlists_ui.index": "redlists.view",
    "redlists_ui.lookup": "redlists.view",
    "redlists_ui.browse": "redlists.view",
    "redlists_ui.red_list": "redlists.view",
    "redlists_ui.category": "redlists.view",
    "redlists_ui.reference_image": "redlists.view",
    "redlists_ui.add_tag": "records.tag",
    "redlists_ui.remove_tag": "records.tag",
    "auth.login": "account.sign_in",
    "auth.logout": "account.sign_in",
    "auth.forgot_password": "account.sign_in",
    "auth.reset_with_link": "account.sign_in",
    "account.dashboard": "account.manage_own",
    "account.tokens": "account.manage_own",
    "account.revoke_token": "account.manage_own",
    "account.password": "account.manage_own",
    "account.two_factor": "account.manage_own",
    "account.sign_out_everywhere_view": "account.manage_own",
    "account.read_notification": "account.manage_own",
    "watch.index": "account.manage_own",
    "watch.watch": "account.manage_own",
    "watch.stop": "account.manage_own",
    "admin.users": "admin.users",
    "admin.user_action": "admin.users",
    "admin.audit": "admin.audit",
    "admin.audit_export": "admin.audit",
    "admin.institutions": "admin.institutions",
    "admin.edit_organisation": "admin.institutions",
    "certificates.issue": "certificates.issue",
    "certificates.show": "certificates.view",
    "certificates.pdf": "certificates.view",
    "certificates.verify": "certificates.verify",
    "certificates.verify_form": "certificates.verify",
    "api.create_check": "checks.run",
    "api.list_checks": "checks.view",
    "api.get_check": "checks.view",
    "api.list_records": "records.search",
    "api.get_record": "records.view_published",
    "api.create_record": "records.create",
    "api.update_record": "records.edit",
    "api.change_status": "records.change_status",
    "api.add_photos": "records.edit",
    "api.delete_photo": "records.edit",
    "api-docs.openapi_json": "site.public",
    "api-docs.openapi_swagger_ui": "site.public",
    "api_docs_assets": "site.public",
    "feeds.stolen_json": "records.view_published",
    "feeds.stolen_atom": "records.view_published",
    "feeds.stolen_json_feed": "records.view_published",
    "feeds.stolen_json_signature": "records.view_published",
    "feeds.stolen_atom_signature": "records.view_published",
    "feeds.stolen_json_feed_signature": "records.view_published",
    "api.export_records": "records.search",
    "api.import_records": "records.create",
    "api.red_lists": "redlists.view",
    "api.lookup": "redlists.view",
    "api.category": "redlists.view",
    "health.healthz": "site.public",
    "health.readyz": "site.public",
    "observability.metrics": "site.public",  # its own guard: REGISTRY_METRICS_TOKEN or REGISTRY_METRICS_ALLOW
}

# A signed-in user whose role may not do these is shown a page that says who may, and what they can do instead.
EXPLAINED_ACTIONS: dict[str, str] = {"records.create": "home/who_may_register.html"}


def current_principal() -> Principal:
    """The acting user in the terms of the policy (anonymous when not signed in)."""
    if not current_user or not current_user.is_authenticated:
        return ANONYMOUS
    return Principal(role=current_user.role, user_id=current_user.id, institution_id=current_user.institution_id,
                     agency=current_user.agency or "")


def is_api_request() -> bool:
    """True for a request to the JSON API."""
    return request.blueprint == "api"


def deny():
    """Refuse the current request: sign-in page or 401 for visitors, 403 for signed-in users."""
    principal = current_principal()
    if is_api_request():
        if principal.is_anonymous:
            return _json_error("a valid API token is required: send 'Authorization: Bearer <token>' (create one under Account > API tokens)", 401)
        return _json_error("your role may not do this", 403)
    if principal.is_anonymous:
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    explanation = EXPLAINED_ACTIONS.get(g.get("action", ""))
    if explanation is not None:
        return render_template(explanation, role=principal.role, may_register=False), 403
    abort(403, description="Your account may not do this.")


def _json_error(message: str, status: int):
    response = jsonify(error=message, status=status)
    response.status_code = status
    return response


def enforce_matrix():
    """before_request: refuse an endpoint without a rule, or an action the principal's role may not do."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # 404 / 405 handled by Werkzeug
    action = ENDPOINT_ACTIONS.get(endpoint)
    if action is None:
        current_app.logger.error("no access rule for endpoint %s", endpoint)
        abort(403, description="This page has no access rule yet.")
    if action == PUBLIC and not is_api_request():
        g.action = action
        return None  # every role may: the user is not loaded (health checks answer without the database)
    principal = current_principal()
    if is_api_request() and not allowed(principal, "api.use"):
        return deny()
    g.action = action
    if not allowed(principal, action):
        return deny()
    return None


def ensure_can_view(record) -> None:
    """404 (not 403, so inventory numbers do not leak) unless the principal may view this record."""
    if not can_view_record(current_principal(), record.status, record.institution_id):
        abort(404)


def ensure_can_change(action: str, record) -> None:
    """403 unless the principal may do `action` on this record (a registrar: only their institution's)."""
    ensure_can_view(record)
    if not can_change_record(current_principal(), action, record.institution_id):
        abort(403, description="Only a registrar of the record's institution may change it.")


def init_app(app: Flask) -> None:
    """Install the enforcement on every request."""
    app.before_request(enforce_matrix)
