"""``vanthu worker``: the django-tasks database worker plus the periodic jobs.

The scheduler thread only enqueues tasks (at most one waiting or running per task, whatever the number of workers),
so the work itself runs in the worker like any other task and survives a crash of the process that scheduled it:

- the deadline scan (đôn đốc), every ``VANTHU_SCAN_MINUTES`` (15);
- finished task results older than a week are deleted every six hours (the scheduler itself does it);
- the statistics: dirty agency-months every minute, the current month of every agency hourly, and the reports
  of the month that ended (made once, checked hourly);
- a signed checkpoint of the audit chains every ``VANTHU_AUDIT_CHECKPOINT_MINUTES`` (60; 0 turns it off);
- when a hub is configured: the receive loop every ``VANTHU_HUB_POLL_SECONDS``, the outbox retries every
  ``RETRY_TICK_SECONDS``, the directory refresh every hour.
"""

from __future__ import annotations

import importlib
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

from vanthu.core.tasking import enqueue_once as task_enqueue_once

logger = logging.getLogger(__name__)
SCAN_TASK = "vanthu.notifications.tasks.deadline_scan"
RETRY_TICK_SECONDS = 15.0
PRUNE_SECONDS = 6 * 3600.0
STATS_SECONDS = 60.0  # a safety net: each change also asks for a recomputation when it commits
STATS_MONTH_SECONDS = 3600.0
RESULT_DAYS = 7
DIRECTORY_SECONDS = 3600.0


def enqueue_once(module: str, name: str) -> bool:
    """Enqueue ``module.name`` unless one is already waiting or running (several workers may be scheduling).
    False when there is no such task."""
    try:
        tasks = importlib.import_module(module)
    except ImportError:
        return False
    task = getattr(tasks, name, None)
    if task is None:
        return False
    task_enqueue_once(task)
    return True


def scan_enqueue() -> bool:
    """The deadline scan; False when the notifications app has no ``deadline_scan`` task."""
    return enqueue_once("vanthu.notifications.tasks", "deadline_scan")


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


def default_jobs() -> list[Job]:
    minutes = getattr(settings, "VANTHU_SCAN_MINUTES", None)
    if minutes is None:
        from vanthu.config.env import env_int

        minutes = env_int("SCAN_MINUTES", 15)
    reports = "vanthu.reports.tasks"
    jobs = [
        Job("deadline scan", float(minutes) * 60, scan_enqueue),
        Job("prune", PRUNE_SECONDS, prune_results),
        Job("statistics", STATS_SECONDS, lambda: enqueue_once(reports, "stats_refresh")),
        Job("statistics of the month", STATS_MONTH_SECONDS, lambda: enqueue_once(reports, "stats_refresh_now")),
        Job("monthly reports", STATS_MONTH_SECONDS, lambda: enqueue_once(reports, "stats_monthly_reports")),
    ]
    if settings.VANTHU_AUDIT_CHECKPOINT_MINUTES > 0:
        jobs.append(Job("audit checkpoint", float(settings.VANTHU_AUDIT_CHECKPOINT_MINUTES) * 60,
                        lambda: enqueue_once("vanthu.core.tasks", "audit_checkpoint")))
    from vanthu.exchange.outbox import hub_configured

    if hub_configured():
        exchange = "vanthu.exchange.tasks"
        poll = max(float(settings.VANTHU_HUB_POLL_SECONDS), 0.2)
        jobs += [
            Job("exchange receive", poll, lambda: enqueue_once(exchange, "exchange_receive")),
            Job("exchange retries", min(RETRY_TICK_SECONDS, poll),
                lambda: enqueue_once(exchange, "exchange_send_retries")),
            Job("exchange directory", DIRECTORY_SECONDS, lambda: enqueue_once(exchange, "exchange_directory_refresh")),
        ]
    return jobs


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
