"""gunicorn settings for the registry: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` (flags on the command line win).

Set PROMETHEUS_MULTIPROC_DIR to a folder of its own (a tmpfs, e.g. /run/registry/prometheus) so that /metrics sums
every worker's samples: it is emptied as gunicorn starts, and each worker that exits is marked dead there.
"""

import glob
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
timeout = 60
graceful_timeout = 30
# The registry writes its own access log line (JSON, with the request id) for every request.
accesslog = None
errorlog = "-"
# X-Forwarded-* are trusted from the reverse proxy on this host only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Remove the samples of an earlier run: counters would otherwise start from its totals."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for stale in glob.glob(os.path.join(folder, "*.db")):
            os.unlink(stale)


def child_exit(server, worker):
    """A worker gone: its live gauges (index size, last sync) leave /metrics; its counters stay in the sums."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
