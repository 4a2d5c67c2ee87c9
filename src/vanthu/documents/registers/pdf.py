"""Register books as PDF (reportlab): A4 landscape, Liberation Serif embedded, header repeated, page numbers."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer

from vanthu.core.fonts import SERIF, SERIF_BOLD, serif_fonts_register
from vanthu.documents.registers.rows import BookKind, RegisterBook

# Relative column widths; scaled to the printable width.
RATIOS = {
    BookKind.ARRIVAL: (10, 7, 20, 14, 10, 40, 20, 10, 10, 15),
    BookKind.HANDLING: (7, 44, 22, 13, 22, 16, 20),
}
MARGIN = 12 * mm


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "agency": ParagraphStyle("agency", fontName=SERIF_BOLD, fontSize=12, leading=15, alignment=TA_CENTER),
        "title": ParagraphStyle("title", fontName=SERIF_BOLD, fontSize=15, leading=19, alignment=TA_CENTER),
        "period": ParagraphStyle("period", fontName=SERIF, fontSize=12, leading=15, alignment=TA_CENTER),
        "head": ParagraphStyle("head", fontName=SERIF_BOLD, fontSize=10, leading=12, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", fontName=SERIF, fontSize=10, leading=12),
    }


def _page_number(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(SERIF, 9)
    canvas.drawRightString(doc.pagesize[0] - MARGIN, 7 * mm, _("Trang %(page)s") % {"page": doc.page})
    canvas.restoreState()


def register_pdf(book: RegisterBook) -> bytes:
    serif_fonts_register()
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm, title=book.title, author=book.agency_name,
    )
    ratios = RATIOS[BookKind(book.kind)]
    widths = [doc.width * r / sum(ratios) for r in ratios]
    data: list[list[Any]] = [[Paragraph(escape(c), styles["head"]) for c in book.columns]]
    for row in book.rows:
        data.append([Paragraph(escape(value), styles["cell"]) for value in row.cells()])
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ])
    story = [
        Paragraph(escape(book.agency_name.upper()), styles["agency"]),
        Spacer(1, 3 * mm),
        Paragraph(escape(book.title.upper()), styles["title"]),
        Paragraph(escape(book.period_label), styles["period"]),
        Spacer(1, 5 * mm),
        table,
    ]
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()
