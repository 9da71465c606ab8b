"""The Object ID Registry: Object ID records, photos and matching against stolen cultural objects."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from werkzeug.routing import IntegerConverter

from registry.config import Config, create_private_sqlite_file, engine_options, load_or_create_secret_key, sqlalchemy_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class DatabaseId(IntegerConverter):
    """`<int:...>` in every route: ids beyond what the database stores are simply not found (404), not an error."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (Werkzeug's signature)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the registry app.

    :param test_config: settings that win over the defaults and the REGISTRY_* environment.
    """
    from registry.matching import use_one_native_thread

    use_one_native_thread()  # checks run one per worker: see registry/matching/threads.py
    app = Flask(
        __name__,
        instance_path=_instance_path(test_config),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _configure(app, test_config)
    app.url_map.converters["int"] = DatabaseId
    if int(app.config["PROXY_FIX"] or 0) > 0:
        _trust_proxies(app, int(app.config["PROXY_FIX"]))

    from registry import replica
    from registry.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    replica.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app, login_manager)
    _init_security_headers(app)

    from registry import models  # noqa: F401  (register the tables with the metadata)
    from registry import cli, errors, i18n, input_guard, limits, templating
    from registry.account import bp as account_bp
    from registry.admin import bp as admin_bp
    from registry.api import bp as api_bp
    from registry.auth import access
    from registry.auth import bp as auth_bp
    from registry.catalogue import bp as catalogue_bp
    from registry.certificates import bp as certificates_bp
    from registry.watch import bp as watch_bp
    from registry.feeds import bp as feeds_bp
    from registry.health import bp as health_bp
    from registry.observability import bp as observability_bp
    from registry.home import bp as home_bp
    from registry.check import bp as check_bp
    from registry.media import bp as media_bp
    from registry.objects import bp as objects_bp
    from registry.redlists_ui import bp as redlists_bp

    app.register_blueprint(objects_bp, url_prefix="/objects")
    app.register_blueprint(check_bp, url_prefix="/check")
    app.register_blueprint(redlists_bp, url_prefix="/redlists")
    app.register_blueprint(media_bp, url_prefix="/media")
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(certificates_bp)
    app.register_blueprint(watch_bp, url_prefix="/watch")
    app.register_blueprint(feeds_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(observability_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(catalogue_bp, url_prefix="/catalogue")
    access.init_app(app)
    csrf.exempt(api_bp)  # API clients authenticate per request, not with a browser session
    _init_api(app, api_bp)
    errors.init_app(app)
    input_guard.init_app(app)
    limits.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    from registry.observability.routes import init_app as init_observability; init_observability(app)  # noqa: E702

    return app


def _trust_proxies(app: Flask, proxies: int) -> None:
    """Behind `proxies` reverse proxies, take the client's address, scheme and host from their X-Forwarded-* headers
    (the last `proxies` entries, those the proxies wrote): audit entries, rate limits and sign-in back-off then see
    the client, not the proxy. Never set without a proxy: a client could then choose its own address."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]


def _init_login(app: Flask, login_manager) -> None:
    """Sessions for pages; personal API tokens (Authorization: Bearer) for the API only."""
    from flask import g

    from registry.extensions import db
    from registry.models import User
    from registry.services.accounts import user_for_token

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"

    @app.before_request
    def forget_cached_user() -> None:
        # An app context can outlive one request (tests, CLI helpers): each request works out its own user.
        g.pop("_login_user", None)

    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        from flask import request

        # The API authenticates by token only: a browser session must not carry over to the (CSRF-exempt) API.
        user_part, _, epoch = user_id.partition(":")
        if request.path.startswith("/api/") or not (user_part.isdigit() and epoch.isdigit()):
            return None
        user = db.session.get(User, int(user_part))
        # a cookie from before the user's last sign-out, password change or disabling names an older epoch
        return user if user is not None and user.active and user.session_epoch == int(epoch) else None

    @login_manager.request_loader
    def load_user_from_token(req):
        header = req.headers.get("Authorization", "")
        if not req.path.startswith("/api/") or not header.startswith("Bearer "):
            return None
        return user_for_token(header.removeprefix("Bearer ").strip())


def _init_api(app: Flask, api_bp) -> None:
    """The JSON API with its OpenAPI document (/api/v1/openapi.json) and interactive page (/api/v1/docs)."""
    from flask import send_from_directory
    from swagger_ui_bundle import swagger_ui_path

    from registry.api.openapi import RegistryApi, document_ignored_fields, init_spec

    from registry.errors import init_app as init_error_pages

    app.config.update(
        API_TITLE="Object ID Registry API",
        API_VERSION="1.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/api/v1/docs/assets/",
        API_SPEC_OPTIONS={
            "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer", "description": "A personal API token"}}},
            "security": [{"token": []}],
            "info": {"description": "Every call needs a personal API token (Account > API tokens). Errors are "
                                    "{\"error\": \"...\", \"status\": N, \"details\": {...}}."},
        },
    )
    api = RegistryApi(app)
    init_spec(api)
    api.register_blueprint(api_bp, url_prefix="/api/v1")
    document_ignored_fields(api)
    # flask-smorest installs an app-wide JSON error handler; pages keep their own (the API blueprint keeps its JSON one).
    init_error_pages(app)

    @app.get("/api/v1/docs/assets/<path:filename>")
    def api_docs_assets(filename: str):
        return send_from_directory(swagger_ui_path, filename, max_age=86400)


def _init_security_headers(app: Flask) -> None:
    """Content security policy and the usual security headers (Flask-Talisman)."""
    from flask_talisman import Talisman

    https = bool(app.config["FORCE_HTTPS"])
    Talisman(
        app,
        force_https=https,
        strict_transport_security=https,
        session_cookie_secure=https,
        content_security_policy={
            "default-src": "'self'",
            "img-src": ["'self'", "data:"],
            "style-src": "'self'",
            "script-src": "'self'",
            "object-src": "'none'",
            "base-uri": "'self'",
            "form-action": "'self'",
            "frame-ancestors": "'none'",
        },
        frame_options="DENY",
        referrer_policy="same-origin",
    )


def _instance_path(test_config: Mapping[str, Any] | None) -> str | None:
    """The instance folder (database, media, secret key, demo passwords): INSTANCE_PATH of the test mapping, else
    REGISTRY_INSTANCE_PATH, else Flask's default (``instance/`` beside the package)."""
    chosen = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("REGISTRY_INSTANCE_PATH")
    return str(Path(chosen).resolve()) if chosen else None


def _configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Layer the settings: defaults, then REGISTRY_* environment variables, then the test mapping."""
    app.config.from_object(Config)
    app.config.from_prefixed_env("REGISTRY")
    if test_config:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    database_url = app.config.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'registry.sqlite'}"
    create_private_sqlite_file(database_url)
    app.config["SQLALCHEMY_DATABASE_URI"] = sqlalchemy_url(database_url)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS"), app.config["DATABASE_CONNECT_TIMEOUT"]
    )
    if app.config.get("RATELIMIT_STORAGE_URL"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URL"]
    app.config["MEDIA_DIR"] = app.config.get("MEDIA_DIR") or str(Path(app.instance_path) / "media")
    app.config["SIGNING_KEY_FILE"] = app.config.get("SIGNING_KEY_FILE") or str(Path(app.instance_path) / "signing-key.pem")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)
