"""Fixtures that break what the registry stands on: the database (gone, restarted) and the media store (unwritable, full).

The apps here are served as in a worker: no app context is kept pushed between requests, so each request checks a
connection out of the pool and gives it back, and a dead pooled connection is met exactly as in production.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import threading
from pathlib import Path
from typing import Callable, Iterator

import pytest
from sqlalchemy.engine import make_url

from registry import create_app
from registry.extensions import db
from tests.conftest import PASSWORD, reset_postgres_schema

DATABASE_URL = os.environ.get("REGISTRY_DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith("postgres")
needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: set REGISTRY_DATABASE_URL to a disposable database")


class TcpProxy:
    """A TCP relay to the PostgreSQL server that can be stopped (connections refused, open ones cut) and started again
    on the same port: the database going away and coming back, without touching the server others use."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def stop(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() blocked in its thread (close alone does not)
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


class Outage:
    """Takes the app's database away and brings it back.

    PostgreSQL: the app reaches the server through a TcpProxy, stopped (new connections refused, open ones cut) and
    started again. SQLite: the database file's folder is moved away and the pool emptied (an open SQLite file cannot
    be taken from a connection), so every new connection fails ("unable to open database file"), then moved back.
    """

    def __init__(self, app, proxy: TcpProxy | None, folder: Path | None) -> None:
        self.app, self.proxy, self.folder = app, proxy, folder

    def begin(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
            return
        self.folder.rename(self.folder.with_name(self.folder.name + "-away"))
        with self.app.app_context():
            db.engine.dispose()

    def end(self) -> None:
        if self.proxy is not None:
            self.proxy.start()
            return
        self.folder.with_name(self.folder.name + "-away").rename(self.folder)


@pytest.fixture
def serve(tmp_path) -> Iterator[Callable[..., object]]:
    """serve(through_proxy=False, **settings) -> an app with an empty schema, served as in a worker.

    With through_proxy (PostgreSQL), the app connects through a TcpProxy, kept as `app.outage.proxy`.
    Every app gets `app.outage` (an Outage) and `app.make_user(role)`.
    """
    made = []

    def make(through_proxy: bool = False, **settings):
        proxy = None
        folder = tmp_path / f"db{len(made)}"
        folder.mkdir()
        url = DATABASE_URL or f"sqlite:///{folder / 'registry.sqlite'}"
        if ON_POSTGRES and through_proxy:
            target = make_url(DATABASE_URL)
            proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
            proxy.start()
            url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        config = {"TESTING": True, "DATABASE_URL": url, "MEDIA_DIR": str(tmp_path / "media"), "SECRET_KEY": "test-secret-key",
                  "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "1000 per minute", **settings}
        app = create_app(config)
        with app.app_context():
            if ON_POSTGRES:
                reset_postgres_schema()
            db.create_all()
            db.session.remove()
        app.outage = Outage(app, proxy, None if ON_POSTGRES else folder)
        app.make_user = lambda role, **options: _make_user(app, role, **options)
        made.append((app, proxy))
        return app

    yield make
    for app, proxy in reversed(made):
        if proxy is not None and proxy._listener is None:
            proxy.start()  # a test that ended during an outage: the schema is still to be dropped
        with app.app_context():
            db.session.remove()
            if ON_POSTGRES:
                reset_postgres_schema()
            db.engine.dispose()
        if proxy is not None:
            proxy.stop()


def _make_user(app, role: str, email: str | None = None):
    from registry.services.accounts import create_user

    with app.app_context():
        user = create_user(email or f"{role}@test.example", role.title(), role, PASSWORD, "test",
                           institution="Museum of Testing" if role == "registrar" else "",
                           agency="Test Customs" if role == "law_enforcement" else "")
        user_id, user_email = user.id, user.email
        db.session.remove()
    return user_id, user_email


def sign_in(client, email: str) -> None:
    """Sign the test client in (the password every test user has)."""
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def token_for(app, user_id: int) -> dict[str, str]:
    """Authorization headers with a new API token of the user."""
    from registry.models import User
    from registry.services.accounts import create_token

    with app.app_context():
        token = create_token(db.session.get(User, user_id), "faults", "test")
        db.session.remove()
    return {"Authorization": f"Bearer {token}"}


def leftover_temporary_files(root: Path) -> list[Path]:
    """Temporary files of the media store's atomic writes still lying under `root`."""
    return sorted(root.rglob(".tmp-*")) if root.exists() else []


@contextlib.contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """Until the block ends, this process cannot write a file beyond `limit` bytes: the write fails with EFBIG.

    RLIMIT_FSIZE with SIGXFSZ ignored (otherwise the kernel kills the process). Works unprivileged, in a plain
    container and as root alike: only the soft limit is lowered, and it is put back.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    if hard != resource.RLIM_INFINITY and hard < limit:
        pytest.skip(f"the hard file size limit ({hard}) is below the {limit} bytes this test needs")
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


@contextlib.contextmanager
def tmpfs(path: Path, size: str, read_only: bool = False) -> Iterator[Path]:
    """A tmpfs of `size` (e.g. "256k") mounted at `path` for the block, read-only if asked; the test is skipped when
    this machine does not let us mount one (a plain container lacks CAP_SYS_ADMIN)."""
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size},mode=0755" + (",ro" if read_only else "")
    if shutil.which("mount") is None:
        pytest.skip("no mount command here, so no small file system can be filled")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip() or result.returncode}): it needs CAP_SYS_ADMIN, "
                    "which a plain container lacks; the RLIMIT_FSIZE tests still cover a full store")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)
