"""Threads for checks: one native thread each, and a pool that describes the query beside the caller.

A check multiplies small matrices (a 4 096 x 128 projection, 700 x 16 assignments) and resizes one
photo. OpenBLAS and OpenCV would split these over every core; on a shared 2-core machine, with other
requests or workers running, those threads mostly wait for each other. Bench (bench/README.md): under
load the 95th percentile of describing a query fell from ~200 ms to ~30 ms with one BLAS thread.

Describing a query's variants (ORB: ~10 ms each) is coarser work, most of it in OpenCV, which
releases the GIL: a check describes a second variant in one more thread, and a photo with no second
variant shares its ORB pyramid levels with that thread (``features.start_extracting``). Candidates
are verified in the calling thread (``ranking._verify_batch`` says why).
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, TypeVar

import cv2
from threadpoolctl import threadpool_limits

VERIFY_THREADS = 1  # beside the calling thread (0: a check runs in the calling thread only)
T = TypeVar("T")

_pool: ThreadPoolExecutor | None = None
_pool_pid = 0
_this_thread = threading.local()


def use_one_native_thread() -> None:
    """Limit BLAS/OpenMP pools and OpenCV to one thread for the rest of the process."""
    threadpool_limits(limits=1)
    cv2.setNumThreads(1)


def verification_pool() -> ThreadPoolExecutor | None:
    """This process's verification pool (None on a single core). A pool is made again in a forked child
    (a web server's worker), whose copy of the parent's threads does not run."""
    global _pool, _pool_pid
    if VERIFY_THREADS < 1 or (os.cpu_count() or 1) < 2:
        return None
    if _pool is None or _pool_pid != os.getpid():
        _pool = ThreadPoolExecutor(VERIFY_THREADS, thread_name_prefix="verify", initializer=_mark_pool_thread)
        _pool_pid = os.getpid()
    return _pool


def _mark_pool_thread() -> None:
    _this_thread.in_pool = True


def pool_to_split_into() -> ThreadPoolExecutor | None:
    """The verification pool, unless this thread is one of its own (which must not wait for work queued behind
    itself), or None."""
    return None if getattr(_this_thread, "in_pool", False) else verification_pool()


def beside(func: Callable[..., T], *args: Any) -> Callable[[], T]:
    """Start ``func(*args)`` in the pool and return what waits for its result (called at once without a pool)."""
    pool = verification_pool()
    if pool is None:
        value = func(*args)
        return lambda: value
    return pool.submit(func, *args).result
