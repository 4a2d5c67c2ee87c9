"""The incoming register books (ND30 Phụ lục IV) as rows: the "Sổ đăng ký văn bản đến" (10 columns) and the
"Sổ theo dõi giải quyết văn bản đến" (7 columns), both printed from the same registrations.

Rows are frozen dataclasses of typed values (dates are dates, số đến a number) in column order; ``book.py`` turns
a book of them into the table that the screen, the XLSX and the PDF all show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.errors import NotFoundError, PermissionDeniedError
from vanthu.core.formatting import format_date
from vanthu.core.periods import Period
from vanthu.core.tables import Cell
from vanthu.documents.enums import CLOSED_STATES, IncomingState, RegisterKind
from vanthu.documents.models import IncomingDocument, Register
from vanthu.documents.registers.book import BookKind, local_date, require_register_reader
from vanthu.organizations.actor import Actor
from vanthu.workflows.enums import AssignmentState, HandlerRole
from vanthu.workflows.models import Assignment

INCOMING_KINDS = (RegisterKind.INCOMING, RegisterKind.SECRET_INCOMING)
SECRET_KINDS = (RegisterKind.SECRET_INCOMING, RegisterKind.SECRET_OUTGOING)


@dataclass(frozen=True)
class ArrivalRow:
    """One line of the Sổ đăng ký văn bản đến (Phụ lục IV, mẫu sổ văn bản đến)."""

    document_id: int
    arrival_date: dt.date | None
    arrival_number: int
    author: str
    reference: str
    issued_date: dt.date | None
    type_and_subject: str
    recipient: str
    forwarded_date: dt.date | None
    receipt_signature: str
    note: str
    is_voided = False

    def cells(self) -> tuple[Cell, ...]:
        return (self.arrival_date, self.arrival_number, self.author, self.reference, self.issued_date,
                self.type_and_subject, self.recipient, self.forwarded_date, self.receipt_signature, self.note)


@dataclass(frozen=True)
class HandlingRow:
    """One line of the Sổ theo dõi giải quyết văn bản đến."""

    document_id: int
    arrival_number: int
    identification: str
    recipient: str
    due_date: dt.date | None
    progress: str
    reply_reference: str
    note: str
    is_overdue: bool
    is_voided = False

    def cells(self) -> tuple[Cell, ...]:
        return (self.arrival_number, self.identification, self.recipient, self.due_date, self.progress,
                self.reply_reference, self.note)


def incoming_registers_for_user(*, actor: Actor) -> list[Register]:
    """The incoming registers of the actor's agency; secret ones only for users cleared for secrets."""
    agency_id = require_register_reader(actor)
    qs = Register.objects.filter(agency_id=agency_id, kind__in=INCOMING_KINDS)
    if not actor.user.can_handle_secret:
        qs = qs.exclude(kind__in=SECRET_KINDS)
    return list(qs.order_by("-is_active", "kind", "-is_default", "id"))


def register_get_for_user(*, actor: Actor, register_id: int) -> Register:
    """An incoming register of the actor's agency; the same not-found error for "missing" and "not yours"."""
    agency_id = require_register_reader(actor)
    register = (
        Register.objects.select_related("agency")
        .filter(pk=register_id, agency_id=agency_id, kind__in=INCOMING_KINDS).first()
    )
    if register is None:
        raise NotFoundError("not_found", _("Không tìm thấy sổ văn bản."))
    if register.kind in SECRET_KINDS and not actor.user.can_handle_secret:
        raise PermissionDeniedError("forbidden_secret", _("Bạn không được giao xử lý văn bản mật."))
    return register


def _lead_assignments() -> Prefetch[Any]:
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(parent__isnull=True, role=HandlerRole.LEAD, direction__is_current=True)
        .exclude(state=AssignmentState.CANCELLED).select_related("unit", "user").order_by("id"),
        to_attr="lead_assignments",
    )


