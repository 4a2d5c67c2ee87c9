"""Periodic jobs: what the worker's scheduler enqueues every so often, registered by the apps that own the work.

Each app registers its jobs in its ``AppConfig.ready()`` (the deadline scan by notifications, the statistics by
reports, the receive loop by exchange…), so the worker in ``core`` knows no app above it. A job names a task of
django-tasks; the scheduler enqueues it at most once at a time (``core.tasking.enqueue_once``), however many workers
run, and the work itself runs as an ordinary task that survives the crash of the process that scheduled it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def _always() -> bool:
    return True


@dataclass(frozen=True)
class PeriodicJob:
    name: str  # for the log: "deadline scan", "exchange receive"…
    task: Any  # a django-tasks Task taking no arguments
    interval: Callable[[], float]  # seconds; read when the scheduler starts (settings may differ per process)
    enabled: Callable[[], bool] = _always  # e.g. only when a hub is configured


_JOBS: dict[str, PeriodicJob] = {}


def periodic_register(job: PeriodicJob) -> None:
    """Add (or replace, by name) a job; called from ``AppConfig.ready()``."""
    _JOBS[job.name] = job


def periodic_jobs() -> list[PeriodicJob]:
    """The registered jobs that are enabled in this process, in registration order."""
    return [job for job in _JOBS.values() if job.enabled()]
