"""The SMTP send runs with no transaction open; a claimed row is not sent twice unless the claim is stale."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone

from tests.builders import make_agency_kit
from tests.notifications.helpers import emit
from vanthu.core.models import AuditEvent
from vanthu.notifications.emailing import CLAIM_STALE_AFTER, EmailOutcome, notification_email_send
from vanthu.notifications.models import Notification

SEEN: list[dict[str, Any]] = []


class RecordingBackend(BaseEmailBackend):
    """Records, for each message, whether a transaction was open and what the row looked like at send time."""

    def send_messages(self, email_messages: Any) -> int:
        for message in email_messages:
            row = Notification.objects.get(user__email=message.to[0])
            SEEN.append({"in_atomic": connection.in_atomic_block, "claimed": row.email_claimed_at is not None,
                         "emailed": row.emailed_at is not None})
        return len(email_messages)


@pytest.fixture
def recording(settings: Any) -> list[dict[str, Any]]:
    settings.EMAIL_BACKEND = f"{__name__}.RecordingBackend"
    SEEN.clear()
    return SEEN


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_message_is_sent(settings: Any, recording: list[dict[str, Any]]) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    kit = make_agency_kit()
    # Committing the notification runs the e-mail task at once (immediate task backend, on commit).
    [row] = emit(kit.specialist.user)
    assert not connection.in_atomic_block
    # The claim was committed before the send and nothing was recorded yet; no transaction held a lock meanwhile.
    assert recording == [{"in_atomic": False, "claimed": True, "emailed": False}]
    row.refresh_from_db()
    assert row.emailed_at is not None
    assert notification_email_send(notification_id=row.pk) == EmailOutcome.SKIPPED
    assert len(recording) == 1
    assert AuditEvent.objects.filter(event_type="notification.emailed", target_id=str(row.pk)).count() == 1


@pytest.mark.django_db
def test_a_fresh_claim_is_not_sent_again(recording: list[dict[str, Any]]) -> None:
    kit = make_agency_kit()
    [row] = emit(kit.specialist.user)
    Notification.objects.filter(pk=row.pk).update(email_claimed_at=timezone.now() - dt.timedelta(minutes=1))
    assert notification_email_send(notification_id=row.pk) == EmailOutcome.SKIPPED
    assert recording == []
    row.refresh_from_db()
    assert row.emailed_at is None


@pytest.mark.django_db
def test_a_stale_claim_of_a_crashed_worker_is_taken_over(recording: list[dict[str, Any]]) -> None:
    kit = make_agency_kit()
    [row] = emit(kit.specialist.user)
    stale = timezone.now() - CLAIM_STALE_AFTER - dt.timedelta(seconds=1)
    Notification.objects.filter(pk=row.pk).update(email_claimed_at=stale)
    assert notification_email_send(notification_id=row.pk) == EmailOutcome.SENT
    assert len(recording) == 1
    row.refresh_from_db()
    assert row.emailed_at is not None and row.email_claimed_at is not None and row.email_claimed_at > stale


@pytest.mark.django_db
def test_a_transient_failure_releases_the_claim_for_the_retry(settings: Any, monkeypatch: pytest.MonkeyPatch,
                                                              recording: list[dict[str, Any]]) -> None:
    kit = make_agency_kit()
    [row] = emit(kit.specialist.user)

    def refuse(self: Any, messages: Any) -> int:
        raise ConnectionRefusedError("máy chủ thư không trả lời")

    monkeypatch.setattr(RecordingBackend, "send_messages", refuse)
    assert notification_email_send(notification_id=row.pk, attempt=1) == EmailOutcome.RETRY
    row.refresh_from_db()
    assert row.email_claimed_at is None and row.emailed_at is None
    monkeypatch.undo()
    settings.EMAIL_BACKEND = f"{__name__}.RecordingBackend"
    assert notification_email_send(notification_id=row.pk, attempt=2) == EmailOutcome.SENT
    assert len(recording) == 1
