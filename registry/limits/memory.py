"""Memory a large request took goes back to the system when it ends.

glibc keeps the heap a request freed for the next allocations, and after a freed large buffer it raises its
threshold for serving buffers from the system directly (up to 32 MB): the buffers of the next decoded photo come
from that heap, and the worker's resident size stays at its highest (bench/hostile.py: +1.9 GB an hour later).
`malloc_trim` hands the free pages back; it costs a few milliseconds, so only after requests with a body.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache
from typing import Callable

from flask import Flask, request

TRIM_AFTER_BODY_BYTES = 256 * 1024  # requests with a body at least this large (uploads) are followed by a trim


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None on another C library (musl, macOS), where there is nothing to do."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def give_back_memory() -> bool:
    """Return the memory the process's allocator holds free to the system; False where that cannot be done."""
    trim = _malloc_trim()
    return bool(trim is not None and trim(0) is not None)


def init_app(app: Flask) -> None:
    """Trim after each request that carried an upload."""

    @app.teardown_request
    def trim_after_upload(_exc: BaseException | None) -> None:
        if (request.content_length or 0) >= TRIM_AFTER_BODY_BYTES or request.headers.get("Transfer-Encoding") == "chunked":
            give_back_memory()
