"""Two registries on loopback: each a real app served by its own HTTP server thread, with its own SQLite database,
media folder and signing key."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from registry import create_app
from registry.extensions import db


@dataclass
class RunningRegistry:
    """A registry served on 127.0.0.1 (its app, its address, its CLI runner)."""

    app: Flask
    url: str

    def cli(self, *args: str):
        """Run a `registry` command against this registry (in its app context, as the `registry` command runs)."""
        with self.app.app_context():
            return self.app.test_cli_runner().invoke(args=list(args))

    def public_key(self) -> str:
        """Its public key, as `registry offline-bank keys` prints it."""
        return self.cli("offline-bank", "keys").stdout.split("public key: ")[1].split()[0]


def _start(tmp_path: Path, name: str, servers: list) -> RunningRegistry:
    folder = tmp_path / name
    folder.mkdir()
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'registry.sqlite'}", "MEDIA_DIR": str(folder / "media"),
                      "SECRET_KEY": f"key-{name}", "WTF_CSRF_ENABLED": False, "PUBLISHER": f"Registry {name}",
                      "SIGNING_KEY_FILE": str(folder / "signing-key.pem")})
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.port}"
    thread = threading.Thread(target=server.serve_forever, name=f"registry-{name}", daemon=True)
    thread.start()
    servers.append((server, thread, app))
    running = RunningRegistry(app, app.config["PUBLIC_URL"])
    assert running.cli("offline-bank", "keys", "--generate").exit_code == 0
    return running


@pytest.fixture
def two_registries(tmp_path):
    """Registries A and B, each served over loopback on a free port; stopped and closed after the test."""
    servers: list = []
    try:
        yield _start(tmp_path, "A", servers), _start(tmp_path, "B", servers)
    finally:
        for server, thread, app in servers:
            server.shutdown()
            thread.join(timeout=10)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
