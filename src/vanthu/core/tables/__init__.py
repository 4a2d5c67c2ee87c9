"""One titled-table model for every export (register books, statistics reports, signature validation reports),
one XLSX writer and one PDF writer for it."""

from vanthu.core.tables.model import (
    Align,
    Cell,
    Column,
    DisplayCell,
    DisplayRow,
    Footnote,
    Kind,
    LineRole,
    Row,
    RowStyle,
    TitledTable,
    TitleLine,
    Tone,
    standard_titles,
)
from vanthu.core.tables.pdf import table_pdf
from vanthu.core.tables.xlsx import sheet_title, table_xlsx

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"

__all__ = [
    "PDF_CONTENT_TYPE", "XLSX_CONTENT_TYPE", "Align", "Cell", "Column", "DisplayCell", "DisplayRow", "Footnote",
    "Kind", "LineRole", "Row", "RowStyle", "TitleLine", "TitledTable", "Tone", "sheet_title", "standard_titles",
    "table_pdf", "table_xlsx",
]
