"""A report table as XLSX (numbers stay numbers: counts "#,##0", rates with two decimals and a % sign) and as PDF
(Vietnamese formatting, 98,93 %, the serif font with Vietnamese glyphs embedded)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer

from vanthu.core.fonts import SERIF, SERIF_BOLD, serif_fonts_register
from vanthu.documents.registers.xlsx import BORDER, CENTER, FONT_NAME, WRAP_TOP, _put, sheet_title
from vanthu.reports.tables import DAYS, INT, RATE, TEXT, ReportTable

NUMBER_FORMATS = {INT: "#,##0", RATE: '0.00" %"', DAYS: "0.0"}


def table_xlsx(table: ReportTable) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title(table.title)
    last = get_column_letter(len(table.columns))
    for row_index, (text, size, bold) in enumerate(
            [(table.agency_name.upper(), 12, True), (table.title.upper(), 14, True), (table.period_label, 12, False)],
            start=1):
        sheet.merge_cells(f"A{row_index}:{last}{row_index}")
        cell = _put(sheet, row_index, 1, text)
        cell.font = Font(name=FONT_NAME, size=size, bold=bold)
        cell.alignment = CENTER
    header = 5
    for col, (heading, _kind) in enumerate(table.columns, start=1):
        cell = _put(sheet, header, col, heading)
        cell.font = Font(name=FONT_NAME, size=11, bold=True)
        cell.alignment = CENTER
        cell.border = BORDER
    for offset, row in enumerate(table.rows, start=1):
        bold = (offset - 1) in table.emphasis
        for col, ((_heading, kind), value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = _put(sheet, header + offset, col, float(value) if kind == RATE and value is not None
                        else ("—" if value is None and kind != TEXT else value))
            cell.font = Font(name=FONT_NAME, size=11, bold=bold)
            cell.border = BORDER
            cell.alignment = WRAP_TOP
            if kind in NUMBER_FORMATS and value is not None:
                cell.number_format = NUMBER_FORMATS[kind]
    row_index = header + len(table.rows) + 2
    for heading, lines in table.notes:
        _put(sheet, row_index, 1, heading).font = Font(name=FONT_NAME, size=11, bold=True)
        for line in lines:
            row_index += 1
            _put(sheet, row_index, 2, line).font = Font(name=FONT_NAME, size=11)
        row_index += 2
    sheet.column_dimensions["A"].width = 8 if table.columns[0][1] == TEXT and len(table.columns) > 10 else 36
    for col in range(2, len(table.columns) + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 40 if table.columns[col - 1][1] == TEXT else 14
    sheet.freeze_panes = f"A{header + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _page_number(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(SERIF, 9)
    canvas.drawRightString(doc.pagesize[0] - 12 * mm, 7 * mm, _("Trang %(page)s") % {"page": doc.page})
    canvas.restoreState()


def table_pdf(table: ReportTable) -> bytes:
    serif_fonts_register()
    head = ParagraphStyle("head", fontName=SERIF_BOLD, fontSize=9, leading=11, alignment=TA_CENTER)
    cell = ParagraphStyle("cell", fontName=SERIF, fontSize=9, leading=11)
    number = ParagraphStyle("number", parent=cell, alignment=TA_RIGHT)
    bold = {name: ParagraphStyle(f"{name}-bold", parent=style, fontName=SERIF_BOLD)
            for name, style in (("cell", cell), ("number", number))}
    centered = {"agency": (12, True), "title": (15, True), "period": (12, False)}
    styles = {k: ParagraphStyle(k, fontName=SERIF_BOLD if b else SERIF, fontSize=s, leading=s + 3,
                                alignment=TA_CENTER) for k, (s, b) in centered.items()}
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=16 * mm, title=table.title, author=table.agency_name)
    weights = [4 if kind == TEXT else 1.6 for _h, kind in table.columns]
    if table.columns[0][1] == TEXT and len(table.columns) > 10 and table.columns[1][1] == TEXT:
        weights[0] = 1
    widths = [doc.width * w / sum(weights) for w in weights]
    data: list[list[Any]] = [[Paragraph(escape(h), head) for h, _k in table.columns]]
    plain = {"cell": cell, "number": number}
    for index, texts in enumerate(table.texts()):
        style = bold if index in table.emphasis else plain
        data.append([Paragraph(escape(text), style["cell" if kind == TEXT else "number"])
                     for text, (_h, kind) in zip(texts, table.columns, strict=True)])
    grid = LongTable(data, colWidths=widths, repeatRows=1)
    grid.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))])
    story: list[Any] = [Paragraph(escape(table.agency_name.upper()), styles["agency"]), Spacer(1, 3 * mm),
                        Paragraph(escape(table.title.upper()), styles["title"]),
                        Paragraph(escape(table.period_label), styles["period"]), Spacer(1, 5 * mm), grid]
    for heading, lines in table.notes:
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(escape(heading), bold["cell"]))
        story.extend(Paragraph("– " + escape(line), cell) for line in lines)
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()
