"""Measured costs: wall time, inference latency, memory and size on disk."""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np


class Stopwatch:
    """``with Stopwatch() as watch: ...`` then ``watch.seconds``."""

    def __enter__(self):
        self._start = time.perf_counter()
        self.seconds = None
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False


def latency_ms_per_image(predict: Callable[[np.ndarray], object], batch: np.ndarray,
                         repeats: int = 20, warmup: int = 3) -> float:
    """Median wall time of ``predict(batch)`` over ``repeats`` runs, divided by
    the batch size, in milliseconds; the first ``warmup`` runs are not counted."""
    if repeats < 1:
        raise ValueError("repeats must be at least 1.")
    for _ in range(warmup):
        predict(batch)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        predict(batch)
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000 / len(batch))


def peak_rss_bytes() -> int:
    """Peak resident memory of this process so far, in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def size_on_disk(paths) -> int:
    """Total size in bytes of the given files (folders counted recursively)."""
    total = 0
    for path in map(Path, paths):
        if path.is_dir():
            total += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        else:
            total += os.path.getsize(path)
    return total
