from __future__ import annotations

import io
import subprocess

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.builders import AgencyKit
from tests.outgoing.helpers import signed
from vanthu.core.errors import NotFoundError, PermissionDeniedError
from vanthu.core.periods import Period
from vanthu.core.tables import table_pdf, table_xlsx
from vanthu.documents.outgoing.services import outgoing_number, outgoing_void
from vanthu.documents.registers import outgoing_register_book

pytestmark = pytest.mark.django_db


def _book(kit: AgencyKit) -> tuple[int, str]:
    first = outgoing_number(actor=kit.clerk, document_id=signed(kit, "QUYET_DINH").pk)
    second = outgoing_number(actor=kit.clerk, document_id=signed(kit, "CONG_VAN").pk)
    outgoing_void(actor=kit.clerk, document_id=second.pk, reason="Sai nơi nhận")
    assert first.register is not None
    return first.register_id or 0, first.reference


def test_register_book_has_ten_columns_and_marks_a_voided_number(kit: AgencyKit) -> None:
    register_id, reference = _book(kit)
    book = outgoing_register_book(actor=kit.clerk, register_id=register_id,
                                  period=Period.year(timezone.localdate().year))
    assert len(book.columns) == 10 and book.columns[0].heading == "Số, ký hiệu văn bản"
    assert [r.reference for r in book.rows] == [reference, f"02/{kit.agency.abbreviation}-KHTC"]
    first, second = book.rows
    assert first.type_and_subject.startswith("Quyết định: ") and first.signer == kit.leader.user.full_name
    assert first.issued_date == timezone.localdate()
    assert second.note == "Đã hủy số: Sai nơi nhận"
    assert all(len(r.cells()) == 10 for r in book.rows)


def test_register_book_exports_xlsx_and_pdf_with_the_same_rows(kit: AgencyKit) -> None:
    register_id, reference = _book(kit)
    book = outgoing_register_book(actor=kit.leader, register_id=register_id,
                                  period=Period.year(timezone.localdate().year))
    sheet = load_workbook(io.BytesIO(table_xlsx(book.table()))).active
    assert sheet is not None
    assert sheet.cell(row=5, column=3).value == "Tên loại và trích yếu nội dung văn bản"
    assert sheet.cell(row=6, column=1).value == reference
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=table_pdf(book.table()), capture_output=True,
                          check=True).stdout.decode()
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text
    assert reference in text.split()  # a reference is one word: never wrapped


def test_register_book_is_for_clerks_and_leaders_of_the_agency(kit: AgencyKit, other_kit: AgencyKit) -> None:
    register_id, _reference = _book(kit)
    period = Period.year(timezone.localdate().year)
    with pytest.raises(PermissionDeniedError):
        outgoing_register_book(actor=kit.specialist, register_id=register_id, period=period)
    with pytest.raises(NotFoundError):
        outgoing_register_book(actor=other_kit.clerk, register_id=register_id, period=period)


def test_a_joint_document_lists_every_signer(kit: AgencyKit, other_kit: AgencyKit) -> None:
    from tests.outgoing.helpers import draft, simple_route
    from vanthu.documents.outgoing.inputs import CoSignerInput
    from vanthu.documents.outgoing.services import (
        outgoing_mark_cosigned,
        outgoing_mark_signed,
        outgoing_submit,
        review_approve,
    )

    document = draft(kit, cosigners=(CoSignerInput(signer_id=other_kit.leader.user.pk, agency_id=other_kit.agency.pk),
                                     CoSignerInput(signer_id=kit.deputy.user.pk, signing_capacity="KT.")))
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
    review_approve(actor=kit.finance_head, document_id=document.pk)
    review_approve(actor=kit.office_head, document_id=document.pk)
    outgoing_mark_cosigned(actor=other_kit.leader, document_id=document.pk)
    outgoing_mark_cosigned(actor=kit.deputy, document_id=document.pk)
    outgoing_mark_signed(actor=kit.leader, document_id=document.pk)
    numbered = outgoing_number(actor=kit.clerk, document_id=document.pk)
    book = outgoing_register_book(actor=kit.clerk, register_id=numbered.register_id or 0,
                                  period=Period.year(timezone.localdate().year))
    [row] = book.rows
    assert row.signer == "; ".join(a.user.full_name for a in (kit.leader, other_kit.leader, kit.deputy))
