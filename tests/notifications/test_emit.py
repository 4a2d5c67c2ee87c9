from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.builders import AgencyKit
from tests.notifications.helpers import emit
from vanthu.core.models import AuditEvent
from vanthu.notifications.enums import NotificationKind
from vanthu.notifications.models import Notification, NotificationPreference
from vanthu.notifications.selectors import (
    notification_list_for_user,
    notification_preferences_for_user,
    notification_unread_count,
)
from vanthu.notifications.services import (
    Channels,
    NotificationSpec,
    notification_mark_all_read,
    notification_preferences_update,
    notifications_emit_many,
)

pytestmark = pytest.mark.django_db


def test_without_preferences_a_notification_is_shown_and_emailed(kit: AgencyKit) -> None:
    [row] = emit(kit.specialist.user)
    assert (row.show_in_app, row.wants_email) == (True, True)
    assert notification_unread_count(actor=kit.specialist) == 1


def test_same_event_notifies_each_user_once(kit: AgencyKit) -> None:
    emit(kit.specialist.user, key="assignment:7")
    assert emit(kit.specialist.user, key="assignment:7") == []
    assert Notification.objects.filter(user=kit.specialist.user).count() == 1


def test_in_app_off_hides_the_row_but_still_emails(kit: AgencyKit, django_capture_on_commit_callbacks: Any) -> None:
    notification_preferences_update(actor=kit.specialist, choices={
        NotificationKind.ASSIGNED: Channels(in_app=False, email=True)})
    with django_capture_on_commit_callbacks(execute=True):
        [row] = emit(kit.specialist.user)
    assert row.show_in_app is False
    assert list(notification_list_for_user(actor=kit.specialist)) == []
    assert [m.to for m in mail.outbox] == [[kit.specialist.user.email]]


def test_email_off_shows_the_row_without_email(kit: AgencyKit, django_capture_on_commit_callbacks: Any) -> None:
    notification_preferences_update(actor=kit.specialist, choices={
        NotificationKind.ASSIGNED: Channels(in_app=True, email=False)})
    with django_capture_on_commit_callbacks(execute=True):
        [row] = emit(kit.specialist.user)
    assert row.show_in_app is True and row.wants_email is False
    assert mail.outbox == []


def test_both_channels_off_creates_nothing(kit: AgencyKit) -> None:
    notification_preferences_update(actor=kit.specialist, choices={
        NotificationKind.ASSIGNED: Channels(in_app=False, email=False)})
    assert emit(kit.specialist.user) == []
    # Another kind is unaffected by the ASSIGNED choice.
    assert len(emit(kit.specialist.user, key="x", kind=NotificationKind.RETURNED)) == 1


def test_inactive_users_are_never_notified(kit: AgencyKit) -> None:
    user = kit.specialist.user
    user.is_active = False
    user.save()
    assert emit(user) == []


def test_preference_back_to_default_removes_the_row_and_is_audited(kit: AgencyKit) -> None:
    changed = notification_preferences_update(actor=kit.specialist, choices={
        NotificationKind.OVERDUE: Channels(in_app=True, email=False), "NOT_A_KIND": Channels(False, False)})
    assert changed == [NotificationKind.OVERDUE]
    choices = {c.kind: c for c in notification_preferences_for_user(actor=kit.specialist)}
    assert choices[NotificationKind.OVERDUE].email is False and choices[NotificationKind.OVERDUE].in_app is True
    notification_preferences_update(actor=kit.specialist, choices={
        NotificationKind.OVERDUE: Channels(in_app=True, email=True)})
    assert not NotificationPreference.objects.filter(user=kit.specialist.user).exists()
    events = AuditEvent.objects.filter(event_type="notification.preferences_updated", actor=kit.specialist.user)
    assert events.count() == 2


def test_mark_all_read_touches_only_own_notifications(kit: AgencyKit) -> None:
    emit(kit.specialist.user, key="a")
    emit(kit.specialist.user, key="b")
    emit(kit.finance_head.user, key="a")
    assert notification_mark_all_read(actor=kit.specialist) == 2
    assert notification_unread_count(actor=kit.specialist) == 0
    assert notification_unread_count(actor=kit.finance_head) == 1


def test_emit_many_uses_the_same_queries_for_few_or_many_events(kit: AgencyKit) -> None:
    users = [kit.specialist.user.pk, kit.finance_head.user.pk, kit.leader.user.pk]

    def specs(prefix: str, n: int) -> list[NotificationSpec]:
        return [NotificationSpec(kind=NotificationKind.DEADLINE_NEAR, user_ids=tuple(users),
                                 dedup_key=f"{prefix}:{i}", title=f"Đôn đốc {i}") for i in range(n)]

    with CaptureQueriesContext(connection) as few:
        assert len(notifications_emit_many(specs=specs("few", 2))) == 6
    with CaptureQueriesContext(connection) as many:
        assert len(notifications_emit_many(specs=specs("many", 20))) == 60
    assert len(many) == len(few)


def test_a_direction_notifies_the_unit_leader_in_app_and_by_email(
    kit: AgencyKit, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.builders import registered_document
    from vanthu.documents.handling import DirectionInput, Handler, direction_create
    from vanthu.documents.services import incoming_present

    doc = registered_document(kit)
    incoming_present(actor=kit.clerk, document_id=doc.pk, leader_id=kit.leader.user.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        direction_create(actor=kit.leader, document_id=doc.pk, data=DirectionInput(
            lead=Handler(unit_id=kit.finance.pk), instruction="Phòng KHTC chủ trì"))
    [row] = notification_list_for_user(actor=kit.finance_head)
    assert row.kind == NotificationKind.ASSIGNED and row.incoming_id == doc.pk
    assert [m.to for m in mail.outbox] == [[kit.finance_head.user.email]]
    assert doc.subject in mail.outbox[0].subject
