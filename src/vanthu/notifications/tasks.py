"""Background work of notifications (django-tasks). Thin: take ids, call a service, schedule a retry."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from vanthu.notifications.delivery import enqueue_missed_emails
from vanthu.notifications.emailing import EmailOutcome, notification_email_send, retry_delay
from vanthu.notifications.reminders import deadline_reminders_scan

logger = logging.getLogger(__name__)


@task()
def send_notification_email(notification_id: int, attempt: int = 1) -> str:
    """Send one notification's e-mail; on a transient SMTP error try again later with exponential backoff."""
    outcome = notification_email_send(notification_id=notification_id, attempt=attempt)
    if outcome == EmailOutcome.RETRY:
        if send_notification_email.get_backend().supports_defer:
            run_after = timezone.now() + retry_delay(attempt)
            send_notification_email.using(run_after=run_after).enqueue(notification_id, attempt + 1)
        else:
            # The immediate backend (development) cannot wait; retrying at once would only hammer the server.
            logger.warning("Task backend cannot defer; e-mail of notification %s is not retried", notification_id)
    return str(outcome)


@task()
def deadline_scan(today: str | None = None) -> dict[str, int]:
    """Đôn đốc: remind handlers of near and passed deadlines, and re-queue e-mails a crash lost.

    ``today`` (ISO date) is for tests and replays.
    """
    day = dt.date.fromisoformat(today) if today else None
    result = deadline_reminders_scan(today=day)
    missed = enqueue_missed_emails()
    return {"assignments": result.assignments, "deadline_near": result.deadline_near, "overdue": result.overdue,
            "emails_requeued": missed}
