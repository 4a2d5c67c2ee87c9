"""The "Sổ đăng ký văn bản đi" (ND30 Phụ lục IV, 10 columns) as rows, XLSX and PDF.

Rows are display strings, so the screen and both exports show the same thing. A voided number keeps its row, marked
in the note column (the number stays used). The screen is ``web/registers.outgoing_register_view``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer

from vanthu.core.errors import NotFoundError, PermissionDeniedError
from vanthu.core.fonts import SERIF, SERIF_BOLD, serif_fonts_register
from vanthu.documents.enums import RegisterKind
from vanthu.documents.models import Register
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.models import OutgoingCoSigner, OutgoingDocument
from vanthu.documents.registers.rows import RegisterPeriod, format_date
from vanthu.documents.registers.xlsx import BORDER, CENTER, FONT_NAME, WRAP_TOP, sheet_title
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode

OUTGOING_KINDS = (RegisterKind.OUTGOING, RegisterKind.SECRET_OUTGOING)
COLUMNS = (
    gettext_lazy("Số, ký hiệu văn bản"), gettext_lazy("Ngày tháng văn bản"),
    gettext_lazy("Tên loại và trích yếu nội dung văn bản"), gettext_lazy("Người ký"),
    gettext_lazy("Nơi nhận văn bản"), gettext_lazy("Đơn vị, người nhận bản lưu"), gettext_lazy("Số lượng bản"),
    gettext_lazy("Ngày chuyển"), gettext_lazy("Ký nhận"), gettext_lazy("Ghi chú"),
)
XLSX_WIDTHS = (16, 12, 44, 20, 26, 20, 9, 12, 12, 18)
PDF_RATIOS = (14, 10, 40, 16, 24, 18, 7, 10, 10, 15)
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class OutgoingRow:
    document_id: int
    reference: str
    issued_date: str
    type_and_subject: str
    signer: str
    to_places: str
    file_copy: str
    copy_count: str
    forwarded_date: str
    receipt_signature: str
    note: str
    is_voided: bool = False  # the screen marks the row; the exports say it in the note column

    def cells(self) -> tuple[str, ...]:
        return (self.reference, self.issued_date, self.type_and_subject, self.signer, self.to_places,
                self.file_copy, self.copy_count, self.forwarded_date, self.receipt_signature, self.note)


@dataclass(frozen=True)
class OutgoingBook:
    agency_name: str
    title: str
    period_label: str
    columns: tuple[str, ...]
    rows: tuple[OutgoingRow, ...]


def _require_reader(actor: Actor) -> int:
    """Registers are printed by the clerk and read by the leaders of the agency (DOMAIN.md §2)."""
    if actor.agency_id is None or not actor.has_role(RoleCode.CLERK, RoleCode.LEADER):
        raise PermissionDeniedError("forbidden", _("Chỉ văn thư và lãnh đạo cơ quan được xem sổ văn bản."))
    return actor.agency_id


def outgoing_registers_for_user(*, actor: Actor) -> list[Register]:
    """The outgoing registers of the actor's agency (the default first); secret ones only for users cleared for
    secrets."""
    qs = Register.objects.filter(agency_id=_require_reader(actor), kind__in=OUTGOING_KINDS)
    if not actor.user.can_handle_secret:
        qs = qs.exclude(kind=RegisterKind.SECRET_OUTGOING)
    return list(qs.order_by("-is_active", "kind", "-is_default", "id"))


def outgoing_register_get_for_user(*, actor: Actor, register_id: int) -> Register:
    """An outgoing register of the actor's agency, for its clerks and leaders; secret ones need clearance."""
    agency_id = _require_reader(actor)
    register = Register.objects.select_related("agency").filter(
        pk=register_id, agency_id=agency_id, kind__in=OUTGOING_KINDS).first()
    if register is None:
        raise NotFoundError("not_found", _("Không tìm thấy sổ văn bản."))
    if register.kind == RegisterKind.SECRET_OUTGOING and not actor.user.can_handle_secret:
        raise PermissionDeniedError("forbidden_secret", _("Bạn không được giao xử lý văn bản mật."))
    return register


