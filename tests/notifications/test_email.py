from __future__ import annotations

import datetime as dt
import email
import email.policy
from typing import Any

import pytest
from django.utils import timezone

from tests.builders import AgencyKit
from tests.notifications.conftest import Mailbox, free_port
from tests.notifications.helpers import emit
from vanthu.core.models import AuditEvent
from vanthu.notifications.emailing import max_attempts
from vanthu.notifications.models import Notification
from vanthu.notifications.tasks import missed_emails_requeue, send_notification_email

pytestmark = pytest.mark.django_db


def _parsed(envelope: Any) -> email.message.EmailMessage:
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def test_delivery_enqueues_one_email_task_per_notification(
    kit: AgencyKit, dummy_tasks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        [row] = emit(kit.specialist.user)
    assert [(r.task.name, r.args) for r in dummy_tasks.results] == [("send_notification_email", [row.pk])]


def test_user_without_address_gets_no_email_task(
    kit: AgencyKit, dummy_tasks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = kit.specialist.user
    user.email = ""
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        emit(user)
    assert dummy_tasks.results == []


def test_email_arrives_over_smtp_once_even_if_the_task_runs_twice(
    kit: AgencyKit, smtp_server: Mailbox, settings: Any
) -> None:
    settings.VANTHU_SITE_URL = "https://vanthu.example.vn"
    [row] = emit(kit.specialist.user, title="Văn bản 15/UBND giao phòng Kế hoạch — Tài chính",
                 url="/van-ban-den/15/")
    assert send_notification_email.call(row.pk) == "sent"
    assert send_notification_email.call(row.pk) == "skipped"

    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == [kit.specialist.user.email]
    message = _parsed(envelope)
    assert str(message["Subject"]).strip() == "[Vanthu] Văn bản 15/UBND giao phòng Kế hoạch — Tài chính"
    body = message.get_content()
    assert "Kính gửi Người chuyenvien" in body
    assert "https://vanthu.example.vn/van-ban-den/15/" in body
    row.refresh_from_db()
    assert row.emailed_at is not None
    assert AuditEvent.objects.filter(event_type="notification.emailed", target_id=str(row.pk)).count() == 1


def test_smtp_refusal_schedules_a_retry_with_backoff(
    kit: AgencyKit, smtp_server: Mailbox, dummy_tasks: Any
) -> None:
    smtp_server.reply = "451 4.3.0 Máy chủ bận, thử lại sau"
    [row] = emit(kit.specialist.user)
    before = timezone.now()
    assert send_notification_email.call(row.pk) == "retry"
    [retry] = dummy_tasks.results
    assert retry.args == [row.pk, 2]
    assert retry.task.run_after is not None
    assert before + dt.timedelta(seconds=59) <= retry.task.run_after <= timezone.now() + dt.timedelta(seconds=61)
    row.refresh_from_db()
    assert row.emailed_at is None

    # The second attempt backs off twice as long.
    dummy_tasks.clear()
    assert send_notification_email.call(row.pk, 2) == "retry"
    assert dummy_tasks.results[0].task.run_after >= timezone.now() + dt.timedelta(seconds=119)

    # Once the server accepts, the retry delivers exactly one message.
    smtp_server.reply = "250 OK"
    assert send_notification_email.call(row.pk, 3) == "sent"
    assert len(smtp_server.envelopes) == 1


def test_unreachable_server_is_retried(kit: AgencyKit, settings: Any, dummy_tasks: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    [row] = emit(kit.specialist.user)
    assert send_notification_email.call(row.pk) == "retry"
    assert [r.args for r in dummy_tasks.results] == [[row.pk, 2]]


def test_last_attempt_gives_up_and_is_audited(kit: AgencyKit, smtp_server: Mailbox, dummy_tasks: Any) -> None:
    smtp_server.reply = "451 4.3.0 thử lại sau"
    [row] = emit(kit.specialist.user)
    assert send_notification_email.call(row.pk, max_attempts()) == "failed"
    assert dummy_tasks.results == []
    assert AuditEvent.objects.filter(event_type="notification.email_failed", target_id=str(row.pk)).exists()
    row.refresh_from_db()
    assert row.email_failed_at is not None
    smtp_server.reply = "250 OK"
    assert send_notification_email.call(row.pk) == "skipped"
    assert smtp_server.envelopes == []


def test_email_muted_row_is_never_sent(kit: AgencyKit, smtp_server: Mailbox) -> None:
    [row] = emit(kit.specialist.user)
    Notification.objects.filter(pk=row.pk).update(wants_email=False)
    assert send_notification_email.call(row.pk) == "skipped"
    assert smtp_server.envelopes == []


def test_email_lost_between_commit_and_enqueue_is_requeued_later(kit: AgencyKit, dummy_tasks: Any) -> None:
    [lost] = emit(kit.specialist.user, key="lost")
    [sent] = emit(kit.specialist.user, key="sent")
    [failed] = emit(kit.specialist.user, key="failed")
    [recent] = emit(kit.specialist.user, key="recent")
    two_hours_ago = timezone.now() - dt.timedelta(hours=2)
    Notification.objects.exclude(pk=recent.pk).update(created_at=two_hours_ago)
    Notification.objects.filter(pk=sent.pk).update(emailed_at=timezone.now())
    Notification.objects.filter(pk=failed.pk).update(email_failed_at=timezone.now())

    assert missed_emails_requeue.call() == 1
    assert [r.args for r in dummy_tasks.results] == [[lost.pk]]
