"""The registry's Prometheus metrics (prometheus-client), defined once. No Flask here.

Under gunicorn each worker is a process: set PROMETHEUS_MULTIPROC_DIR to an empty folder before the app starts
(deploy/gunicorn.conf.py clears it and marks dead workers), and every worker writes its samples there; /metrics then
adds them up across workers (prometheus_client.multiprocess).
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess

# A check: decoding the submitted photo and describing it, searching the index, verifying and ranking candidates.
CHECK_STAGES = ("describe", "search", "rank", "total")
CHECK_SECONDS = Histogram(
    "registry_check_seconds", "Time a check of one photo spends in each stage", ["stage"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
INDEX_PHOTOS = Gauge("registry_index_photos", "Photos in this worker's in-memory index", ["scope"],
                     multiprocess_mode="liveall")
INDEX_LAST_SYNC = Gauge("registry_index_last_sync_timestamp_seconds",
                        "When this worker last brought its index up to date with the database (Unix time)",
                        multiprocess_mode="liveall")
INDEX_BEHIND = Gauge("registry_index_behind_photos",
                     "Photos changed in the database whose change this worker's index has not replayed yet, "
                     "when /metrics was read", multiprocess_mode="liveall")
INDEX_LAST_COMPARISON = Gauge("registry_index_last_comparison_timestamp_seconds",
                              "When this worker last compared a range of its index with the database (Unix time)",
                              multiprocess_mode="liveall")
INDEX_WHOLE_COMPARED = Gauge("registry_index_whole_compared_timestamp_seconds",
                             "Every photo of this worker's index has been compared with the database since then "
                             "(Unix time)", multiprocess_mode="liveall")
INDEX_DRIFT_REPAIRED = Gauge("registry_index_drift_repaired_photos",
                             "Photos this worker's comparisons found wrong in its index and put right, since it started",
                             multiprocess_mode="liveall")
INDEX_DRIFT_UNREPAIRED = Gauge("registry_index_drift_unrepaired_ranges",
                               "Photo-id ranges where this worker found drift that is not yet put right",
                               multiprocess_mode="liveall")
UPLOADS_REFUSED = Counter("registry_uploads_refused_total", "Photos refused, by reason", ["reason"])
HTTP_ERRORS = Counter("registry_http_errors_total", "Answers with a 4xx or 5xx status, by route and status",
                      ["route", "status"])
HTTP_SECONDS = Histogram("registry_http_request_seconds", "Time to answer a request, by route", ["route"],
                         buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))

# Why a photo was refused, from the words of its message (registry/imaging/validate.py): a short, fixed label set.
_REFUSAL_REASONS = (
    ("polyglot", "polyglot"), ("file name", "file_name"), ("empty", "empty"), ("too large", "too_large"),
    ("decompression bomb", "too_many_pixels"), ("not an image", "not_an_image"),
    ("truncated or damaged", "damaged"), ("not accepted", "format"), ("too small", "too_small"),
)


def refusal_reason(template: str) -> str:
    """The label of a refused photo's reason, from its message template ("other" when none fits)."""
    return next((label for words, label in _REFUSAL_REASONS if words in template), "other")


def count_refused_upload(reason: str) -> None:
    """Count one photo refused for ``reason`` (a label: see refusal_reason, or storage_full, storage_unwritable,
    request_too_large)."""
    UPLOADS_REFUSED.labels(reason=reason).inc()


def check_timed(**seconds_by_stage: float) -> None:
    """Record how long one photo's check spent in each stage (describe, search, rank, total)."""
    for stage, seconds in seconds_by_stage.items():
        CHECK_SECONDS.labels(stage=stage).observe(seconds)


def index_synced(index) -> None:
    """Record the size of a worker's index just brought up to date (a services.index.LiveIndex)."""
    import time

    INDEX_PHOTOS.labels(scope="all").set(len(index.everything))
    INDEX_PHOTOS.labels(scope="lost").set(len(index.reported))
    INDEX_LAST_SYNC.set(time.time())


def index_measured(behind: int | None, comparisons) -> None:
    """Record a worker's index lag (photos with events not replayed; None: not loaded) and where its comparisons
    with the database stand (a services.index_compare.Comparisons)."""
    if behind is not None:
        INDEX_BEHIND.set(behind)
    if comparisons.last is not None:
        INDEX_LAST_COMPARISON.set(comparisons.last.at)
    if comparisons.whole_compared_at is not None:
        INDEX_WHOLE_COMPARED.set(comparisons.whole_compared_at)
    INDEX_DRIFT_REPAIRED.set(comparisons.drift_repaired)
    INDEX_DRIFT_UNREPAIRED.set(len(comparisons.unrepaired))


def exposition() -> bytes:
    """Every metric in Prometheus' text format: summed across worker processes when PROMETHEUS_MULTIPROC_DIR is set."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY)
