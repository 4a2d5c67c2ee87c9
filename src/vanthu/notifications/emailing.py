"""E-mail for one notification, sent at most once.

Claim rule: the SMTP conversation (up to the SMTP timeout) never runs inside a transaction, because on SQLite an
open write transaction blocks every other writer for that long. Instead:

1. a single conditional ``UPDATE`` claims the row (sets ``email_claimed_at``) unless it was already e-mailed,
   given up on, or claimed less than ``CLAIM_STALE_AFTER`` ago; it commits at once;
2. the message is sent with no transaction open;
3. a second short transaction records ``emailed_at`` and the audit event (or, on a transient failure, releases
   the claim so the retry can take it; after the last attempt it records ``email_failed_at``).

A task that runs twice, or two workers that pick up the same notification, meet on step 1: the database applies
the ``UPDATE`` to one of them only, and the other sends nothing. A claim left by a crashed worker goes stale and
the next attempt (``missed_emails_requeue``) takes it over. The claim itself is bookkeeping of the worker, not a
change a person sees, so it is not audited; the outcome is.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.notifications.models import Notification

logger = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 60
CLAIM_STALE_AFTER = dt.timedelta(minutes=10)


class EmailOutcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # already sent, unwanted, no address, or the notification is gone
    RETRY = "retry"  # a transient SMTP failure; the caller schedules another attempt
    FAILED = "failed"  # gave up after the last attempt


def max_attempts() -> int:
    return int(getattr(settings, "VANTHU_EMAIL_MAX_ATTEMPTS", 5))


def retry_delay(attempt: int) -> dt.timedelta:
    """Exponential backoff: 1, 2, 4, 8 … minutes after attempt 1, 2, 3, 4 …, capped at 6 hours."""
    return dt.timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** (attempt - 1), 6 * 3600))


def _site_link(path: str) -> str:
    return settings.VANTHU_SITE_URL.rstrip("/") + path


def notification_email_message(notification: Notification) -> EmailMessage:
    """A plain-text message in Vietnamese with a link back to the document (or the notification list)."""
    user = notification.user
    with translation.override(settings.LANGUAGE_CODE):
        title = " ".join(notification.title.split())
        link = _site_link(notification.url or reverse("web:notifications:list"))
        lines = [
            _("Kính gửi %(name)s,") % {"name": user.full_name or user.username},
            "",
            title,
        ]
        if notification.body.strip():
            lines += ["", notification.body.strip()]
        lines += [
            "",
            _("Xem chi tiết: %(link)s") % {"link": link},
            "",
            "-- ",
            _("Thư tự động của hệ thống Vanthu. Đổi cách nhận thông báo tại %(link)s")
            % {"link": _site_link(reverse("web:notifications:settings"))},
        ]
        subject = _("[Vanthu] %(title)s") % {"title": title}
    return EmailMessage(subject=subject[:250], body="\n".join(lines), to=[user.email])


def _claim(notification_id: int) -> tuple[Notification, dt.datetime] | None:
    """Claim the notification for sending (one committed ``UPDATE``); ``None`` when there is nothing to send."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None or notification.email_failed_at is not None:
        return None
    if not notification.wants_email or not notification.user.email or not notification.user.is_active:
        return None
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Notification.objects.filter(pk=notification_id, emailed_at__isnull=True, email_failed_at__isnull=True)
            .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_STALE_AFTER))
            .update(email_claimed_at=now)
        )
    if not claimed:
        return None
    notification.email_claimed_at = now
    return notification, now


@transaction.atomic
def _record_sent(notification: Notification, attempt: int) -> None:
    updated = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now())
    if updated:
        audit_record(
            actor=None, event_type="notification.emailed", target=notification,
            data={"attempt": attempt, "kind": notification.kind},
        )


@transaction.atomic
def _record_failure(notification: Notification, claimed_at: dt.datetime, attempt: int, exc: Exception) -> EmailOutcome:
    if attempt >= max_attempts():
        logger.error("E-mail of notification %s failed for good after %s attempts: %s",
                     notification.pk, attempt, exc)
        Notification.objects.filter(pk=notification.pk).update(email_failed_at=timezone.now())
        audit_record(
            actor=None, event_type="notification.email_failed", target=notification,
            data={"attempts": attempt, "error": str(exc)[:300]},
        )
        return EmailOutcome.FAILED
    logger.warning("E-mail of notification %s failed (attempt %s): %s", notification.pk, attempt, exc)
    # Release our own claim so the scheduled retry may take it (a newer claim is another worker's).
    Notification.objects.filter(pk=notification.pk, email_claimed_at=claimed_at).update(email_claimed_at=None)
    return EmailOutcome.RETRY


def notification_email_send(*, notification_id: int, attempt: int = 1) -> EmailOutcome:
    """Send the e-mail of one notification unless it was already sent or is being sent (see the claim rule)."""
    claim = _claim(notification_id)
    if claim is None:
        return EmailOutcome.SKIPPED
    notification, claimed_at = claim
    try:
        notification_email_message(notification).send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        return _record_failure(notification, claimed_at, attempt, exc)
    _record_sent(notification, attempt)
    return EmailOutcome.SENT


def missed_email_ids(*, older_than: dt.timedelta = dt.timedelta(hours=1),
                     within: dt.timedelta = dt.timedelta(days=2)) -> list[int]:
    """E-mails whose task was never queued (a process died between commit and delivery): rows older than any
    retry chain (5 attempts finish within ~20 minutes), neither sent nor given up. The row lock of the sending
    task makes a duplicate harmless."""
    now = timezone.now()
    return list(
        Notification.objects.filter(
            wants_email=True, emailed_at__isnull=True, email_failed_at__isnull=True,
            created_at__lt=now - older_than, created_at__gte=now - within,
        ).exclude(user__email="").values_list("pk", flat=True)[:1000]
    )
