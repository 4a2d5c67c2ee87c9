"""Background work of notifications (django-tasks). Thin: take ids, call a service, schedule a retry."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from vanthu.notifications.emailing import EmailOutcome, missed_email_ids, notification_email_send, retry_delay

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
def missed_emails_requeue() -> int:
    """Re-queue the e-mails a crash lost (``emailing.missed_email_ids``)."""
    ids = missed_email_ids()
    for pk in ids:
        send_notification_email.enqueue(pk)
    return len(ids)
