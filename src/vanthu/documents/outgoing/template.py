"""Built-in ND30 templates (Phụ lục I): a draft PDF filled from fields, with the number and date left as form fields.

Layout (A4, margins 20/20/30/15 mm, Liberation Serif): agency names top left, Quốc hiệu and Tiêu ngữ top right,
"Số: …" under the agency names and "<địa danh>, ngày … tháng … năm …" under the Tiêu ngữ, then the type name and
trích yếu (công văn: "V/v …" under the number and "Kính gửi"), the body, "Nơi nhận" bottom left and the signer
block bottom right. The number and the date are AcroForm text fields ``vanthu_number`` and ``vanthu_date`` so the
clerk can fill them after the leader has signed (a form-filling revision the signature allows). The empty
signature field ``vanthu_sig_personal`` sits between the title line and the signer's name; the seal box covers its
left third. Every box is returned so the signing code places the appearances where the template left room.

Several signers (``TemplateFields.cosigners``, ``outgoing/signers.py``): one block per signer, side by side — the main
signer's block at the right (where a single signer's block is), co-signer 1 at its left, co-signers 2 and 3 in a row
below (left, right) — each with its own empty signature field; "Nơi nhận" then follows below the blocks.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from vanthu.core.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, serif_fonts_register

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 30 * mm, 15 * mm, 20 * mm, 20 * mm
TEXT_W = PAGE_W - LEFT - RIGHT
LEFT_COL_CX = LEFT + 33 * mm  # centre of the agency-name column
RIGHT_COL_CX = PAGE_W - RIGHT - 47 * mm  # centre of the Quốc hiệu column and of the signer block
NUMBER_FIELD = "vanthu_number"
DATE_FIELD = "vanthu_date"
PERSONAL_SIG_FIELD = "vanthu_sig_personal"
SEAL_BOX = "vanthu_seal"
_TRANSPARENT = Color(1, 1, 1, alpha=0)

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class SignerBlock:
    """A co-signer's block: capacity line ("KT. GIÁM ĐỐC"), title line, name, and their empty signature field."""

    field_name: str
    capacity_line: str = ""
    title_line: str = ""
    name: str = ""


@dataclass(frozen=True)
class TemplateFields:
    """What the drafter types into a built-in template."""

    kind: str  # TemplateKind value (= DocumentType code)
    type_name: str  # "Quyết định", "Công văn"…
    subject: str
    body: str  # paragraphs separated by blank lines
    agency_name: str
    parent_agency_name: str = ""
    place_name: str = ""
    addressees: str = ""  # "Kính gửi: …" (công văn, tờ trình, giấy mời)
    to_places: str = ""  # "Nơi nhận" lines
    signing_capacity: str = ""  # "KT.", "TM."…
    authority: str = ""  # whose name the capacity is for: "GIÁM ĐỐC", "ỦY BAN NHÂN DÂN"
    signer_title: str = ""  # "PHÓ GIÁM ĐỐC"
    signer_name: str = ""
    cosigners: tuple[SignerBlock, ...] = ()  # in signing order; the main signer signs last


@dataclass
class RenderedTemplate:
    pdf: bytes
    page_count: int
    boxes: dict[str, dict[str, Any]] = field(default_factory=dict)


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "body": ParagraphStyle("body", fontName=SERIF, fontSize=14, leading=19, alignment=TA_JUSTIFY,
                               firstLineIndent=10 * mm, spaceAfter=6),
        "title": ParagraphStyle("title", fontName=SERIF_BOLD, fontSize=14, leading=18, alignment=TA_CENTER),
        "subject": ParagraphStyle("subject", fontName=SERIF_BOLD, fontSize=14, leading=18, alignment=TA_CENTER),
        "vv": ParagraphStyle("vv", fontName=SERIF, fontSize=12, leading=14, alignment=TA_CENTER),
        "addressees": ParagraphStyle("addr", fontName=SERIF, fontSize=14, leading=19, alignment=TA_CENTER),
    }


def _box(x1: float, y1: float, x2: float, y2: float) -> list[float]:
    return [round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2)]


class _Writer:
    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.page = 0
        self.y = PAGE_H - TOP

    def new_page(self) -> None:
        self.canvas.showPage()
        self.page += 1
        self.y = PAGE_H - TOP
        # ND30: page numbers from page 2, centred in the top margin.
        self.canvas.setFont(SERIF, 13)
        self.canvas.drawCentredString(PAGE_W / 2, PAGE_H - 12 * mm, str(self.page + 1))

    def flow(self, paragraph: Paragraph, x: float = LEFT, width: float = TEXT_W) -> None:
        _w, height = paragraph.wrap(width, PAGE_H)
        if self.y - height < BOTTOM:
            self.new_page()
        paragraph.drawOn(self.canvas, x, self.y - height)
        self.y -= height

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new_page()


