"""Enqueue a background task at most once at a time (periodic jobs, "recompute what is dirty" triggers)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def enqueue_once(task: Any) -> bool:
    """Enqueue ``task`` unless one is already waiting or running; returns whether it enqueued. With a backend
    that keeps no results (the immediate one in tests), it simply runs."""
    if "django_tasks_db" in settings.INSTALLED_APPS and _is_database_backend(task):
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        if DBTaskResult.objects.filter(task_path=task.module_path,
                                       status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists():
            return False
    task.enqueue()
    return True


def _is_database_backend(task: Any) -> bool:
    get_backend = getattr(task, "get_backend", None)
    return get_backend is not None and type(get_backend()).__name__ == "DatabaseBackend"
