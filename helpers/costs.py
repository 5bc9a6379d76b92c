"""Measured costs: wall time, inference latency, memory and size on disk."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
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


@dataclass
class Latency:
    """Inference time per image: ``median_ms`` of the timed runs, ``spread_ms``
    their interquartile range (both per image), over ``runs`` runs."""

    median_ms: float
    spread_ms: float
    runs: int

    @property
    def relative_spread(self) -> float:
        return self.spread_ms / self.median_ms if self.median_ms > 0 else 0.0


def measure_latency(predict: Callable[[np.ndarray], object], batch: np.ndarray, *, warmup: int = 3,
                    min_runs: int = 10, max_runs: int = 200, max_spread: float = 0.1,
                    max_seconds: float = 30.0) -> Latency:
    """Time ``predict(batch)`` until the timings settle, per image.

    After ``warmup`` untimed runs, runs are timed in rounds of ``min_runs`` until
    the interquartile range is at most ``max_spread`` of the median, or
    ``max_runs`` runs or ``max_seconds`` are reached. Returns a :class:`Latency`
    per image (the times divided by the batch size).
    """
    if min_runs < 1 or max_runs < min_runs:
        raise ValueError("need 1 <= min_runs <= max_runs.")
    for _ in range(warmup):
        predict(batch)
    times, start = [], time.perf_counter()
    while True:
        for _ in range(min_runs):
            begin = time.perf_counter()
            predict(batch)
            times.append(time.perf_counter() - begin)
        q1, median, q3 = np.percentile(times, [25, 50, 75])
        settled = (q3 - q1) <= max_spread * median
        if settled or len(times) >= max_runs or time.perf_counter() - start > max_seconds:
            break
    scale = 1000 / len(batch)
    return Latency(float(median * scale), float((q3 - q1) * scale), len(times))


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


def in_fresh_process(code: str, *args: str):
    """Run Python ``code`` (with ``args`` as ``sys.argv[1:]``) in a new interpreter
    and return the JSON value on the last line it prints: for measurements that
    one process's history would spoil (peak memory only grows, Keras keeps what
    it has built)."""
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])