def _centred_lines(canvas: Canvas, cx: float, y: float, lines: list[tuple[str, str, float]]) -> float:
    for text, font, size in lines:
        canvas.setFont(font, size)
        canvas.drawCentredString(cx, y, text)
        y -= size * 1.25
    return y


def _underline(canvas: Canvas, cx: float, y: float, width: float) -> None:
    canvas.setLineWidth(0.6)
    canvas.line(cx - width / 2, y, cx + width / 2, y)


def _text_field(canvas: Canvas, name: str, x: float, y: float, width: float, italic: bool) -> list[float]:
    height = 16.0
    canvas.acroForm.textfield(
        name=name, value="", x=round(x), y=round(y - 4), width=round(width), height=round(height),
        borderWidth=0, borderStyle="solid",
        fillColor=_TRANSPARENT, borderColor=_TRANSPARENT, textColor=Color(0, 0, 0),
        # One font for every field: reportlab writes a second /Font key into /DR for a second font (invalid PDF).
        # The signing code regenerates the appearance with an embedded Vietnamese font when it fills the field.
        fontName="Times-Roman", fontSize=14 if italic else 13, maxlen=120,
        tooltip=name,
    )
    return _box(round(x), round(y - 4), round(x) + round(width), round(y - 4) + round(height))


def _header(w: _Writer, f: TemplateFields, boxes: dict[str, dict[str, Any]]) -> None:
    c = w.canvas
    top = PAGE_H - TOP - 12
    lines: list[tuple[str, str, float]] = []
    if f.parent_agency_name:
        lines.append((f.parent_agency_name.upper(), SERIF, 12))
    lines.append((f.agency_name.upper(), SERIF_BOLD, 12))
    y_left = _centred_lines(c, LEFT_COL_CX, top, lines)
    _underline(c, LEFT_COL_CX, y_left + 9, 28 * mm)
    y_right = _centred_lines(c, RIGHT_COL_CX, top, [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", SERIF_BOLD, 12),
        ("Độc lập - Tự do - Hạnh phúc", SERIF_BOLD, 13),
    ])
    _underline(c, RIGHT_COL_CX, y_right + 10, 58 * mm)
    y = min(y_left, y_right) - 10
    c.setFont(SERIF, 13)
    label = "Số: "
    start = LEFT_COL_CX - 30 * mm
    c.drawString(start, y, label)
    x_field = start + c.stringWidth(label, SERIF, 13)
    boxes[NUMBER_FIELD] = {"page": 0, "box": _text_field(c, NUMBER_FIELD, x_field, y, 50 * mm, italic=False)}
    place = f"{f.place_name}, " if f.place_name else ""
    c.setFont(SERIF_ITALIC, 14)
    x_place = RIGHT_COL_CX - 42 * mm
    c.drawString(x_place, y, place)
    x_date = x_place + c.stringWidth(place, SERIF_ITALIC, 14)
    boxes[DATE_FIELD] = {"page": 0, "box": _text_field(c, DATE_FIELD, x_date, y, 62 * mm, italic=True)}
    w.y = y - 8
    if f.kind == "CONG_VAN":
        vv = Paragraph(escape(f"V/v {f.subject}"), _styles()["vv"])
        vv_w = 70 * mm
        _pw, height = vv.wrap(vv_w, PAGE_H)
        vv.drawOn(c, LEFT_COL_CX - vv_w / 2, w.y - height)
        w.y -= height + 14


SIG_W, SIG_H = 50 * mm, 26 * mm
# The left column of signer blocks: its signature box ends well before the seal, which overhangs the main signer's
# image by up to ~27 mm to the left.
LEFT_SIGNER_CX = LEFT + 33 * mm
SIGNER_ROW_H = 50 * mm  # room for a capacity line, a title line, the signature and the name


def _main_block(f: TemplateFields) -> SignerBlock:
    capacity = f"{f.signing_capacity} {f.authority}" if f.signing_capacity and f.authority else ""
    return SignerBlock(field_name=PERSONAL_SIG_FIELD, capacity_line=capacity, title_line=f.signer_title,
                       name=f.signer_name)


def _draw_signer(c: Canvas, cx: float, top: float, block: SignerBlock) -> tuple[float, float, float, float]:
    """Capacity and title lines in bold capitals, room for the signature, the name; returns the signature box."""
    lines = [(text.upper(), SERIF_BOLD, 13.0) for text in (block.capacity_line, block.title_line) if text]
    y_sig_top = _centred_lines(c, cx, top, lines) + 4
    sig = (cx - SIG_W / 2, y_sig_top - SIG_H, cx + SIG_W / 2, y_sig_top)
    if block.name:
        c.setFont(SERIF_BOLD, 14)
        c.drawCentredString(cx, sig[1] - 16, block.name)
    return sig


