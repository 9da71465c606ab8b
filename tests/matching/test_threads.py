"""The registry runs each check on one native thread (BLAS and OpenCV pools would only contend)."""
from __future__ import annotations

import cv2
from threadpoolctl import threadpool_info


def test_the_app_limits_blas_and_opencv_to_one_thread(app) -> None:
    pools = threadpool_info()
    assert pools, "numpy's BLAS should be visible to threadpoolctl"
    assert all(p["num_threads"] == 1 for p in pools)
    assert cv2.getNumThreads() == 1
