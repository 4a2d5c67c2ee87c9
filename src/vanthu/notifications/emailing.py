"""E-mail for one notification, sent at most once.

Locking rule: the notification row is locked (``SELECT … FOR UPDATE``) for the whole send, and ``emailed_at`` is
set in the same transaction. A task that runs twice, or two workers that pick up the same notification, meet on
that lock; the second one sees ``emailed_at`` and sends nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.notifications.models import Notification

logger = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 60


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


@transaction.atomic
def notification_email_send(*, notification_id: int, attempt: int = 1) -> EmailOutcome:
    """Send the e-mail of one notification unless it was already sent (see the locking rule above)."""
    notification = (
        Notification.objects.select_for_update(of=("self",)).select_related("user")
        .filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed_at is not None or notification.email_failed_at is not None:
        return EmailOutcome.SKIPPED
    if not notification.wants_email or not notification.user.email or not notification.user.is_active:
        return EmailOutcome.SKIPPED
    try:
        notification_email_message(notification).send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        if attempt >= max_attempts():
            logger.error("E-mail of notification %s failed for good after %s attempts: %s",
                         notification_id, attempt, exc)
            notification.email_failed_at = timezone.now()
            notification.save(update_fields=["email_failed_at"])
            audit_record(
                actor=None, event_type="notification.email_failed", target=notification,
                data={"attempts": attempt, "error": str(exc)[:300]},
            )
            return EmailOutcome.FAILED
        logger.warning("E-mail of notification %s failed (attempt %s): %s", notification_id, attempt, exc)
        return EmailOutcome.RETRY
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    audit_record(
        actor=None, event_type="notification.emailed", target=notification,
        data={"attempt": attempt, "kind": notification.kind},
    )
    return EmailOutcome.SENT