def _places(c: Canvas, top: float, to_places: str) -> float:
    """"Nơi nhận" at the left from ``top``; returns the y below its last line."""
    c.setFont(SERIF_BOLD, 12)
    c.drawString(LEFT, top, "Nơi nhận:")
    y = top - 14
    c.setFont(SERIF, 11)
    for line in [p.strip() for p in to_places.splitlines() if p.strip()] + ["- Lưu: VT."]:
        text = line if line.startswith("-") else f"- {line}"
        c.drawString(LEFT, y, text)
        y -= 13
    return y


def _signature_block(w: _Writer, f: TemplateFields, boxes: dict[str, dict[str, Any]]) -> None:
    """One signer: "Nơi nhận" bottom left, the signer block bottom right. Several: the blocks side by side in rows
    of two (the main signer at the right of the first row), then "Nơi nhận"."""
    c = w.canvas
    blocks = [_main_block(f), *f.cosigners]
    rows = (len(blocks) + 1) // 2
    places = len([p for p in f.to_places.splitlines() if p.strip()]) + 2
    w.need(75 * mm if len(blocks) == 1 else rows * SIGNER_ROW_H + places * 13 + 20)
    top = w.y - 10
    # Slot of each block: (row, column centre); main right, co-signer 1 left, then left/right in the next rows.
    slots = [(0, RIGHT_COL_CX), (0, LEFT_SIGNER_CX)] + [
        (1 + i // 2, LEFT_SIGNER_CX if i % 2 == 0 else RIGHT_COL_CX) for i in range(len(blocks) - 2)]
    bottom = top
    for block, (row, cx) in zip(blocks, slots, strict=False):
        sig = _draw_signer(c, cx, top - row * SIGNER_ROW_H, block)
        boxes[block.field_name] = {"page": w.page, "box": _box(*sig)}
        bottom = min(bottom, sig[1] - 20)
    main = boxes[PERSONAL_SIG_FIELD]["box"]
    seal_d = 36 * mm  # a seal of ~36 mm, centred on the left third of the signature image
    seal_cx, seal_cy = main[0] + SIG_W / 6, (main[1] + main[3]) / 2
    boxes[SEAL_BOX] = {"page": w.page, "box": _box(seal_cx - seal_d / 2, seal_cy - seal_d / 2,
                                                   seal_cx + seal_d / 2, seal_cy + seal_d / 2)}
    if len(blocks) == 1:
        w.y = min(_places(c, top, f.to_places), bottom)
    else:
        w.y = _places(c, bottom - 16, f.to_places)  # clear of the lowest name line (14 pt)


def _add_signature_fields(pdf: bytes, fields: list[tuple[str, dict[str, Any]]]) -> bytes:
    """The empty signature fields, one per signer, at the boxes the layout left for them."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for name, entry in fields:
        x1, y1, x2, y2 = (round(v) for v in entry["box"])
        append_signature_field(writer, SigFieldSpec(sig_field_name=name, on_page=entry["page"], box=(x1, y1, x2, y2)))
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def template_render(fields: TemplateFields) -> RenderedTemplate:
    """The draft PDF of a built-in template and the boxes of its number, date, signature and seal areas."""
    serif_fonts_register()
    styles = _styles()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(fields.subject)
    canvas.setAuthor(fields.agency_name)
    writer = _Writer(canvas)
    boxes: dict[str, dict[str, Any]] = {}
    _header(writer, fields, boxes)
    if fields.kind != "CONG_VAN":
        writer.y -= 10
        writer.flow(Paragraph(escape(fields.type_name.upper()), styles["title"]))
        writer.flow(Paragraph(escape(fields.subject), styles["subject"]))
        writer.y -= 14
    if fields.addressees:
        writer.flow(Paragraph(escape(f"Kính gửi: {fields.addressees}"), styles["addressees"]))
        writer.y -= 8
    for text in [p.strip() for p in fields.body.split("\n\n") if p.strip()]:
        writer.flow(Paragraph(escape(" ".join(text.split())), styles["body"]))
    _signature_block(writer, fields, boxes)
    canvas.showPage()
    canvas.save()
    signers = [PERSONAL_SIG_FIELD, *(block.field_name for block in fields.cosigners)]
    pdf = _add_signature_fields(buffer.getvalue(), [(name, boxes[name]) for name in signers])
    return RenderedTemplate(pdf=pdf, page_count=writer.page + 1, boxes=boxes)