def register_documents(*, actor: Actor, register: Register, period: Period) -> QuerySet[IncomingDocument]:
    """Registered documents of ``register`` whose arrival date falls in ``period``, in số đến order.

    Three queries whatever the size: the documents (with type and presented leader) and their current lead
    assignments (with unit and user). ``register`` must come from :func:`register_get_for_user`.
    """
    if actor.agency_id is None or register.agency_id != actor.agency_id:
        raise NotFoundError("not_found", _("Không tìm thấy sổ văn bản."))
    qs = (
        IncomingDocument.objects.filter(
            agency_id=register.agency_id, register=register, arrival_number__isnull=False,
            arrival_date__gte=period.start, arrival_date__lt=period.end,
        )
        .select_related("document_type", "presented_to")
        .prefetch_related(_lead_assignments())
        .order_by("arrival_year", "arrival_number", "id")
    )
    if not actor.user.can_handle_secret:
        qs = qs.filter(confidentiality=0)
    return qs


def _recipient(document: IncomingDocument) -> str:
    leads = getattr(document, "lead_assignments", None)
    if leads is None:
        raise RuntimeError("register rows need the lead assignments prefetched (register_documents)")
    if leads:
        return ", ".join(a.handler_name for a in leads)
    if document.presented_to is not None:
        return str(document.presented_to)
    return ""


def _is_overdue(document: IncomingDocument, today: dt.date) -> bool:
    return document.due_date is not None and document.due_date < today and document.state not in CLOSED_STATES


def _progress(document: IncomingDocument, today: dt.date) -> str:
    if document.state == IncomingState.COMPLETED:
        done = timezone.localtime(document.completed_at).date() if document.completed_at else None
        text = _("Hoàn thành ngày %(date)s") % {"date": format_date(done)} if done else _("Hoàn thành")
        if done and document.due_date and done > document.due_date:
            text += " " + _("(quá hạn)")
        return text
    label = str(IncomingState(document.state).label)
    if _is_overdue(document, today):
        assert document.due_date is not None
        return _("%(state)s, quá hạn %(days)s ngày") % {"state": label, "days": (today - document.due_date).days}
    return label


def _arrival_row(document: IncomingDocument) -> ArrivalRow:
    return ArrivalRow(
        document_id=document.pk,
        arrival_date=local_date(document.arrival_date),
        arrival_number=document.arrival_number or 0,
        author=document.organ_name,
        reference=document.reference,
        issued_date=document.issued_date,
        type_and_subject=f"{document.document_type.name}: {document.subject}",
        recipient=_recipient(document),
        forwarded_date=local_date(document.forwarded_at),
        receipt_signature="",
        note=document.note,
    )


def _handling_row(document: IncomingDocument, today: dt.date) -> HandlingRow:
    identification = _("%(type)s số %(ref)s ngày %(date)s của %(organ)s") % {
        "type": document.document_type.name, "ref": document.reference,
        "date": format_date(document.issued_date), "organ": document.organ_name,
    }
    return HandlingRow(
        document_id=document.pk,
        arrival_number=document.arrival_number or 0,
        identification=identification,
        recipient=_recipient(document),
        due_date=document.due_date,
        progress=_progress(document, today),
        reply_reference=document.reply_reference,
        note=document.result_note or document.note,
        is_overdue=_is_overdue(document, today),
    )


def register_rows(*, kind: str, documents: Iterable[IncomingDocument]) -> tuple[ArrivalRow | HandlingRow, ...]:
    if kind == BookKind.ARRIVAL:
        return tuple(_arrival_row(d) for d in documents)
    today = timezone.localdate()
    return tuple(_handling_row(d, today) for d in documents)


def book_title(*, kind: str, register: Register) -> str:
    if kind == BookKind.ARRIVAL:
        return register.name
    if register.kind in SECRET_KINDS:
        return _("Sổ theo dõi giải quyết văn bản đến mật")
    return str(BookKind.HANDLING.label)

