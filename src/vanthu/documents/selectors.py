"""Reads of incoming documents, always through the viewer's visibility (docs/architecture.md, house rule 2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField as BoolField
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.calendar import add_working_days
from vanthu.core.errors import NotFoundError
from vanthu.documents.enums import CLOSED_STATES, IncomingState
from vanthu.documents.models import IncomingDocument
from vanthu.documents.permissions import incoming_visibility_q
from vanthu.organizations.actor import Actor
from vanthu.workflows.enums import OPEN_ASSIGNMENT_STATES
from vanthu.workflows.models import Assignment


def overdue_q(today: dt.date) -> Q:
    """Derived, never stored (docs/domain/incoming.md): a deadline before today and the document still open."""
    return Q(due_date__lt=today) & ~Q(state__in=CLOSED_STATES)


def incoming_queryset_for_user(*, actor: Actor) -> QuerySet[IncomingDocument]:
    today = timezone.localdate()
    return (
        IncomingDocument.objects.filter(incoming_visibility_q(actor))
        .select_related("document_type", "register")
        .annotate(
            is_overdue=Case(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BoolField())
        )
    )


def incoming_get_for_user(*, actor: Actor, document_id: int) -> IncomingDocument:
    """The document if the actor may see it; the same not-found error for "missing" and "not yours"."""
    document = incoming_queryset_for_user(actor=actor).filter(pk=document_id).select_related(
        "agency", "issuer", "presented_to", "created_by", "duplicate_of"
    ).first()
    if document is None:
        raise NotFoundError("not_found", _("Không tìm thấy văn bản."))
    if document.duplicate_of_id is not None and not (
        incoming_queryset_for_user(actor=actor).filter(pk=document.duplicate_of_id).exists()
    ):
        # The duplicate warning must not reveal a document the viewer may not read (a secret one, or one not
        # assigned to them). Masked on this read-only instance only; services lock and reload their own rows.
        document.duplicate_of = None
    return document


@dataclass(frozen=True)
class IncomingFilters:
    state: str = ""
    box: str = ""  # "to_register", "to_handle", "overdue", "due_soon", "mine"
    document_type_id: int | None = None
    issuer: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    handler_id: int | None = None
    query: str = ""


def _mine_q(actor: Actor) -> Q:
    handler = Q(user_id=actor.user.pk)
    if actor.is_unit_leader and actor.unit_id is not None:
        handler |= Q(unit_id=actor.unit_id)
    mine = Exists(Assignment.objects.filter(handler, incoming_id=OuterRef("pk"), state__in=OPEN_ASSIGNMENT_STATES))
    return (Q(mine) & ~Q(state__in=CLOSED_STATES)) | Q(presented_to_id=actor.user.pk, state=IncomingState.PRESENTED)


def incoming_list_for_user(*, actor: Actor, filters: IncomingFilters) -> QuerySet[IncomingDocument]:
    qs = incoming_queryset_for_user(actor=actor)
    today = timezone.localdate()
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.box == "to_register":
        qs = qs.filter(state=IncomingState.ARRIVED)
    elif filters.box == "to_handle":
        qs = qs.filter(_mine_q(actor))
    elif filters.box == "overdue":
        qs = qs.filter(overdue_q(today))
    elif filters.box == "due_soon":
        qs = qs.filter(due_date__gte=today, due_date__lte=add_working_days(today, 2)).exclude(state__in=CLOSED_STATES)
    if filters.document_type_id:
        qs = qs.filter(document_type_id=filters.document_type_id)
    if filters.issuer:
        qs = qs.filter(organ_name__icontains=filters.issuer)
    if filters.date_from:
        qs = qs.filter(arrived_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(arrived_at__date__lte=filters.date_to)
    if filters.handler_id:
        qs = qs.filter(Exists(Assignment.objects.filter(incoming_id=OuterRef("pk"), user_id=filters.handler_id)))
    return qs.order_by("-arrived_at", "-id")


@dataclass(frozen=True)
class HomeCounters:
    to_register: int
    to_handle: int
    overdue: int
    due_soon: int


def incoming_counters_for_user(*, actor: Actor) -> HomeCounters:
    """Home page counters (chờ vào sổ, chờ xử lý, quá hạn, sắp đến hạn) in one query."""
    today = timezone.localdate()
    soon = add_working_days(today, 2)
    open_q = ~Q(state__in=CLOSED_STATES)
    row = IncomingDocument.objects.filter(incoming_visibility_q(actor)).aggregate(
        to_register=Count("pk", filter=Q(state=IncomingState.ARRIVED)),
        to_handle=Count("pk", filter=_mine_q(actor)),
        overdue=Count("pk", filter=overdue_q(today)),
        due_soon=Count("pk", filter=Q(due_date__gte=today, due_date__lte=soon) & open_q),
    )
    return HomeCounters(**row)
