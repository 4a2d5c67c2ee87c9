"""Đôn đốc: deadline reminders for open assignments (docs/domain/incoming.md#reminders).

An open assignment (PENDING or IN_PROGRESS) whose due date is at most ``VANTHU_REMIND_DAYS_BEFORE`` working days
away reminds its handler (DEADLINE_NEAR); once the due date has passed it notifies the handler and the leader
who directed it (OVERDUE). The handler is the assigned person, or the UNIT_LEADERs of the assigned unit.

The dedup key carries the assignment and its due date, so a scan that runs every 15 minutes reminds once, while
a re-direction (new assignments, new date) may remind again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.calendar import add_working_days
from vanthu.documents.enums import CLOSED_STATES, IncomingState
from vanthu.notifications.enums import NotificationKind
from vanthu.notifications.services import NotificationSpec, notifications_emit_many
from vanthu.organizations.enums import RoleCode
from vanthu.organizations.models import Membership
from vanthu.workflows.enums import OPEN_ASSIGNMENT_STATES
from vanthu.workflows.models import Assignment

CHUNK_SIZE = 200


@dataclass(frozen=True)
class ScanResult:
    assignments: int
    deadline_near: int
    overdue: int


def reminder_horizon(today: dt.date, days_before: int) -> dt.date:
    """The last due date that is at most ``days_before`` working days away.

    Equivalent to ``working_days_between(today, due) <= days_before`` for every ``due >= today``, computed once
    instead of per row: it is the day before the (days_before + 1)-th working day after today.
    """
    return add_working_days(today, days_before + 1) - dt.timedelta(days=1)


def _unit_leaders(unit_ids: set[int]) -> dict[int, list[int]]:
    leaders: dict[int, list[int]] = defaultdict(list)
    if not unit_ids:
        return leaders
    rows = Membership.objects.filter(
        unit_id__in=unit_ids, is_active=True, roles__code=RoleCode.UNIT_LEADER
    ).values_list("unit_id", "user_id").distinct()
    for unit_id, user_id in rows:
        leaders[unit_id].append(user_id)
    return leaders


def _spec(assignment: Assignment, today: dt.date, leaders: dict[int, list[int]]) -> NotificationSpec:
    handlers = [assignment.user_id] if assignment.user_id else leaders.get(assignment.unit_id or 0, [])
    document = assignment.incoming
    due = assignment.due_date
    assert due is not None
    values = {
        "ref": document.reference, "subject": document.subject, "due": due.strftime("%d/%m/%Y"),
        "handler": assignment.handler_name,
    }
    url = reverse("web:incoming_detail", args=[document.pk])
    if due < today:
        return NotificationSpec(
            kind=NotificationKind.OVERDUE,
            user_ids=tuple(dict.fromkeys([*handlers, assignment.direction.leader_id])),
            dedup_key=f"overdue:assignment:{assignment.pk}:{due:%Y%m%d}",
            title=_("Quá hạn xử lý (hạn %(due)s): %(ref)s — %(subject)s") % values,
            body=_("Người xử lý: %(handler)s.") % values, url=url, incoming_id=document.pk,
        )
    return NotificationSpec(
        kind=NotificationKind.DEADLINE_NEAR, user_ids=tuple(handlers),
        dedup_key=f"deadline_near:assignment:{assignment.pk}:{due:%Y%m%d}",
        title=_("Đôn đốc: %(ref)s — %(subject)s sắp đến hạn xử lý (%(due)s)") % values,
        body=_("Người xử lý: %(handler)s.") % values, url=url, incoming_id=document.pk,
    )


def _due_assignments(horizon: dt.date, after_id: int, limit: int) -> list[Assignment]:
    return list(
        Assignment.objects.filter(
            pk__gt=after_id, state__in=OPEN_ASSIGNMENT_STATES, due_date__isnull=False, due_date__lte=horizon,
        )
        # A document being recalled is frozen (docs/domain/incoming.md): nobody should be chased to handle it.
        .exclude(incoming__state__in=[*CLOSED_STATES, IncomingState.RECALL_PENDING])
        .select_related("incoming", "direction", "unit", "user")
        .order_by("pk")[:limit]
    )


def deadline_reminders_scan(*, today: dt.date | None = None, chunk_size: int = CHUNK_SIZE) -> ScanResult:
    """Emit the reminders due on ``today``. A fixed number of queries per chunk of ``chunk_size`` assignments."""
    today = today or timezone.localdate()
    days_before = int(getattr(settings, "VANTHU_REMIND_DAYS_BEFORE", 2))
    horizon = reminder_horizon(today, days_before)
    seen = near = overdue = 0
    last_id = 0
    while True:
        with transaction.atomic():
            chunk = _due_assignments(horizon, last_id, chunk_size)
            if not chunk:
                break
            last_id = chunk[-1].pk
            seen += len(chunk)
            leaders = _unit_leaders({a.unit_id for a in chunk if a.user_id is None and a.unit_id is not None})
            created = notifications_emit_many(specs=[_spec(a, today, leaders) for a in chunk])
            chunk_near = sum(1 for n in created if n.kind == NotificationKind.DEADLINE_NEAR)
            near += chunk_near
            overdue += len(created) - chunk_near
            if created:
                audit_record(
                    actor=None, event_type="notification.reminders_sent", target=("notifications.scan", today),
                    data={"today": today.isoformat(), "deadline_near": chunk_near,
                          "overdue": len(created) - chunk_near},
                )
        if len(chunk) < chunk_size:
            break
    return ScanResult(assignments=seen, deadline_near=near, overdue=overdue)
