"""``vanthu worker``: the django-tasks database worker plus a periodic deadline scan."""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger(__name__)
SCAN_TASK = "vanthu.notifications.tasks.deadline_scan"


def scan_enqueue() -> bool:
    """Enqueue the deadline scan unless one is already waiting or running (several workers may be scheduling).

    Returns False when the notifications app has no ``deadline_scan`` task (yet).
    """
    try:
        from vanthu.notifications import tasks
    except ImportError:
        return False
    task = getattr(tasks, "deadline_scan", None)
    if task is None:
        return False
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    pending = DBTaskResult.objects.filter(
        task_path=SCAN_TASK, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).exists() if "django_tasks_db" in settings.INSTALLED_APPS else False
    if not pending:
        task.enqueue()
    return True


class Scheduler(threading.Thread):
    """Every ``interval`` seconds, enqueue the deadline scan. A daemon: it dies with the worker."""

    def __init__(self, interval: float) -> None:
        super().__init__(name="vanthu-scheduler", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                if not scan_enqueue():
                    logger.info("no deadline_scan task; scheduler idle")
            except Exception:  # a failed tick must not kill the scheduler; the next tick retries
                logger.exception("deadline scan could not be enqueued")
            finally:
                close_old_connections()
            self.stopped.wait(self.interval)


class Command(BaseCommand):
    help = "Chạy tiến trình xử lý nền (hàng đợi tác vụ và quét hạn xử lý định kỳ)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--no-scheduler", action="store_true", help="Không quét hạn xử lý định kỳ.")
        parser.add_argument("--batch", action="store_true", help="Xử lý hết hàng đợi rồi thoát.")

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler = None
        if not options["no_scheduler"] and not options["batch"]:
            minutes = getattr(settings, "VANTHU_SCAN_MINUTES", None)
            if minutes is None:
                from vanthu.config.env import env_int

                minutes = env_int("SCAN_MINUTES", 15)
            scheduler = Scheduler(interval=float(minutes) * 60)
            scheduler.start()
        try:
            call_command("db_worker", batch=options["batch"])
        finally:
            if scheduler is not None:
                scheduler.stopped.set()
