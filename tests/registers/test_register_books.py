from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tests.builders import AgencyKit, arrived_document, registered_document
from vanthu.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from vanthu.core.fonts import FontFamily, serif_font_choose, serif_fonts_register
from vanthu.core.periods import Period
from vanthu.core.tables import table_pdf, table_xlsx
from vanthu.documents.enums import RegisterKind
from vanthu.documents.handling import (
    DirectionInput,
    Handler,
    assignment_complete,
    assignment_delegate,
    direction_create,
)
from vanthu.documents.models import IncomingDocument, Register
from vanthu.documents.registers import BookKind, incoming_registers_for_user, register_book
from vanthu.documents.services import incoming_present, incoming_register
from vanthu.workflows.enums import HandlerRole

pytestmark = pytest.mark.django_db

THIS_YEAR = Period.year(timezone.localdate().year)


def _incoming_register(kit: AgencyKit) -> Register:
    return Register.objects.get(agency=kit.agency, kind=RegisterKind.INCOMING)


def _completed_document(kit: AgencyKit) -> IncomingDocument:
    doc = arrived_document(kit, code_number="12", code_notation="UBND-VP", organ_name="Ủy ban nhân dân tỉnh Demo",
                           subject="Về việc triển khai chuyển đổi số", issued_date=dt.date(2026, 11, 2))
    incoming_register(actor=kit.clerk, document_id=doc.pk)
    incoming_present(actor=kit.clerk, document_id=doc.pk, leader_id=kit.leader.user.pk)
    direction_create(actor=kit.leader, document_id=doc.pk, data=DirectionInput(
        lead=Handler(unit_id=kit.finance.pk), instruction="Tham mưu trả lời", due_in_working_days=5))
    lead = doc.assignments.get(role=HandlerRole.LEAD)
    [child] = assignment_delegate(actor=kit.finance_head, assignment_id=lead.pk, user_ids=[kit.specialist.user.pk])
    assignment_complete(actor=kit.specialist, assignment_id=child.pk, result_note="Đã có văn bản trả lời",
                        reply_reference="45/KHTC")
    doc.refresh_from_db()
    return doc


def _book(kit: AgencyKit, kind: str) -> tuple:  # type: ignore[type-arg]
    return register_book(actor=kit.clerk, register_id=_incoming_register(kit).pk, kind=kind, period=THIS_YEAR).rows


def test_arrival_book_row_follows_the_document_through_the_flow(kit: AgencyKit) -> None:
    doc = _completed_document(kit)
    [row] = _book(kit, BookKind.ARRIVAL)
    today = timezone.localdate()
    assert row.cells() == (
        today, 1, "Ủy ban nhân dân tỉnh Demo", "12/UBND-VP", dt.date(2026, 11, 2),
        "Công văn: Về việc triển khai chuyển đổi số", "Phòng Kế hoạch - Tài chính", today, "", "",
    )
    assert row.document_id == doc.pk


def test_handling_book_shows_deadline_progress_and_reply(kit: AgencyKit) -> None:
    doc = _completed_document(kit)
    [row] = _book(kit, BookKind.HANDLING)
    assert row.arrival_number == 1
    assert row.identification == "Công văn số 12/UBND-VP ngày 02/11/2026 của Ủy ban nhân dân tỉnh Demo"
    assert row.recipient == "Phòng Kế hoạch - Tài chính"
    assert doc.due_date is not None and row.due_date == doc.due_date
    assert row.progress == f"Hoàn thành ngày {timezone.localdate():%d/%m/%Y}"
    assert row.reply_reference == "45/KHTC"
    assert row.note == "Đã có văn bản trả lời"
    assert not row.is_overdue


def test_handling_book_flags_overdue_open_documents(kit: AgencyKit) -> None:
    doc = registered_document(kit)
    IncomingDocument.objects.filter(pk=doc.pk).update(due_date=timezone.localdate() - dt.timedelta(days=3))
    [row] = _book(kit, BookKind.HANDLING)
    assert row.is_overdue
    assert row.progress == "Đã vào sổ, quá hạn 3 ngày"


def test_rows_are_ordered_by_arrival_number_and_filtered_by_period(kit: AgencyKit) -> None:
    docs = [registered_document(kit) for _ in range(3)]
    IncomingDocument.objects.filter(pk=docs[0].pk).update(arrival_date=timezone.now() - dt.timedelta(days=400))
    rows = _book(kit, BookKind.ARRIVAL)
    assert [r.arrival_number for r in rows] == [2, 3]
    today = timezone.localdate()
    narrow = Period(today, today)
    book = register_book(actor=kit.leader, register_id=_incoming_register(kit).pk, kind=BookKind.ARRIVAL,
                         period=narrow)
    assert [r.document_id for r in book.rows] == [docs[1].pk, docs[2].pk]
    assert book.period_label == f"Từ ngày {today:%d/%m/%Y} đến ngày {today:%d/%m/%Y}"


def test_unregistered_and_returned_documents_are_not_in_the_book(kit: AgencyKit) -> None:
    arrived_document(kit)
    assert _book(kit, BookKind.ARRIVAL) == ()


def test_query_count_does_not_grow_with_rows(kit: AgencyKit) -> None:
    register_id = _incoming_register(kit).pk
    for _ in range(2):
        _completed_document(kit)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            register_book(actor=kit.clerk, register_id=register_id, kind=BookKind.HANDLING, period=THIS_YEAR)
        return len(ctx)

    few = count()
    for _ in range(4):
        _completed_document(kit)
    assert count() == few <= 3


