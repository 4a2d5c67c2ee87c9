"""A titled table as XLSX: values keep their type (a date is a date cell shown dd/mm/yyyy, a count a number shown
with thousands separators, a rate a percentage), title rows merged over the table, bordered headings repeated on
every printed page, A4 fitted to the page width.

Written in openpyxl's write-only mode, and each cell gets a style prepared once per (column, row style): setting
a font, a border and an alignment object on every cell made the workbook's style lookups most of the 0.7 s the
province's 650-agency report took.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from vanthu.core.fonts import SERIF, SERIF_BOLD, serif_fonts_register
from vanthu.core.formatting import local_naive
from vanthu.core.tables.layout import Fonts, table_layout
from vanthu.core.tables.model import Align, Column, Kind, LineRole, Row, RowStyle, TitledTable, Tone
from vanthu.core.tables.model import Cell as Value

FONT_NAME = "Times New Roman"  # what the ND30 forms are printed in; Liberation Serif, used to measure, has its metrics
FONT_SIZE = 11.0
# Characters Excel refuses in a sheet name; the name is also at most 31 characters and not quoted.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Text a spreadsheet would read as a formula (or a DDE call) when it starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@")
NUMBER_FORMATS = {Kind.INTEGER: "#,##0", Kind.PERCENT: "0.00%", Kind.DAYS: "0.0", Kind.DATE: "dd/mm/yyyy",
                  Kind.DATETIME: "dd/mm/yyyy hh:mm"}
TITLE_FONTS = {LineRole.AGENCY: (12, True), LineRole.TITLE: (14, True), LineRole.SUBTITLE: (12, False),
               LineRole.HEADLINE: (13, True), LineRole.TEXT: (11, False)}
TONES = {Tone.NORMAL: "000000", Tone.GOOD: "146C43", Tone.BAD: "B02A37", Tone.WARNING: "997404"}
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
SECTION_FILL = PatternFill("solid", fgColor="F1F3F5")
MUTED_COLOR = "6C757D"
# Excel measures a column in widths of the default font's digit (Calibri 11: 7 pixels at 96 dpi) plus 5 pixels.
PIXELS_PER_POINT = 96 / 72
DIGIT_PIXELS = 7
CELL_PADDING = 2.5  # points each side, like Excel's own


def sheet_title(title: str) -> str:
    """``title`` as a valid sheet name: forbidden characters become "-", at most 31 characters, never empty."""
    cleaned = " ".join(SHEET_NAME_FORBIDDEN.sub("-", title).split()).strip("'")[:31].strip()
    return cleaned or "Sheet1"


def _excel_width(points: float) -> float:
    return round(max((points * PIXELS_PER_POINT - 5) / DIGIT_PIXELS, 2.0), 1)


class _Cell(Cell):
    """A cell with a cheap ``repr``: the write-only sheet first tries every appended cell as a plain value and
    words its refusal with ``repr(cell)`` before taking the cell as it is — a tenth of the writing time."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<cell>"


