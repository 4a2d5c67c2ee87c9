"""``vanthu worker``: the django-tasks database worker plus the periodic jobs.

The scheduler thread only enqueues tasks (at most one waiting or running per task, whatever the number of workers),
so the work itself runs in the worker like any other task and survives a crash of the process that scheduled it.
The jobs are those the apps registered (``core.periodic``): the signed checkpoint of the audit chains (core), the
deadline scan (documents), the statistics (reports), the receive loop, the outbox retries and the directory
(exchange, when a hub is configured), the e-mail safety net (notifications), and — the worker's own — the pruning
of finished task results older than a week, every six hours.
"""

from __future__ import annotations

import logging
import threading
import time
from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from vanthu.core.periodic import PeriodicJob, periodic_jobs
from vanthu.core.tasking import enqueue_once

logger = logging.getLogger(__name__)
PRUNE_SECONDS = 6 * 3600.0
RESULT_DAYS = 7


def prune_results() -> bool:
    """Finished task results older than ``RESULT_DAYS`` go: the periodic jobs write a row every tick."""
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return False
    call_command("prune_db_task_results", min_age_days=RESULT_DAYS, verbosity=0)
    return True


@dataclass
class Job:
    name: str
    interval: float
    run: Callable[[], bool]
    due: float = 0.0


def _enqueuer(job: PeriodicJob) -> Callable[[], bool]:
    return lambda: enqueue_once(job.task)


def default_jobs() -> list[Job]:
    """The registered periodic jobs, plus pruning the task results."""
    jobs = [Job(job.name, float(job.interval()), _enqueuer(job)) for job in periodic_jobs()]
    return [*jobs, Job("prune", PRUNE_SECONDS, prune_results)]


class Scheduler(threading.Thread):
    """Runs each job's ``run`` every ``interval`` seconds (the first time at start). A daemon: it dies with the
    worker; a failing tick is logged and the next one retries."""

    def __init__(self, jobs: list[Job]) -> None:
        super().__init__(name="vanthu-scheduler", daemon=True)
        self.jobs = jobs
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            now = time.monotonic()
            for job in self.jobs:
                if now < job.due:
                    continue
                job.due = now + job.interval
                try:
                    if not job.run():
                        logger.info("no task for %s; skipped", job.name)
                except Exception:  # a failed tick must not kill the scheduler
                    logger.exception("%s could not be enqueued", job.name)
                finally:
                    close_old_connections()
            wait = min(job.due for job in self.jobs) - time.monotonic() if self.jobs else 60.0
            self.stopped.wait(max(wait, 0.05))


class Command(BaseCommand):
    help = "Chạy tiến trình xử lý nền (hàng đợi tác vụ, quét hạn xử lý và liên thông văn bản định kỳ)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--no-scheduler", action="store_true", help="Không chạy các tác vụ định kỳ.")
        parser.add_argument("--batch", action="store_true", help="Xử lý hết hàng đợi rồi thoát.")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="Số giây chờ giữa hai lần kiểm tra hàng đợi khi không có tác vụ (mặc định 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler = None
        if not options["no_scheduler"] and not options["batch"]:
            scheduler = Scheduler(default_jobs())
            scheduler.start()
        try:
            call_command("db_worker", batch=options["batch"], interval=options["interval"])
        finally:
            if scheduler is not None:
                scheduler.stopped.set()
