"""A one-page A4 PDF laid out like an ND30 administrative document (Phụ lục I), for demo data only."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Literal
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from vanthu.core.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, serif_fonts_register

LEFT, RIGHT, TOP = 30 * mm, 20 * mm, 20 * mm  # ND30 margins: left 30–35 mm, right 15–20 mm, top 20–25 mm
WIDTH, HEIGHT = A4
HALF = (WIDTH - LEFT - RIGHT) / 2


@dataclass(frozen=True)
class DemoLetter:
    parent: str
    issuer: str
    reference: str
    place: str
    issued: dt.date
    type_name: str  # empty for a công văn, whose trích yếu sits under the number
    subject: str
    addressee: str
    paragraphs: tuple[str, ...]
    recipients: tuple[str, ...]
    signer_position: str
    signer_name: str


def _style(
    name: str, font: str, size: float, align: Literal[0, 1, 4] = TA_CENTER,
    leading: float | None = None,
) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.25, alignment=align)


def _draw(canvas: Canvas, text: str, style: ParagraphStyle, x: float, y: float, width: float) -> float:
    """Draw a wrapped paragraph with its top at ``y``; return the y below it."""
    paragraph = Paragraph(text, style)
    _, height = paragraph.wrapOn(canvas, width, HEIGHT)
    paragraph.drawOn(canvas, x, y - height)
    return y - height


def demo_letter_pdf(letter: DemoLetter) -> bytes:
    serif_fonts_register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(letter.subject)
    canvas.setAuthor(letter.issuer)
    top = HEIGHT - TOP
    y = top
    if letter.parent:
        y = _draw(canvas, escape(letter.parent.upper()), _style("p", SERIF, 11.5), LEFT - 8 * mm, y, HALF - 4 * mm)
    y = _draw(canvas, escape(letter.issuer.upper()), _style("i", SERIF_BOLD, 11.5), LEFT - 8 * mm, y, HALF - 4 * mm)
    left_center = LEFT - 8 * mm + (HALF - 4 * mm) / 2
    canvas.line(left_center - 12 * mm, y - 1.5 * mm, left_center + 12 * mm, y - 1.5 * mm)
    y = _draw(canvas, escape(f"Số: {letter.reference}"), _style("n", SERIF, 12.5), LEFT - 8 * mm, y - 4 * mm,
              HALF - 4 * mm)
    if not letter.type_name:
        y = _draw(canvas, escape(letter.subject), _style("s", SERIF, 11.5), LEFT - 3 * mm, y - 1 * mm, HALF - 14 * mm)
    right_y = _draw(canvas, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _style("q", SERIF_BOLD, 11), LEFT + HALF - 18 * mm,
                    top, HALF + 18 * mm)
    right_y = _draw(canvas, "Độc lập - Tự do - Hạnh phúc", _style("t", SERIF_BOLD, 12.5), LEFT + HALF - 18 * mm,
                    right_y, HALF + 18 * mm)
    canvas.line(LEFT + HALF * 1.5 - 9 * mm - 28 * mm, right_y - 1.5 * mm, LEFT + HALF * 1.5 - 9 * mm + 28 * mm,
                right_y - 1.5 * mm)
    issued = letter.issued
    date_line = f"{letter.place}, ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}"
    right_y = _draw(canvas, escape(date_line), _style("d", SERIF_ITALIC, 12.5), LEFT + HALF - 18 * mm,
                    right_y - 5 * mm, HALF + 18 * mm)
    y = min(y, right_y) - 8 * mm
    full = WIDTH - LEFT - RIGHT
    if letter.type_name:
        y = _draw(canvas, escape(letter.type_name.upper()), _style("ty", SERIF_BOLD, 14), LEFT, y, full)
        y = _draw(canvas, escape(letter.subject), _style("sj", SERIF_BOLD, 14), LEFT + 20 * mm, y, full - 40 * mm)
        y -= 6 * mm
    else:
        y = _draw(canvas, escape(f"Kính gửi: {letter.addressee}"), _style("k", SERIF, 14), LEFT, y, full)
        y -= 4 * mm
    body = _style("b", SERIF, 13, TA_JUSTIFY, leading=18)
    body.firstLineIndent = 10 * mm
    for text in letter.paragraphs:
        y = _draw(canvas, escape(text), body, LEFT, y, full) - 2 * mm
    y -= 6 * mm
    left_y = _draw(canvas, "<b><i>Nơi nhận:</i></b>", _style("nn", SERIF, 12, TA_LEFT), LEFT, y, HALF)
    for line in letter.recipients:
        left_y = _draw(canvas, escape(f"- {line}"), _style("r", SERIF, 11, TA_LEFT), LEFT, left_y, HALF)
    sign_y = _draw(canvas, escape(letter.signer_position.upper()), _style("sp", SERIF_BOLD, 13), LEFT + HALF, y, HALF)
    _draw(canvas, escape(letter.signer_name), _style("sn", SERIF_BOLD, 14), LEFT + HALF, sign_y - 22 * mm, HALF)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
