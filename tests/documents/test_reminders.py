from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.builders import AgencyKit, registered_document
from vanthu.core.calendar import add_working_days, working_days_between
from vanthu.documents.handling import (
    DirectionInput,
    Handler,
    assignment_complete,
    assignment_delegate,
    direction_create,
)
from vanthu.documents.models import IncomingDocument
from vanthu.documents.reminders import deadline_reminders_scan, reminder_horizon
from vanthu.documents.services import incoming_present
from vanthu.documents.tasks import deadline_scan
from vanthu.notifications.enums import NotificationKind
from vanthu.notifications.models import Notification
from vanthu.notifications.tasks import missed_emails_requeue
from vanthu.workflows.enums import HandlerRole
from vanthu.workflows.models import Assignment

pytestmark = pytest.mark.django_db


def _due() -> dt.date:
    return add_working_days(timezone.localdate(), 10)


def _directed(kit: AgencyKit, due: dt.date, lead: Handler | None = None) -> IncomingDocument:
    doc = registered_document(kit)
    incoming_present(actor=kit.clerk, document_id=doc.pk, leader_id=kit.leader.user.pk)
    direction_create(actor=kit.leader, document_id=doc.pk, data=DirectionInput(
        lead=lead or Handler(unit_id=kit.finance.pk), informed=[Handler(unit_id=kit.office.pk)],
        instruction="Tham mưu trả lời", due_date=due))
    return doc


def _reminders(kind: str) -> list[tuple[int, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user_id", "dedup_key"))


def test_due_within_two_working_days_reminds_the_unit_leader_once(kit: AgencyKit) -> None:
    due = _due()
    _directed(kit, due)
    today = add_working_days(due, -2)
    assert working_days_between(today, due) == 2

    first = deadline_reminders_scan(today=today)
    again = deadline_reminders_scan(today=today)

    [(user_id, key)] = _reminders(NotificationKind.DEADLINE_NEAR)
    assert user_id == kit.finance_head.user.pk
    assert key.startswith("deadline_near:assignment:")
    assert (first.deadline_near, again.deadline_near) == (1, 0)
    title = Notification.objects.get(kind=NotificationKind.DEADLINE_NEAR).title
    assert title.startswith("Đôn đốc:") and due.strftime("%d/%m/%Y") in title


def test_due_three_working_days_away_is_not_yet_reminded(kit: AgencyKit) -> None:
    due = _due()
    _directed(kit, due)
    today = add_working_days(due, -3)
    assert deadline_reminders_scan(today=today).deadline_near == 0
    assert not Notification.objects.filter(kind=NotificationKind.DEADLINE_NEAR).exists()


def test_horizon_matches_working_days_between_across_weekends() -> None:
    start = dt.date(2026, 11, 19)  # a Thursday
    for offset in range(0, 15):
        due = start + dt.timedelta(days=offset)
        within = working_days_between(start, due) <= 2
        assert (due <= reminder_horizon(start, 2)) is within, due


def test_overdue_notifies_handler_and_directing_leader_once(kit: AgencyKit) -> None:
    due = _due()
    _directed(kit, due)
    today = due + dt.timedelta(days=1)
    deadline_reminders_scan(today=today)
    deadline_reminders_scan(today=today + dt.timedelta(days=3))
    users = [u for u, _ in _reminders(NotificationKind.OVERDUE)]
    assert users == sorted([kit.finance_head.user.pk, kit.leader.user.pk])


def test_person_assignment_reminds_the_person(kit: AgencyKit) -> None:
    due = _due()
    doc = _directed(kit, due)
    lead = doc.assignments.get(role=HandlerRole.LEAD)
    assignment_delegate(actor=kit.finance_head, assignment_id=lead.pk, user_ids=[kit.specialist.user.pk])
    deadline_reminders_scan(today=due)
    users = {u for u, _ in _reminders(NotificationKind.DEADLINE_NEAR)}
    assert users == {kit.specialist.user.pk, kit.finance_head.user.pk}


def test_finished_work_is_never_chased(kit: AgencyKit) -> None:
    due = _due()
    doc = _directed(kit, due)
    lead = doc.assignments.get(role=HandlerRole.LEAD)
    assignment_complete(actor=kit.finance_head, assignment_id=lead.pk, result_note="Đã trả lời")
    result = deadline_reminders_scan(today=due + dt.timedelta(days=5))
    assert (result.assignments, result.overdue) == (0, 0)


def test_redirection_with_a_new_date_reminds_again(kit: AgencyKit) -> None:
    due = _due()
    doc = _directed(kit, due)
    deadline_reminders_scan(today=due)
    new_due = add_working_days(due, 3)
    direction_create(actor=kit.leader, document_id=doc.pk, data=DirectionInput(
        lead=Handler(unit_id=kit.finance.pk), instruction="Gia hạn", due_date=new_due))
    deadline_reminders_scan(today=new_due)
    keys = [k for _, k in _reminders(NotificationKind.DEADLINE_NEAR)]
    assert len(keys) == 2
    assert {k.rsplit(":", 1)[1] for k in keys} == {f"{due:%Y%m%d}", f"{new_due:%Y%m%d}"}


def test_scan_query_count_does_not_grow_with_assignments(kit: AgencyKit) -> None:
    due = _due()
    _directed(kit, due)
    with CaptureQueriesContext(connection) as one:
        deadline_reminders_scan(today=due)
    Notification.objects.all().delete()
    for _ in range(4):
        _directed(kit, due, lead=Handler(user_id=kit.specialist.user.pk))
    with CaptureQueriesContext(connection) as five:
        result = deadline_reminders_scan(today=due)
    assert result.assignments == 5
    assert len(five) == len(one)


def test_small_chunks_visit_every_assignment_once(kit: AgencyKit) -> None:
    due = _due()
    for _ in range(3):
        _directed(kit, due)
    result = deadline_reminders_scan(today=due, chunk_size=2)
    assert result.assignments == Assignment.objects.exclude(due_date=None).count() == 3
    assert result.deadline_near == 3


def test_task_takes_today_as_iso_date(kit: AgencyKit) -> None:
    due = _due()
    _directed(kit, due)
    assert deadline_scan.call(today=due.isoformat()) == {"assignments": 1, "deadline_near": 1, "overdue": 0}
    assert missed_emails_requeue.call() == 0  # the e-mail safety net is a job of its own
