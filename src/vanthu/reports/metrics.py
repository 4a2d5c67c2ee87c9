"""The definitions of every statistic (docs/domain/statistics.md), as filters on the documents — ONE definition used
both to
compute the rollups (``reports.rollup``) and to list the documents behind a number (the dashboard's drill-down).

A period is [start, end) in Asia/Ho_Chi_Minh (``core.periods.Period``); a month ends at 00:00 on the 1st of the
next month, so a document issued at 23:59 on the last day belongs to that month. Secret documents count only in
``received_secret`` and ``sent_secret``: never in the electronic figures or the rates. Incoming documents belong to
the unit of their lead handler (the lead unit, or the unit of the lead person); outgoing documents to their drafting
unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from vanthu.core.calendar import VIETNAM
from vanthu.core.periods import Period
from vanthu.documents.enums import Channel, IncomingState
from vanthu.documents.models import IncomingDocument
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.models import DeliveryKind, OutgoingDelivery, OutgoingDocument
from vanthu.organizations.models import Membership
from vanthu.workflows.enums import AssignmentState, HandlerRole
from vanthu.workflows.models import Assignment


def _lead_unit() -> Coalesce:
    """The unit a document is handled by: its current root lead assignment's unit, else the lead person's unit."""
    lead = (Assignment.objects.filter(incoming_id=OuterRef("pk"), role=HandlerRole.LEAD, parent__isnull=True)
            .exclude(state=AssignmentState.CANCELLED).order_by("-id"))
    person_unit = Membership.objects.filter(
        agency_id=OuterRef(OuterRef("agency_id")), user_id=OuterRef("user_id"), is_active=True,
    ).order_by("id").values("unit_id")[:1]
    return Coalesce(Subquery(lead.values("unit_id")[:1]),
                    Subquery(lead.annotate(person_unit=Subquery(person_unit)).values("person_unit")[:1]))


def incoming_for(agency_ids: Iterable[int]) -> QuerySet[Any]:  # annotated with stat_unit_id
    return IncomingDocument.objects.filter(agency_id__in=list(agency_ids)).annotate(stat_unit_id=_lead_unit())


def outgoing_for(agency_ids: Iterable[int]) -> QuerySet[Any]:
    return OutgoingDocument.objects.filter(agency_id__in=list(agency_ids)).annotate(
        stat_unit_id=F("drafting_unit_id"))


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


NORMAL = Q(confidentiality=0)


def _incoming(period: Period) -> dict[str, Q]:
    as_of = period.as_of
    open_at_end = (NORMAL & Q(arrived_at__lt=as_of) & ~Q(state=IncomingState.RECALLED)
                   & (Q(completed_at__isnull=True) | Q(completed_at__gte=as_of))
                   & ~Q(returned_at__lt=as_of))
    return {
        "received": (NORMAL & Q(channel=Channel.ELECTRONIC) & _in("arrived_at", period)
                     & ~Q(state=IncomingState.RETURNED)),
        "received_paper": NORMAL & Q(channel=Channel.PAPER) & _in("arrived_at", period),
        "received_secret": ~NORMAL & _in("arrived_at", period),
        "returned": _in("returned_at", period),
        "due": NORMAL & Q(due_date__gte=period.first, due_date__lte=period.last),
        "completed": NORMAL & _in("completed_at", period),
        "completed_due": NORMAL & _in("completed_at", period) & Q(due_date__isnull=False),
        "open_end": open_at_end,
        "overdue_open": open_at_end & Q(due_date__lt=period.as_of_date),
    }


def _outgoing(period: Period) -> dict[str, Q]:
    issued = _in("issued_at", period)
    electronic = NORMAL & Q(channel=Channel.ELECTRONIC)
    to_agencies = Exists(OutgoingDelivery.objects.filter(
        document_id=OuterRef("pk"), kind__in=[DeliveryKind.AGENCY, DeliveryKind.EXTERNAL]))
    sent = issued & electronic & Q(to_agencies)
    return {
        "sent": sent,
        "sent_internal": issued & electronic & ~Q(to_agencies),
        "sent_paper": issued & NORMAL & Q(channel=Channel.PAPER),
        "sent_secret": issued & ~NORMAL,
        "sent_personal_signed": sent & Q(has_valid_personal_signature=True),
        "sent_org_signed": sent & Q(has_valid_org_signature=True),
        "recalled": issued & Q(state=OutgoingState.RECALLED),
    }


INCOMING_METRICS = ("received", "received_paper", "received_secret", "returned", "due", "on_time", "completed",
                    "completed_due", "completed_on_time", "overdue_open", "open_end")
OUTGOING_METRICS = ("sent", "sent_internal", "sent_paper", "sent_secret", "sent_personal_signed", "sent_org_signed",
                    "recalled")
# Figures whose documents a drill-down lists (the others are sums of durations or of deliveries).
DRILLABLE = (*INCOMING_METRICS, *OUTGOING_METRICS)


def on_time(row_completed: dt.datetime | None, row_due: dt.date | None) -> bool:
    """Completed by the end of the deadline day in Vietnam time."""
    if row_completed is None or row_due is None:
        return False
    return row_completed < dt.datetime.combine(row_due + dt.timedelta(days=1), dt.time.min, tzinfo=VIETNAM)


def documents_for(metric: str, *, agency_id: int, period: Period,
                  unit_id: int | None = None) -> QuerySet:  # type: ignore[type-arg]
    """The documents behind one figure of one agency (or one of its units) in ``period``."""
    if metric in OUTGOING_METRICS:
        rows: QuerySet = outgoing_for([agency_id]).filter(_outgoing(period)[metric])  # type: ignore[type-arg]
    elif metric in ("on_time", "completed_on_time"):
        base = "due" if metric == "on_time" else "completed_due"
        rows = incoming_for([agency_id]).filter(_incoming(period)[base])
        keep = [pk for pk, completed, due in rows.values_list("pk", "completed_at", "due_date")
                if on_time(completed, due)]
        rows = incoming_for([agency_id]).filter(pk__in=keep)
    elif metric in INCOMING_METRICS:
        rows = incoming_for([agency_id]).filter(_incoming(period)[metric])
    else:
        raise KeyError(metric)
    if unit_id is not None:
        rows = rows.filter(stat_unit_id=unit_id)
    return rows


INCOMING_FILTERS: Callable[[Period], dict[str, Q]] = _incoming
OUTGOING_FILTERS: Callable[[Period], dict[str, Q]] = _outgoing
# ``on_time`` and ``completed_on_time`` are the rows of ``due`` / ``completed_due`` that pass ``on_time()``: the
# comparison of a timestamp with the end of a date column is done in Python, the same way on SQLite and PostgreSQL.
