"""Shared fixtures: an app on a throwaway database (SQLite, or PostgreSQL when REGISTRY_DATABASE_URL says so)."""

from __future__ import annotations

import hashlib
import atexit
import io
import os
import shutil
import socket
import tempfile
from email import message_from_bytes
from typing import Callable

import numpy as np
import pytest
from aiosmtpd.controller import Controller
from PIL import Image
from sqlalchemy import text

from registry import PROJECT_ROOT, create_app
from registry.extensions import db

# Tests never touch the project's instance/ folder (its demo-accounts.txt holds the passwords `make run` printed):
# every app a test creates without a folder of its own gets this throwaway one.
os.environ["REGISTRY_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="registry-test-instance-")
atexit.register(shutil.rmtree, os.environ["REGISTRY_INSTANCE_PATH"], True)
PROJECT_INSTANCE = PROJECT_ROOT / "instance"
GUARDED_INSTANCE_FILES = ("demo-accounts.txt", "secret_key")


def instance_fingerprint() -> dict[str, str | None]:
    """SHA-256 of the project's instance files that sign-in depends on (None: absent)."""
    return {name: hashlib.sha256((PROJECT_INSTANCE / name).read_bytes()).hexdigest()
            if (PROJECT_INSTANCE / name).is_file() else None for name in GUARDED_INSTANCE_FILES}


_INSTANCE_BEFORE = instance_fingerprint()


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if any test changed the project's instance/ folder."""
    changed = [name for name, digest in instance_fingerprint().items() if digest != _INSTANCE_BEFORE[name]]
    if changed:
        session.config.get_terminal_writer().line(
            f"tests changed the project's instance/ folder ({', '.join(changed)}): tests must use temporary folders", red=True)
        session.exitstatus = 1


def _database_url(tmp_path) -> str:
    return os.environ.get("REGISTRY_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite'}"


def reset_postgres_schema() -> None:
    """Empty the PostgreSQL test database (tables, types, alembic_version)."""
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture
def app_config(tmp_path) -> dict:
    """Settings for a test app; tests may change them before the app fixture is used."""
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": _database_url(tmp_path),
        "MEDIA_DIR": str(tmp_path / "media"),
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        # tests send checks in bursts from one address; tests/test_rate_limits.py sets real limits
        "CHECK_RATE_LIMIT_ANONYMOUS": "100000 per minute",
        "CHECK_RATE_LIMIT_ACCOUNT": "100000 per minute",
        "CHECK_RATE_LIMIT_TOKEN": "100000 per minute",
        # the standing watch sweeps before the change's request answers (tests/watch tries "thread" and "cron")
        "WATCH_SWEEP": "inline",
    }


def app_with_empty_schema(config: dict):
    """The app made with ``config``, in its context, on an empty schema created from the models (dropped after)."""
    app = create_app(config)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            reset_postgres_schema()
        db.create_all()
        yield app
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            reset_postgres_schema()
        db.engine.dispose()


@pytest.fixture
def app(app_config):
    """The app with an empty schema created from the models."""
    yield from app_with_empty_schema(app_config)


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of the app."""
    return app.test_cli_runner()


def draw_test_image(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A distinct RGB picture per seed: coloured blocks over a gradient, so hashes differ between seeds."""
    rng = np.random.default_rng(seed)
    height, width = size[1], size[0]
    base = np.linspace(0, 255, width)[None, :, None] * rng.uniform(0.2, 1.0, 3)[None, None, :]
    pixels = np.repeat(base, height, axis=0)
    for _ in range(8):
        x, y = rng.integers(0, width - 40), rng.integers(0, height - 40)
        w, h = rng.integers(20, width // 2), rng.integers(20, height // 2)
        pixels[y:y + h, x:x + w] = rng.integers(0, 256, 3)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8))


@pytest.fixture
def make_image() -> Callable[..., bytes]:
    """make_image(seed, fmt="JPEG", size=(320, 240), exif=None) -> encoded image bytes."""

    def make(seed: int = 1, fmt: str = "JPEG", size: tuple[int, int] = (320, 240), exif: Image.Exif | None = None) -> bytes:
        buffer = io.BytesIO()
        options = {"exif": exif} if exif is not None else {}
        draw_test_image(seed, size).save(buffer, format=fmt, **options)
        return buffer.getvalue()

    return make


@pytest.fixture
def record_fields() -> Callable[..., dict]:
    """record_fields(**overrides) -> form data for registering an object."""

    def fields(**overrides) -> dict:
        data = {
            "institution": "Museum of Testing",
            "object_number": "T-001",
            "object_type": "Statuette",
            "materials": "bronze",
            "techniques": "lost-wax cast",
            "measurements_text": "H 23 cm",
            "length_unit": "cm",
            "weight_unit": "kg",
            "inscriptions": "Dedication on the base",
            "distinguishing_features": "Left foot missing",
            "title": "Standing worshipper",
            "subject": "Worshipper with raised hands",
            "date_period": "8th century BC",
            "maker": "",
            "maker_qualifier": "",
            "description": "A small bronze figure.",
            "status": "inventory",
        }
        data.update(overrides)
        return data

    return fields


PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(app):
    """make_user(role, email=None, institution="Museum of Testing", agency="Test Customs") -> User."""
    from registry.services.accounts import create_user

    def make(role: str, email: str | None = None, institution: str = "Museum of Testing", agency: str = "Test Customs"):
        return create_user(email or f"{role}@test.example", role.title(), role, PASSWORD, "test",
                           institution=institution if role == "registrar" else "",
                           agency=agency if role == "law_enforcement" else "",
                           organisation="Test Auctions" if role == "dealer" else "")

    return make


@pytest.fixture
def login_as(client, make_user):
    """login_as(role, **make_user options) -> User: create the account and sign the test client in."""

    def login(role: str, **options):
        user = make_user(role, **options)
        response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


@pytest.fixture
def api_headers(make_user):
    """api_headers(role="law_enforcement", **make_user options) -> {"Authorization": "Bearer <token>"} of a new account."""
    from registry.services.accounts import create_token

    def headers(role: str = "law_enforcement", **options) -> dict[str, str]:
        user = make_user(role, **options)
        return {"Authorization": f"Bearer {create_token(user, 'tests', 'test')}"}

    return headers


@pytest.fixture
def save_elsewhere(app):
    """save_elsewhere(record_id, **column values): commit a change to a record from another database connection, as
    another user's request would meanwhile (its version goes up by one)."""
    from registry.models import ObjectRecord

    def save(record_id: int, **values) -> None:
        table = ObjectRecord.__table__
        with db.engine.begin() as connection:
            connection.execute(table.update().where(table.c.id == record_id).values(version=table.c.version + 1, **values))

    return save


class _Inbox:
    """What a test SMTP server received: (recipients, message) pairs."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox():
    """A real SMTP server on a free loopback port, and what it received."""
    handler = _Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()
