"""A PostgreSQL primary and its streaming standby (pg_basebackup -R), started on free loopback ports in a temporary
folder: for tests/operations/test_replica_streaming.py and bench/replica.py."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import psycopg


def server_binaries() -> Path | None:
    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(Path(d).parent.name), reverse=True):
        if all((Path(directory) / name).exists() for name in ("initdb", "pg_ctl", "pg_basebackup", "postgres")):
            return Path(directory)
    return None


def as_server_user() -> list[str]:
    """The command prefix that runs the servers. PostgreSQL refuses to run as root: as root (CI), they run as the
    postgres account.

    :raises LookupError: as root, without a postgres account or runuser.
    """
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise LookupError("running as root and there is no postgres account to run the servers as") from None
    if shutil.which("runuser") is None:
        raise LookupError("running as root without runuser to start the servers as postgres")
    return ["runuser", "-u", "postgres", "--"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StreamingPair:
    """A primary and its hot standby, each a postgres server of its own, in a temporary folder under /tmp."""

    def __init__(self, binaries: Path, as_user: list[str], base: Path) -> None:
        self.binaries, self.as_user, self.base = binaries, as_user, base
        self.primary_port, self.standby_port = _free_port(), _free_port()
        self.primary_dir, self.standby_dir = base / "primary", base / "standby"

    def run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.binaries / tool), *args], check=True, cwd=self.base,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def start(self) -> None:
        self.run("initdb", "-D", str(self.primary_dir), "-U", "postgres", "--auth=trust", "--no-sync")
        with open(self.primary_dir / "postgresql.conf", "a") as conf:  # initdb's pg_hba lets 127.0.0.1 replicate
            conf.write(f"port = {self.primary_port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.base}'\nwal_level = replica\nmax_wal_senders = 4\n"
                       "fsync = off\nfull_page_writes = off\n")
        self.start_server(self.primary_dir)
        with psycopg.connect(self.url("postgres", self.primary_port), autocommit=True) as connection:
            connection.execute("CREATE DATABASE registry")
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                 "-D", str(self.standby_dir), "-R", "-X", "stream", "-c", "fast")
        with open(self.standby_dir / "postgresql.conf", "a") as conf:
            conf.write(f"port = {self.standby_port}\n")
        self.start_server(self.standby_dir)

    def start_server(self, data_dir: Path) -> None:
        self.run("pg_ctl", "-D", str(data_dir), "-l", str(data_dir) + ".log", "-w", "-t", "60", "start")

    def stop_server(self, data_dir: Path) -> None:
        if (data_dir / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(data_dir), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        for data_dir in (self.standby_dir, self.primary_dir):
            try:
                self.stop_server(data_dir)
            except (subprocess.SubprocessError, OSError):
                pass

    @staticmethod
    def url(database: str, port: int) -> str:
        return f"postgresql://postgres@127.0.0.1:{port}/{database}"

    def on_standby(self, sql: str) -> None:
        with psycopg.connect(self.url("postgres", self.standby_port), autocommit=True) as connection:
            connection.execute(sql)


@contextmanager
def running_pair() -> Iterator[StreamingPair]:
    """A started pair, stopped and removed on leaving.

    :raises LookupError: when PostgreSQL's server programs, or (as root) the postgres account, are missing.
    """
    binaries = server_binaries()
    if binaries is None:
        raise LookupError("PostgreSQL's server programs (/usr/lib/postgresql/*/bin: initdb, pg_ctl, pg_basebackup) are absent")
    as_user = as_server_user()
    base = Path(tempfile.mkdtemp(prefix="registry-replica-", dir="/tmp"))
    if as_user:
        shutil.chown(base, "postgres", "postgres")
    pair = StreamingPair(binaries, as_user, base)
    try:
        try:
            pair.start()
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"{exc.cmd[len(as_user)]} failed: {exc.stderr.decode(errors='replace')}") from exc
        yield pair
    finally:
        pair.stop()
        shutil.rmtree(base, ignore_errors=True)