def outgoing_register_documents(
    *, actor: Actor, register: Register, period: RegisterPeriod
) -> QuerySet[OutgoingDocument]:
    """Numbered documents of ``register`` whose issue date falls in ``period``, in number order, voided ones
    included. ``register`` must come from :func:`outgoing_register_get_for_user`; the related rows a register row
    prints are joined or prefetched, so the query count does not grow with the rows."""
    if actor.agency_id is None or register.agency_id != actor.agency_id:
        raise NotFoundError("not_found", _("Không tìm thấy sổ văn bản."))
    return (
        OutgoingDocument.objects.filter(
            agency_id=register.agency_id, register=register, number__isnull=False,
            issued_date__gte=period.date_from, issued_date__lte=period.date_to,
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
        document_id=document.pk, reference=document.reference, issued_date=format_date(document.issued_date),
        type_and_subject=f"{document.document_type.name}: {document.subject}",
        signer=_signers(document),
        to_places="; ".join(line.strip(" -;") for line in document.to_places.splitlines() if line.strip()),
        file_copy=", ".join(p for p in (_("Văn thư"), unit) if p), copy_count=str(document.copy_count),
        forwarded_date=format_date(document.issued_at), receipt_signature="", note=note, is_voided=voided,
    )


def outgoing_register_rows(documents: Iterable[OutgoingDocument]) -> tuple[OutgoingRow, ...]:
    """Rows of documents read by :func:`outgoing_register_documents` (no query per row)."""
    return tuple(_row(d) for d in documents)


def outgoing_book_columns() -> tuple[str, ...]:
    return tuple(str(c) for c in COLUMNS)


def outgoing_register_book(*, actor: Actor, register_id: int, period: RegisterPeriod) -> OutgoingBook:
    register = outgoing_register_get_for_user(actor=actor, register_id=register_id)
    documents = outgoing_register_documents(actor=actor, register=register, period=period)
    return OutgoingBook(
        agency_name=register.agency.name, title=register.name, period_label=period.label,
        columns=outgoing_book_columns(), rows=outgoing_register_rows(documents),
    )


def outgoing_book_xlsx(book: OutgoingBook) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title(book.title)
    last = get_column_letter(len(book.columns))

    def put(row: int, col: int, value: str, font: Font, **style: Any) -> None:
        cell = sheet.cell(row=row, column=col, value=value)
        if value.startswith(FORMULA_STARTS):  # user text stays text, never a formula
            cell.data_type = "s"
            cell.quotePrefix = True
        cell.font = font
        for key, item in style.items():
            setattr(cell, key, item)

    for index, (text, size) in enumerate(((book.agency_name.upper(), 12), (book.title.upper(), 14),
                                          (book.period_label, 12)), start=1):
        sheet.merge_cells(f"A{index}:{last}{index}")
        put(index, 1, text, Font(name=FONT_NAME, size=size, bold=index < 3), alignment=CENTER)
    header = 5
    for col, title in enumerate(book.columns, start=1):
        put(header, col, title, Font(name=FONT_NAME, size=11, bold=True), alignment=CENTER, border=BORDER)
    for offset, row in enumerate(book.rows, start=1):
        for col, value in enumerate(row.cells(), start=1):
            put(header + offset, col, value, Font(name=FONT_NAME, size=11), alignment=WRAP_TOP, border=BORDER)
    for col, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = f"A{header + 1}"
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def outgoing_book_pdf(book: OutgoingBook) -> bytes:
    serif_fonts_register()
    agency = ParagraphStyle("agency", fontName=SERIF_BOLD, fontSize=12, leading=15, alignment=TA_CENTER)
    title = ParagraphStyle("title", fontName=SERIF_BOLD, fontSize=15, leading=19, alignment=TA_CENTER)
    period = ParagraphStyle("period", fontName=SERIF, fontSize=12, leading=15, alignment=TA_CENTER)
    head = ParagraphStyle("head", fontName=SERIF_BOLD, fontSize=10, leading=12, alignment=TA_CENTER)
    cell = ParagraphStyle("cell", fontName=SERIF, fontSize=10, leading=12)
    buffer = io.BytesIO()
    margin = 12 * mm
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin, title=book.title, author=book.agency_name)
    widths = [doc.width * r / sum(PDF_RATIOS) for r in PDF_RATIOS]
    data: list[list[Any]] = [[Paragraph(escape(c), head) for c in book.columns]]
    data += [[Paragraph(escape(v), cell) for v in row.cells()] for row in book.rows]
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))])
    doc.build([Paragraph(escape(book.agency_name.upper()), agency), Spacer(1, 3 * mm),
               Paragraph(escape(book.title.upper()), title), Paragraph(escape(book.period_label), period),
               Spacer(1, 5 * mm), table])
    return buffer.getvalue()
