"""Register books as XLSX (openpyxl): title rows, a bordered header, wrapped cells, print set-up for A4."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from vanthu.documents.registers.rows import BookKind, RegisterBook

# Widths in characters, chosen so a landscape A4 page holds the whole row.
WIDTHS = {
    BookKind.ARRIVAL: (12, 8, 24, 16, 12, 44, 22, 12, 12, 18),
    BookKind.HANDLING: (8, 44, 24, 14, 24, 18, 22),
}
FONT_NAME = "Times New Roman"
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
# Characters Excel refuses in a sheet name; the name is also at most 31 characters and not quoted.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Text a spreadsheet would read as a formula (or a DDE call) when it starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@")


def sheet_title(title: str) -> str:
    """``title`` as a valid sheet name: forbidden characters become "-", at most 31 characters, never empty."""
    cleaned = " ".join(SHEET_NAME_FORBIDDEN.sub("-", title).split()).strip("'")[:31].strip()
    return cleaned or "Sheet1"


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell; text that looks like a formula stays text (string type and the quote-prefix style)."""
    cell: Cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def register_xlsx(book: RegisterBook) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title(book.title)
    count = len(book.columns)
    last = get_column_letter(count)
    titles = [(book.agency_name.upper(), 12, True), (book.title.upper(), 14, True), (book.period_label, 12, False)]
    for row_index, (text, size, bold) in enumerate(titles, start=1):
        sheet.merge_cells(f"A{row_index}:{last}{row_index}")
        cell = _put(sheet, row_index, 1, text)
        cell.font = Font(name=FONT_NAME, size=size, bold=bold)
        cell.alignment = CENTER
    header_row = len(titles) + 2
    for col, title in enumerate(book.columns, start=1):
        cell = _put(sheet, header_row, col, title)
        cell.font = Font(name=FONT_NAME, size=11, bold=True)
        cell.alignment = CENTER
        cell.border = BORDER
    for offset, row in enumerate(book.rows, start=1):
        for col, value in enumerate(row.cells(), start=1):
            cell = _put(sheet, header_row + offset, col, value)
            cell.font = Font(name=FONT_NAME, size=11)
            cell.alignment = WRAP_TOP
            cell.border = BORDER
    for col, width in enumerate(WIDTHS[BookKind(book.kind)], start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
