"""The signature report a recipient keeps with a received document: the validation of every signed file, as PDF."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError
from vanthu.core.files import UploadedContent

SIGNATURE_REPORT_FILENAME = "bao-cao-chu-ky-so.pdf"


def signature_report_pdf(*, heading: Sequence[str], files: Sequence[UploadedContent]) -> bytes:
    """``heading``: the lines naming the document (số/ký hiệu, date, issuer, trích yếu); then, per file, its
    validation report (``pdf_validate`` with ``signing_validation_context``, as the web check does; a file that
    cannot be read as a PDF gets that one line) in the Vietnamese serif font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from vanthu.core.fonts import SERIF, SERIF_BOLD, serif_fonts_register
    from vanthu.signing.config import signing_validation_context
    from vanthu.signing.validation import pdf_validate, report_as_text

    serif_fonts_register()
    title = ParagraphStyle("title", fontName=SERIF_BOLD, fontSize=14, leading=18, alignment=1)
    head = ParagraphStyle("head", fontName=SERIF_BOLD, fontSize=11, leading=14, spaceBefore=8)
    body = ParagraphStyle("body", fontName=SERIF, fontSize=10, leading=13)
    story = [Paragraph(escape(_("BÁO CÁO KIỂM TRA CHỮ KÝ SỐ")), title), Spacer(1, 4 * mm)]
    story += [Paragraph(escape(line), body) for line in heading]
    for item in files:
        try:
            text = report_as_text(pdf_validate(pdf=item.content, validation_context=signing_validation_context()))
        except ApplicationError as exc:  # not readable as a PDF: the report says so instead of failing the receipt
            text = str(exc.message)
        story.append(Paragraph(escape(_("Tệp: %(name)s") % {"name": item.filename}), head))
        for line in text.splitlines():
            indent = len(line) - len(line.lstrip(" "))
            story.append(Paragraph("&nbsp;" * indent + escape(line.strip()) if line.strip() else "&nbsp;", body))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm, title=_("Báo cáo kiểm tra chữ ký số")).build(story)
    return buffer.getvalue()


def signature_report_heading(*, reference: str, issued: str, issuer: str, subject: str) -> list[str]:
    return [
        _("Văn bản số %(ref)s ngày %(date)s của %(agency)s") % {"ref": reference, "date": issued, "agency": issuer},
        _("Trích yếu: %(subject)s") % {"subject": subject},
    ]
