"""Register books as XLSX (openpyxl): title rows, a bordered header, wrapped cells, print set-up for A4."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

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


def register_xlsx(book: RegisterBook) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = book.title[:31]
    count = len(book.columns)
    last = get_column_letter(count)
    titles = [(book.agency_name.upper(), 12, True), (book.title.upper(), 14, True), (book.period_label, 12, False)]
    for row_index, (text, size, bold) in enumerate(titles, start=1):
        sheet.merge_cells(f"A{row_index}:{last}{row_index}")
        cell = sheet.cell(row=row_index, column=1, value=text)
        cell.font = Font(name=FONT_NAME, size=size, bold=bold)
        cell.alignment = CENTER
    header_row = len(titles) + 2
    for col, title in enumerate(book.columns, start=1):
        cell = sheet.cell(row=header_row, column=col, value=title)
        cell.font = Font(name=FONT_NAME, size=11, bold=True)
        cell.alignment = CENTER
        cell.border = BORDER
    for offset, row in enumerate(book.rows, start=1):
        for col, value in enumerate(row.cells(), start=1):
            cell = sheet.cell(row=header_row + offset, column=col, value=value)
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