@pytest.mark.parametrize("who", ["specialist", "finance_head", "admin"])
def test_only_clerks_and_leaders_read_registers(kit: AgencyKit, who: str) -> None:
    actor = getattr(kit, who)
    with pytest.raises(PermissionDeniedError):
        register_book(actor=actor, register_id=_incoming_register(kit).pk, kind=BookKind.ARRIVAL, period=THIS_YEAR)
    with pytest.raises(PermissionDeniedError):
        incoming_registers_for_user(actor=actor)


def test_other_agency_cannot_open_the_register(kit: AgencyKit, other_kit: AgencyKit) -> None:
    registered_document(kit)
    for actor in (other_kit.clerk, other_kit.leader):
        with pytest.raises(NotFoundError):
            register_book(actor=actor, register_id=_incoming_register(kit).pk, kind=BookKind.ARRIVAL,
                          period=THIS_YEAR)
    own = register_book(actor=other_kit.clerk, register_id=_incoming_register(other_kit).pk,
                        kind=BookKind.ARRIVAL, period=THIS_YEAR)
    assert own.rows == ()


def test_secret_register_needs_secret_clearance(kit: AgencyKit) -> None:
    secret = Register.objects.get(agency=kit.agency, kind=RegisterKind.SECRET_INCOMING)
    registered_document(kit, confidentiality=1, main_file=None)
    assert secret.pk not in [r.pk for r in incoming_registers_for_user(actor=kit.clerk)]
    with pytest.raises(PermissionDeniedError):
        register_book(actor=kit.clerk, register_id=secret.pk, kind=BookKind.ARRIVAL, period=THIS_YEAR)
    kit.clerk.user.can_handle_secret = True
    kit.clerk.user.save(update_fields=["can_handle_secret"])
    assert secret.pk in [r.pk for r in incoming_registers_for_user(actor=kit.clerk)]
    book = register_book(actor=kit.clerk, register_id=secret.pk, kind=BookKind.HANDLING, period=THIS_YEAR)
    assert len(book.rows) == 1
    assert book.title == "Sổ theo dõi giải quyết văn bản đến mật"


def test_xlsx_has_titles_header_and_rows(kit: AgencyKit) -> None:
    _completed_document(kit)
    book = register_book(actor=kit.clerk, register_id=_incoming_register(kit).pk, kind=BookKind.ARRIVAL,
                         period=THIS_YEAR)
    sheet = load_workbook(io.BytesIO(table_xlsx(book.table()))).active
    assert sheet is not None
    values = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == kit.agency.name.upper()
    assert values[1][0] == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    assert values[2][0] == f"Năm {timezone.localdate().year}"
    assert values[4][:3] == ("Ngày đến", "Số đến", "Tác giả") and len(values[4]) == 10
    assert values[5][1:4] == (1, "Ủy ban nhân dân tỉnh Demo", "12/UBND-VP")
    assert sheet["F6"].alignment.wrap_text and sheet["F6"].border.left.style == "thin"
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEFGHIJ"}
    assert max(widths, key=lambda c: widths[c]) == "F"  # the trích yếu gets the room
    assert sheet.page_setup.orientation == "landscape"


@pytest.mark.tool
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="apt-get install poppler-utils")
def test_pdf_keeps_vietnamese_diacritics_repeats_header_and_numbers_pages(kit: AgencyKit, tmp_path: Path) -> None:
    _completed_document(kit)
    book = register_book(actor=kit.clerk, register_id=_incoming_register(kit).pk, kind=BookKind.ARRIVAL,
                         period=THIS_YEAR)
    # Enough rows for several pages, to see the header repeated.
    long_book = type(book)(**{**book.__dict__, "rows": book.rows * 40})
    path = tmp_path / "so.pdf"
    path.write_bytes(table_pdf(long_book.table()))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout
    pages = text.split("\f")
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert "Ủy ban nhân" in text and "Tên loại và trích yếu" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    assert "Sổ đăng ký văn bản đến" in info
    non_empty = [p for p in pages if p.strip()]
    assert len(non_empty) >= 2
    assert [p.count("Tác giả") for p in non_empty] == [1] * len(non_empty), pages[1][:800]
    assert "Trang 2" in non_empty[1]
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    assert serif_fonts_register().name in fonts


def test_missing_font_names_the_debian_packages(tmp_path: Path) -> None:
    absent = FontFamily("LiberationSerif", "fonts-liberation2", tmp_path / "a.ttf", tmp_path / "b.ttf",
                        tmp_path / "c.ttf")
    with pytest.raises(ApplicationError) as excinfo:
        serif_font_choose([absent])
    assert excinfo.value.code == "font_missing"
    assert "apt-get install fonts-liberation2" in str(excinfo.value.message)


def test_a_font_without_vietnamese_letters_is_never_chosen() -> None:
    old = Path("/usr/share/fonts/truetype/liberation")
    legacy = FontFamily("LiberationSerif", "fonts-liberation", old / "LiberationSerif-Regular.ttf",
                        old / "LiberationSerif-Bold.ttf", old / "LiberationSerif-Italic.ttf")
    if not legacy.regular.is_file():
        pytest.skip("fonts-liberation not installed")
    from reportlab.pdfbase.ttfonts import TTFontFile

    if ord("ệ") in TTFontFile(str(legacy.regular)).charToGlyph:
        pytest.skip("this Liberation Serif covers Vietnamese")
    with pytest.raises(ApplicationError):
        serif_font_choose([legacy])
