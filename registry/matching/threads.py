"""Native thread pools for checks: one thread each.

A check multiplies small matrices (a 4 096 x 128 projection, 700 x 16 assignments) and resizes one
photo. OpenBLAS and OpenCV would split these over every core; on a shared 2-core machine, with other
requests or workers running, those threads mostly wait for each other. Bench (bench/README.md): under
load the 95th percentile of describing a query fell from ~200 ms to ~30 ms with one BLAS thread.
Concurrency comes from web workers, one check each.
"""
from __future__ import annotations

import cv2
from threadpoolctl import threadpool_limits


def use_one_native_thread() -> None:
    """Limit BLAS/OpenMP pools and OpenCV to one thread for the rest of the process."""
    threadpool_limits(limits=1)
    cv2.setNumThreads(1)