class _Styles:
    """Cell styles registered with the workbook once, then copied onto cells as style arrays."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet
        self._cache: dict[tuple[object, ...], StyleArray] = {}

    def get(self, *, bold: bool = False, size: float = FONT_SIZE, color: str = "000000", align: Align | None = None,
            center: bool = False, border: bool = True, fill: PatternFill | None = None, number_format: str = "",
            wrap: bool = True) -> StyleArray:
        key = (bold, size, color, align, center, border, fill is None or fill.fgColor.rgb, number_format, wrap)
        style = self._cache.get(key)
        if style is None:
            prototype = Cell(self.sheet, row=1, column=1)
            prototype.font = Font(name=FONT_NAME, size=size, bold=bold, color=color)
            horizontal = "center" if center else (align.value if align is not None else None)
            prototype.alignment = Alignment(horizontal=horizontal, vertical="center" if center else "top",
                                            wrap_text=wrap)
            if border:
                prototype.border = BORDER
            if fill is not None:
                prototype.fill = fill
            if number_format:
                prototype.number_format = number_format
            style = self._cache[key] = prototype._style  # type: ignore[attr-defined]  # the style as indexes
        return style

    def cell(self, value: Any, style: StyleArray) -> Cell:
        """A cell of ``value``; text that looks like a formula stays text (string type and the quote prefix)."""
        cell = _Cell(self.sheet, row=1, column=1, style_array=style)  # the style array is copied
        cell.value = value
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell


def _value(column: Column, value: Value) -> Any:
    """What the cell holds: numbers and dates as such (a rate as a fraction, shown as a percentage)."""
    if value is None or value == "":
        return None  # an empty cell, still bordered
    if isinstance(value, str | int) and not (column.kind == Kind.PERCENT and isinstance(value, int)):
        return value
    if column.kind == Kind.PERCENT and isinstance(value, Decimal | int):
        return float(Decimal(value) / 100)  # exact: 98.93 % is 0.9893, not 0.9893000000000001
    if isinstance(value, dt.datetime):
        return local_naive(value) if column.kind == Kind.DATETIME else local_naive(value).date()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _number_format(column: Column) -> str:
    if column.kind == Kind.INTEGER and column.digits:
        return "0" * column.digits
    return NUMBER_FORMATS.get(column.kind, "")


def table_xlsx(table: TitledTable) -> bytes:
    serif_fonts_register()
    workbook = Workbook(write_only=True)
    # The stubs describe the write-only sheet without what it shares with a normal one (page set-up, merges).
    sheet: Any = workbook.create_sheet(sheet_title(table.name))
    count = len(table.columns)
    last = get_column_letter(count)
    page = landscape(A4) if table.landscape else A4
    layout = table_layout(table, fonts=Fonts(SERIF, SERIF_BOLD), available=page[0] - 24 * mm, sizes=(FONT_SIZE,),
                          padding=CELL_PADDING)
    for index, width in enumerate(layout.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _excel_width(width)
    header_row = len(table.title_lines) + 2
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape" if table.landscape else "portrait"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    styles = _Styles(sheet)

    for number, line in enumerate(table.title_lines, start=1):
        size, bold = TITLE_FONTS[line.role]
        centred = line.role not in (LineRole.TEXT, LineRole.HEADLINE)
        style = styles.get(bold=bold, size=size, color=TONES[line.tone], center=centred, border=False,
                           align=Align.LEFT, wrap=centred)
        sheet.append([styles.cell(line.text, style)])
        if centred:
            sheet.merged_cells.add(f"A{number}:{last}{number}")
    sheet.append([])
    heading = styles.get(bold=True, center=True, fill=HEADER_FILL)
    sheet.append([styles.cell(column.heading, heading) for column in table.columns])

    formats = [_number_format(column) for column in table.columns]
    row_styles: dict[RowStyle, list[StyleArray]] = {}  # per row style, each column's cell style
    row_number = header_row

    def styled(row: Row, style: RowStyle) -> list[Cell]:
        if style == RowStyle.SECTION:
            text = str(row.cells[0]) if row.cells else ""
            sheet.merged_cells.add(f"A{row_number}:{last}{row_number}")
            section = styles.get(bold=True, fill=SECTION_FILL, align=Align.LEFT)
            return [styles.cell(text, section)] + [styles.cell(None, section) for _ in range(count - 1)]
        column_styles = row_styles.get(style)
        if column_styles is None:
            bold, color = style == RowStyle.EMPHASIS, MUTED_COLOR if style == RowStyle.MUTED else "000000"
            column_styles = row_styles[style] = [
                styles.get(bold=bold, color=color, align=column.alignment, number_format=fmt)
                for column, fmt in zip(table.columns, formats, strict=True)]
        return [styles.cell(_value(column, value), cell_style)
                for column, value, cell_style in zip(table.columns, row.cells, column_styles, strict=True)]

    for row in table.rows:
        row_number += 1
        sheet.append(styled(row, row.style))
    for total in table.totals:
        row_number += 1
        sheet.append(styled(total, RowStyle.EMPHASIS if total.style == RowStyle.NORMAL else total.style))
    if table.footnotes:
        sheet.append([])
    for note in table.footnotes:
        sheet.append([styles.cell(note.heading, styles.get(bold=True, border=False, wrap=False))])
        plain = styles.get(border=False, wrap=False)
        for text in note.lines:
            sheet.append([styles.cell("– " + text, plain)])
        sheet.append([])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
