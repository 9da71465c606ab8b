"""Default settings; each can be overridden by an environment variable with the REGISTRY_ prefix."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping


class Config:
    """Defaults. `REGISTRY_<NAME>` in the environment wins over these; a test mapping wins over both."""

    DATABASE_URL: str | None = None  # default: SQLite file in the instance folder
    # A PostgreSQL streaming standby of DATABASE_URL for the photo index and the searches (registry/replica.py);
    # read only while it has replayed all the primary wrote, waiting up to REPLICA_MAX_WAIT_MS, else the primary is.
    DATABASE_REPLICA_URL: str | None = None
    REPLICA_MAX_WAIT_MS = 50
    MEDIA_DIR: str | None = None  # default: <instance>/media
    # Photos in an S3-compatible store instead of MEDIA_DIR: s3://bucket/prefix (registry/storage/). Credentials come
    # from boto3's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile or an instance role).
    MEDIA_STORE: str | None = None
    S3_ENDPOINT_URL: str | None = None  # MinIO, Ceph RGW...; unset for AWS S3
    S3_REGION: str | None = None
    SECRET_KEY: str | None = None  # default: generated once into <instance>/secret_key
    # Photo files of a deleted record are kept this long, then `registry media purge-deleted` removes them
    # (services/deletion.py); files that are evidence of a check or a certificate are never purged.
    DELETED_PHOTO_RETENTION_DAYS = 180
    MAX_PHOTO_BYTES = 20 * 1024 * 1024
    MAX_PHOTO_PIXELS = 40_000_000
    MAX_PHOTOS_PER_UPLOAD = 12
    # A check is anyone's, so its photos are held to less than a record's (a 24-megapixel camera's still passes):
    # bench/hostile.py measures what the worst check these allow costs a worker.
    MAX_CHECK_PHOTO_PIXELS = 25_000_000
    MAX_PHOTOS_PER_CHECK = 12
    # Request bodies larger than these are refused (413) from their Content-Length, before any byte is read; a body
    # sent without one is cut off at the limit.
    MAX_CONTENT_LENGTH = 100 * 1024 * 1024
    MAX_CHECK_BODY_BYTES = 50 * 1024 * 1024
    RECORDS_PER_PAGE = 20
    # How other systems reach this registry (links in feeds and exports); unset: the host and port each request came
    # to, so feeds served on another port (make run PORT=8080) link to it (services.exchange.public_url)
    PUBLIC_URL: str | None = None
    PUBLISHER = "Object ID Registry"
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    # Behind HTTPS in production: redirect to https, HSTS, and cookies marked Secure.
    FORCE_HTTPS = False
    LOGIN_RATE_LIMIT = "10 per minute"
    # "Forgot your password?": links e-mailed (needs SMTP_HOST and PUBLIC_URL) work once, for this many minutes.
    PASSWORD_RESET_MINUTES = 60
    PASSWORD_RESET_EVERY_MINUTES = 5  # at most one forgotten-password link an account in this time, whoever asks
    INVITATION_DAYS = 7  # ... and a new account's link to choose its first password, this many days
    # Checks (page and API together), per anonymous address, per signed-in account, per API token (registry/limits).
    CHECK_RATE_LIMIT_ANONYMOUS = "10 per minute;60 per hour"
    CHECK_RATE_LIMIT_ACCOUNT = "30 per minute;300 per hour"
    CHECK_RATE_LIMIT_TOKEN = "60 per minute;1000 per hour"
    # Where the counts live: redis://127.0.0.1:6379/0 shares them between workers and servers; unset, each worker
    # counts alone in its memory. (RATELIMIT_STORAGE_URI, Flask-Limiter's own name, is read as well.)
    RATELIMIT_STORAGE_URL: str | None = None
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis unreachable: count in the worker's memory meanwhile rather than refuse every check with a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # /metrics answers the bearer of this token, or any address of these networks (comma-separated CIDR); else 404.
    METRICS_TOKEN: str | None = None
    METRICS_ALLOW = "127.0.0.1/32,::1/128"
    # Every INDEX_RECONCILE_SECONDS each worker compares one range of photo ids of its in-memory index with the
    # database, the next range each time, each holding at most INDEX_RECONCILE_ROWS photo rows (services/index.py):
    # every photo is compared within (photos / rows + 1) periods (10 M photos: 51 minutes), at a bounded cost a round.
    INDEX_RECONCILE_SECONDS = 60
    INDEX_RECONCILE_ROWS = 200_000
    LOG_FORMAT = "json"  # one JSON object a line on stderr, with the request id; "text" leaves Flask's default
    LOG_LEVEL = "INFO"
    # A database that does not answer a new connection within this many seconds counts as down (503), instead of
    # holding a worker until gunicorn kills it. Pooled connections are tested before use (see engine_options).
    DATABASE_CONNECT_TIMEOUT = 5
    # Retry-After of a 503 (database unreachable, media store unwritable): seconds a client should wait.
    RETRY_AFTER_SECONDS = 30
    # How many reverse proxies stand before the app (Werkzeug ProxyFix on X-Forwarded-For/-Proto/-Host); 0: none,
    # the headers are ignored, as a client could forge them.
    PROXY_FIX = 0
    # The registry's Ed25519 key, signing offline banks and the stolen feed (`registry offline-bank keys --generate`);
    # default: <instance>/signing-key.pem. Never in the repository.
    SIGNING_KEY_FILE: str | None = None
    CONTACT = ""  # who to call about a lost object found (a phone, an address), written in offline banks
    OFFLINE_BANK_VALID_DAYS = 30  # a bank (or its newest delta) older than this is refused by checks
    OFFLINE_BANK_MAX_MB = 40  # a bank's features are thinned to keep it within this size
    WATCH_DAYS = 365  # a record reported lost is looked for in the photos of the checks of this many days back
    # After a record is reported lost, the host that saved it sweeps earlier checks: "thread" (in the background:
    # the request does not wait), "inline" (before the request answers) or "cron" (only `registry watch sweep`,
    # which sweeps whatever is pending on any host; schedule it every few minutes either way).
    WATCH_SWEEP = "thread"
    WATCH_SWEEP_STALE_MINUTES = 15  # a sweep claimed this long ago and not finished (a killed worker) is taken over
    # E-mail of watch notices (none sent while SMTP_HOST is empty): smtplib, STARTTLS when SMTP_STARTTLS is true.
    SMTP_HOST = ""
    SMTP_PORT = 25
    SMTP_FROM = "registry@localhost"
    SMTP_USERNAME = ""
    SMTP_PASSWORD = ""
    SMTP_STARTTLS = False


def load_or_create_secret_key(instance_path: str) -> str:
    """Return the secret key stored in the instance folder, creating it (mode 0600) on first use."""
    key_file = Path(instance_path) / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def create_private_sqlite_file(url: str) -> None:
    """Create a SQLite database file readable by its owner only (0600) before SQLite creates it with the umask's
    mode (0644: every local user could read accounts and inventory). An existing file is left as it is."""
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return
    path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
    if not path.name or path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:  # another process created it meanwhile
        pass


def sqlalchemy_url(url: str) -> str:
    """Normalise a database URL so that PostgreSQL URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(url: str, configured: Mapping[str, Any] | None, connect_timeout: int) -> dict[str, Any]:
    """SQLAlchemy engine options: the configured ones, with a liveness test of each pooled connection before use
    (`pool_pre_ping`: after a database restart the dead connections are replaced, not handed to a request) and,
    on PostgreSQL, a connection timeout."""
    options = dict(configured or {})
    options.setdefault("pool_pre_ping", True)
    if url.startswith("postgresql"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", int(connect_timeout))
        options["connect_args"] = connect_args
    return options
