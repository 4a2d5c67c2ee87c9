"""ND30 signature appearances (Phụ lục I): personal block, agency seal, attachment text stamp.

Each appearance is drawn once with ReportLab as a one-page PDF the size of the signature field (fonts embedded,
PNG transparency kept as a soft mask) and imported by pyHanko as the field's appearance stream. This renders
the same in poppler, pdf.js and Acrobat, and the text stays extractable.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pyhanko.pdf_utils import content
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.stamp import StaticStampStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_REGULAR = "VanthuSerif"
FONT_BOLD = "VanthuSerif-Bold"
MM = 72 / 25.4

Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF points, page coordinates


def _register_fonts() -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file in ((FONT_REGULAR, "LiberationSerif-Regular.ttf"), (FONT_BOLD, "LiberationSerif-Bold.ttf")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))


class _ImportedPdfBytes(content.PdfContent):
    """The first page of an in-memory PDF as a form XObject (pyHanko's own variant reads a file name)."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = data

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobj = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self._data)), page_ix=0)
        name = "/VanthuAppearance"
        self.resources.xobject[name] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name.encode("ascii") + b" Do"


@dataclass(frozen=True)
class Appearance:
    """Where a signature field goes and what it shows."""

    page: int
    box: Box
    pdf: bytes  # the drawing, exactly box-sized
    image_box: Box | None = None  # the personal signature image, in page coordinates (the seal overlaps it)

    def stamp_style(self) -> StaticStampStyle:
        return StaticStampStyle(background=_ImportedPdfBytes(self.pdf), border_width=0, background_opacity=1.0)

    @property
    def int_box(self) -> tuple[int, int, int, int]:
        x1, y1, x2, y2 = self.box
        return round(x1), round(y1), round(x2), round(y2)


def _size(box: Box) -> tuple[float, float]:
    return box[2] - box[0], box[3] - box[1]


def _rounded(box: Box) -> Box:
    x1, y1, x2, y2 = box
    return float(round(x1)), float(round(y1)), float(round(x2)), float(round(y2))


def personal_appearance(
    *, capacity: str, title: str, full_name: str, signature_png: bytes, page: int = 0,
    box: Box = (300, 120, 540, 290), font_size: float = 13,
) -> Appearance:
    """Capacity line (e.g. "KT. CHỦ TỊCH"), title line ("PHÓ CHỦ TỊCH") in bold capitals, the blue signature
    image centred below them, then the signer's name in bold — all centred in ``box``."""
    _register_fonts()
    box = _rounded(box)
    width, height = _size(box)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(FONT_BOLD, font_size)
    lines = [line.upper() for line in (capacity, title) if line]
    top = height - font_size
    for index, line in enumerate(lines):
        pdf.drawCentredString(width / 2, top - index * font_size * 1.25, line)
    name_baseline = font_size * 0.4
    pdf.drawCentredString(width / 2, name_baseline, full_name)
    # The image sits between the title line and the name line, keeping its aspect ratio.
    img_top = top - (len(lines) - 1) * font_size * 1.25 - font_size * 0.5
    img_bottom = name_baseline + font_size * 1.3
    with Image.open(io.BytesIO(signature_png)) as img:
        img_w, img_h = img.size
    avail_h = max(img_top - img_bottom, 1.0)
    scale = min(avail_h / img_h, (width * 0.9) / img_w)
    draw_w, draw_h = img_w * scale, img_h * scale
    img_x = (width - draw_w) / 2
    img_y = img_bottom + (avail_h - draw_h) / 2
    pdf.drawImage(ImageReader(io.BytesIO(signature_png)), img_x, img_y, draw_w, draw_h, mask="auto")
    pdf.showPage()
    pdf.save()
    image_box = (box[0] + img_x, box[1] + img_y, box[0] + img_x + draw_w, box[1] + img_y + draw_h)
    return Appearance(page=page, box=box, pdf=buffer.getvalue(), image_box=image_box)


def seal_appearance(
    *, seal_png: bytes, over: Appearance, diameter_mm: float = 40.0,
) -> Appearance:
    """The red seal at its real diameter, covering the left third of the signer's image (ND30 Phụ lục I)."""
    target = over.image_box or over.box
    size = diameter_mm * MM
    right = target[0] + (target[2] - target[0]) / 3
    centre_y = (target[1] + target[3]) / 2
    box = _rounded((right - size, centre_y - size / 2, right, centre_y + size / 2))
    width, height = _size(box)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.drawImage(ImageReader(io.BytesIO(seal_png)), 0, 0, width, height, mask="auto")
    pdf.showPage()
    pdf.save()
    return Appearance(page=over.page, box=box, pdf=buffer.getvalue())


def attachment_stamp_appearance(
    *, text: str, page_width: float, page_height: float, margin: float = 20 * MM / 2, font_size: float = 10,
) -> Appearance:
    """Text-only stamp at the top right of page 1: "<số/ký hiệu>\\n<ISO 8601 time>" in 10 pt black serif."""
    _register_fonts()
    lines = text.splitlines() or [""]
    text_w = max(pdfmetrics.stringWidth(line, FONT_REGULAR, font_size) for line in lines)
    width, height = text_w + 4, font_size * 1.2 * len(lines) + 4
    x2, y2 = page_width - margin, page_height - margin
    box = _rounded((x2 - width, y2 - height, x2, y2))
    width, height = _size(box)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(FONT_REGULAR, font_size)
    for index, line in enumerate(lines):
        pdf.drawRightString(width - 2, height - 2 - font_size * (index + 1) * 1.1, line)
    pdf.showPage()
    pdf.save()
    return Appearance(page=0, box=box, pdf=buffer.getvalue())
