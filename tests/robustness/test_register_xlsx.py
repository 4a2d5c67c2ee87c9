"""The XLSX register: any register name makes a valid sheet, and user text is never read as a formula."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tests.builders import AgencyKit
from vanthu.core.periods import Period
from vanthu.core.tables import sheet_title, table_xlsx
from vanthu.documents.enums import RegisterKind
from vanthu.documents.models import Register
from vanthu.documents.registers import ArrivalRow, BookKind, RegisterBook, register_book


def _row(**cells: str) -> ArrivalRow:
    values: dict[str, object] = {
        "arrival_date": dt.date(2026, 11, 2), "arrival_number": 1, "author": "UBND tỉnh Demo",
        "reference": "12/UBND-VP", "issued_date": dt.date(2026, 11, 1), "type_and_subject": "Công văn",
        "recipient": "Phòng KHTC", "forwarded_date": None, "receipt_signature": "", "note": ""}
    values.update(cells)
    return ArrivalRow(document_id=1, **values)  # type: ignore[arg-type]


def _book(title: str, *rows: ArrivalRow) -> RegisterBook:
    return RegisterBook(agency_name="=Sở Nội vụ", title=title, period=Period.year(2026), kind=BookKind.ARRIVAL,
                        rows=rows)


def register_xlsx(book: RegisterBook) -> bytes:
    return table_xlsx(book.table())


@pytest.mark.parametrize(("title", "expected"), [
    ("Sổ văn bản đến 2025/2026", "Sổ văn bản đến 2025-2026"),
    ("[Mật]: sổ *đến*? a\\b", "-Mật-- sổ -đến-- a-b"),
    ("'Sổ'", "Sổ"),
    ("///", "---"),
    ("", "Sheet1"),
    ("Sổ đăng ký văn bản đến của Văn phòng UBND tỉnh", "Sổ đăng ký văn bản đến của Văn"),
])
def test_sheet_title_drops_what_excel_forbids(title: str, expected: str) -> None:
    assert sheet_title(title) == expected


def test_register_named_with_a_slash_exports(kit: AgencyKit) -> None:
    register = Register.objects.get(agency=kit.agency, kind=RegisterKind.INCOMING)
    register.name = "Sổ văn bản đến 2025/2026"
    register.save(update_fields=["name"])
    book = register_book(actor=kit.clerk, register_id=register.pk, kind=BookKind.ARRIVAL,
                         period=Period.year(2026))
    workbook = load_workbook(io.BytesIO(register_xlsx(book)))
    assert workbook.sheetnames == ["Sổ văn bản đến 2025-2026"]
    sheet = workbook.active
    assert sheet is not None and sheet["A2"].value == "SỔ VĂN BẢN ĐẾN 2025/2026"


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"bấm\")", "+84 912 345 678", "-5 ngày",
                                  "@SUM(A1:A2)", "=1+1"])
def test_text_that_looks_like_a_formula_stays_text(text: str) -> None:
    data = register_xlsx(_book("Sổ đến", _row(author=text, note=text)))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    for cell in (sheet["C6"], sheet["J6"]):
        assert cell.data_type == "s"
        assert cell.value == text
        assert cell.quotePrefix
    assert sheet["A1"].data_type == "s" and sheet["A1"].value == "=SỞ NỘI VỤ"


def test_ordinary_text_has_no_quote_prefix() -> None:
    sheet = load_workbook(io.BytesIO(register_xlsx(_book("Sổ đến", _row(note="Đã xử lý"))))).active
    assert sheet is not None
    assert sheet["J6"].value == "Đã xử lý" and sheet["J6"].data_type == "s" and not sheet["J6"].quotePrefix
