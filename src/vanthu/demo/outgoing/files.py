"""Source files of the demo drafts: a DOCX letter built by hand (WordprocessingML) and a phụ lục PDF."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from django.utils import timezone

from vanthu.core.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, serif_fonts_register
from vanthu.demo.data import PLACE
from vanthu.organizations.models import Agency


def _docx_paragraph(text: str, *, bold: bool = False, italic: bool = False, center: bool = False,
                    size: int = 14, body: bool = False) -> str:
    props = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    if body:  # ND30: justified, first line indented 1-1.27 cm, 6 pt between paragraphs
        props = '<w:pPr><w:spacing w:after="120"/><w:ind w:firstLine="680"/><w:jc w:val="both"/></w:pPr>'
    if not text:
        return f"<w:p>{props}</w:p>"
    run = ('<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
           f'{"<w:b/>" if bold else ""}{"<w:i/>" if italic else ""}<w:sz w:val="{size * 2}"/></w:rPr>')
    return f'<w:p>{props}<w:r>{run}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _docx_row(left: list[str], right: list[str], widths: tuple[int, int]) -> str:
    cells = "".join(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{"".join(paras)}</w:tc>'
                    for paras, w in ((left, widths[0]), (right, widths[1])))
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return f"<w:tbl><w:tblGrid>{grid}</w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr></w:tbl>"


def demo_docx(*, agency: Agency, unit_abbr: str, subject: str, addressees: str, paragraphs: list[str],
              capacity: str, title: str, signer_name: str) -> bytes:
    """A công văn as a drafter would type it in Word (ND30 Phụ lục I): header and signer block in borderless
    two-column tables, a blank number and date for the clerk."""
    year = timezone.localdate().year
    parent = agency.parent.name.upper() if agency.parent else ""
    header_left = ([_docx_paragraph(parent, center=True, size=13)] if parent else []) + [
        _docx_paragraph(agency.name.upper(), bold=True, center=True, size=13),
        _docx_paragraph(f"Số:        /{agency.abbreviation}-{unit_abbr}", center=True, size=13),
        _docx_paragraph(f"V/v {subject}", center=True, size=12),
    ]
    header_right = [
        _docx_paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, center=True, size=12),
        _docx_paragraph("Độc lập - Tự do - Hạnh phúc", bold=True, center=True, size=13),
        _docx_paragraph(f"{agency.place_name or PLACE}, ngày      tháng      năm {year}", italic=True, center=True),
    ]
    body = [_docx_paragraph(f"Kính gửi: {addressees}", center=True), _docx_paragraph(""),
            *(_docx_paragraph(p, body=True) for p in paragraphs)]
    places = [_docx_paragraph("Nơi nhận:", bold=True, italic=True, size=12), _docx_paragraph("- Như trên;", size=11),
              _docx_paragraph(f"- Lưu: VT, {unit_abbr}.", size=11)]
    signer = [*([_docx_paragraph(capacity.upper(), bold=True, center=True)] if capacity else []),
              _docx_paragraph(title.upper(), bold=True, center=True),
              *(_docx_paragraph("") for _ in range(5)), _docx_paragraph(signer_name, bold=True, center=True)]
    margins = '<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701" w:header="0" w:footer="0"/>'
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        f"{_docx_row(header_left, header_right, (4100, 5500))}{_docx_paragraph('')}{''.join(body)}"
        f"{_docx_row(places, signer, (4500, 5000))}"
        f'<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>{margins}</w:sectPr></w:body></w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>'))
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def attachment_pdf(*, title: str, note: str, rows: tuple[str, ...]) -> bytes:
    """A phụ lục in a separate file (ND30 Phụ lục I): the title, "(Kèm theo …)" and the list; the agency's
    signature stamp goes to its top right corner when the document is sealed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer


    serif_fonts_register()
    def centred(name: str, font: str) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=14, leading=18, alignment=1)

    story = [
        Spacer(1, 12 * mm),
        Paragraph("PHỤ LỤC", centred("t", SERIF_BOLD)),
        Paragraph(escape(title.upper()), centred("s", SERIF_BOLD)),
        Paragraph(escape(note), centred("n", SERIF_ITALIC)),
        Spacer(1, 8 * mm),
        *(Paragraph(escape(row), ParagraphStyle("r", fontName=SERIF, fontSize=13, leading=20)) for row in rows),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm, title=title).build(story)
    return buffer.getvalue()
