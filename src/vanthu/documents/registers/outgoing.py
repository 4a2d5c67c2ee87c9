"""The "Sổ đăng ký văn bản đi" (ND30 Phụ lục IV, 10 columns) as rows.

A voided number keeps its row (the number stays used): the note says why and the row is greyed. ``book.py`` turns a
book of these rows into the table the screen, the XLSX and the PDF all show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from vanthu.core.errors import NotFoundError, PermissionDeniedError
from vanthu.core.periods import Period
from vanthu.core.tables import Cell
from vanthu.documents.enums import RegisterKind
from vanthu.documents.models import Register
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.models import OutgoingCoSigner, OutgoingDocument
from vanthu.documents.registers.book import BookKind, RegisterBook, local_date, require_register_reader
from vanthu.organizations.actor import Actor

OUTGOING_KINDS = (RegisterKind.OUTGOING, RegisterKind.SECRET_OUTGOING)


@dataclass(frozen=True)
class OutgoingRow:
    document_id: int
    reference: str
    issued_date: dt.date | None
    type_and_subject: str
    signer: str
    to_places: str
    file_copy: str
    copy_count: int
    forwarded_date: dt.date | None
    receipt_signature: str
    note: str
    is_voided: bool = False  # greyed everywhere; the note column says why

    def cells(self) -> tuple[Cell, ...]:
        return (self.reference, self.issued_date, self.type_and_subject, self.signer, self.to_places,
                self.file_copy, self.copy_count, self.forwarded_date, self.receipt_signature, self.note)


def outgoing_registers_for_user(*, actor: Actor) -> list[Register]:
    """The outgoing registers of the actor's agency (the default first); secret ones only for users cleared for
    secrets."""
    qs = Register.objects.filter(agency_id=require_register_reader(actor), kind__in=OUTGOING_KINDS)
    if not actor.user.can_handle_secret:
        qs = qs.exclude(kind=RegisterKind.SECRET_OUTGOING)
    return list(qs.order_by("-is_active", "kind", "-is_default", "id"))


def outgoing_register_get_for_user(*, actor: Actor, register_id: int) -> Register:
    """An outgoing register of the actor's agency, for its clerks and leaders; secret ones need clearance."""
    agency_id = require_register_reader(actor)
    register = Register.objects.select_related("agency").filter(
        pk=register_id, agency_id=agency_id, kind__in=OUTGOING_KINDS).first()
    if register is None:
        raise NotFoundError("not_found", _("Không tìm thấy sổ văn bản."))
    if register.kind == RegisterKind.SECRET_OUTGOING and not actor.user.can_handle_secret:
        raise PermissionDeniedError("forbidden_secret", _("Bạn không được giao xử lý văn bản mật."))
    return register


def outgoing_register_documents(*, actor: Actor, register: Register, period: Period) -> QuerySet[OutgoingDocument]:
    """Numbered documents of ``register`` whose issue date falls in ``period``, in number order, voided ones
    included. ``register`` must come from :func:`outgoing_register_get_for_user`; the related rows a register row
    prints are joined or prefetched, so the query count does not grow with the rows."""
    if actor.agency_id is None or register.agency_id != actor.agency_id:
        raise NotFoundError("not_found", _("Không tìm thấy sổ văn bản."))
    return (
        OutgoingDocument.objects.filter(
            agency_id=register.agency_id, register=register, number__isnull=False,
            issued_date__gte=period.first, issued_date__lte=period.last,
        )
        .select_related("document_type", "signer", "drafting_unit")
        .prefetch_related(Prefetch("cosigners", queryset=OutgoingCoSigner.objects.select_related("user")
                                   .order_by("order")))
        .order_by("number_year", "number", "id")
    )


def _signers(document: OutgoingDocument) -> str:
    """The main signer, then the co-signers of a joint document in their order (prefetched)."""
    people = ([document.signer] if document.signer else []) + [c.user for c in document.cosigners.all()]
    return "; ".join(person.full_name or str(person) for person in people)


def _row(document: OutgoingDocument) -> OutgoingRow:
    note = document.note
    voided = document.state == OutgoingState.VOIDED
    if voided:
        note = _("Đã hủy số: %(reason)s") % {"reason": document.cancel_reason}
    unit = document.drafting_unit.name if document.drafting_unit else ""
    return OutgoingRow(
        document_id=document.pk, reference=document.reference, issued_date=document.issued_date,
        type_and_subject=f"{document.document_type.name}: {document.subject}",
        signer=_signers(document),
        to_places="; ".join(line.strip(" -;") for line in document.to_places.splitlines() if line.strip()),
        file_copy=", ".join(p for p in (_("Văn thư"), unit) if p), copy_count=document.copy_count,
        forwarded_date=local_date(document.issued_at), receipt_signature="", note=note, is_voided=voided,
    )


def outgoing_register_rows(documents: Iterable[OutgoingDocument]) -> tuple[OutgoingRow, ...]:
    """Rows of documents read by :func:`outgoing_register_documents` (no query per row)."""
    return tuple(_row(d) for d in documents)


def outgoing_register_book(*, actor: Actor, register_id: int, period: Period) -> RegisterBook:
    register = outgoing_register_get_for_user(actor=actor, register_id=register_id)
    documents = outgoing_register_documents(actor=actor, register=register, period=period)
    return RegisterBook(agency_name=register.agency.name, title=register.name, period=period,
                        kind=BookKind.OUTGOING, rows=outgoing_register_rows(documents))
