"""Timing shared by the benchmarks: wall-clock samples of a callable, median and p95 in milliseconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(median, p95) of ``samples``; p95 by the nearest rank."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def measure(fn: Callable[[], object], runs: int, *, warmup: int = 3) -> tuple[float, float]:
    """Call ``fn`` ``warmup`` times unmeasured, then ``runs`` times: (median, p95) in ms."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)
