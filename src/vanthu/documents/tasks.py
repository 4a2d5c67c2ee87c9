"""Background work of the document life cycles (django-tasks). Thin: a service call each."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from vanthu.documents.reminders import deadline_reminders_scan


@task()
def deadline_scan(today: str | None = None) -> dict[str, int]:
    """Đôn đốc: remind handlers of near and passed deadlines. ``today`` (ISO date) is for tests and replays."""
    day = dt.date.fromisoformat(today) if today else None
    result = deadline_reminders_scan(today=day)
    return {"assignments": result.assignments, "deadline_near": result.deadline_near, "overdue": result.overdue}
