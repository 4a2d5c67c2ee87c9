"""Filling the reserved ND30 text fields (số/ký hiệu, địa danh và ngày tháng) of a PDF that is already signed.

``pdf_fill_text_fields`` appends one incremental update that, for each named AcroForm text field, sets ``/V``,
marks the field read-only and points the widget's normal appearance at a NEW form XObject. The appearance is
drawn with ReportLab into a PDF the size of the widget, in Liberation Serif (embedded, Vietnamese glyphs such as
"Đ", "ă", "ệ"), on an opaque white background, and imported as a form XObject — the same technique as the
signature appearances. Nothing else changes (no ``/NeedAppearances``, no new fonts in ``/DR``), so pyHanko
classifies the revision as form filling (``ModificationLevel.FORM_FILLING``) and earlier signatures stay valid.

``pdf_reserve_fields`` adds the empty ``vanthu_number``/``vanthu_date`` text fields to an UNSIGNED draft that
lacks them (uploaded or converted drafts), before the personal signature.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from vanthu.core.errors import ApplicationError
from vanthu.core.fonts import SERIF, SERIF_ITALIC, serif_fonts_register

NUMBER_FIELD = "vanthu_number"
DATE_FIELD = "vanthu_date"
READ_ONLY = 1  # AcroForm field flag bit 1
PRINT = 4  # annotation flag: printed
MIN_FONT_SIZE = 7.0
G: Any = generic  # pyHanko's PDF object model is untyped


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise ApplicationError(
            "pdf_unreadable", _("Không đọc được tệp: tệp không phải PDF hoặc đã hỏng."), {"detail": str(exc)}
        ) from exc


def _walk_fields(fields: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for ref in fields:
        field = ref.get_object()
        partial = str(field.get("/T", ""))
        name = f"{prefix}.{partial}" if prefix and partial else (partial or prefix)
        kids = field.get("/Kids")
        if kids is not None and any("/T" in kid.get_object() for kid in kids):
            yield from _walk_fields(kids, name)
        else:
            yield name, ref


def text_fields(reader: PdfFileReader) -> dict[str, Any]:
    """Fully qualified names of the terminal AcroForm fields → their references."""
    try:
        form: Any = reader.root["/AcroForm"]
    except KeyError:
        return {}
    return dict(_walk_fields(form.get("/Fields", G.ArrayObject())))


def _widgets(field_ref: Any) -> list[Any]:
    field = field_ref.get_object()
    if "/Kids" in field:
        return list(field["/Kids"])
    return [field_ref]  # a field merged with its only widget (what ReportLab and pyHanko write)


def _rect(widget: Any) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def text_appearance_pdf(*, text: str, width: float, height: float, font_size: float = 13,
                        italic: bool = False) -> bytes:
    """A one-page PDF of exactly ``width`` × ``height`` points: white background, the text left-aligned on one
    line in Liberation Serif (shrunk to fit the width), vertically centred."""
    serif_fonts_register()
    font = SERIF_ITALIC if italic else SERIF
    size = font_size
    while size > MIN_FONT_SIZE and pdfmetrics.stringWidth(text, font, size) > width - 2:
        size -= 0.5
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(0, 0, width, height, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(font, size)
    baseline = max((height - size) / 2 + size * 0.22, 0.5)
    pdf.drawString(1, baseline, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pdf_fill_text_fields(
    pdf: bytes, values: Mapping[str, str], *, font_size: float = 13, italic_fields: Iterable[str] = (),
    font_sizes: Mapping[str, float] | None = None,
) -> bytes:
    """Set the value and a Vietnamese-capable appearance of the named text fields, lock them read-only, and
    return the PDF with one more incremental update. A missing or non-text field is refused before anything is
    written."""
    writer: Any = _writer(pdf)
    fields = text_fields(writer.prev)
    missing = [name for name in values if name not in fields]
    not_text = [name for name in values if name in fields and fields[name].get_object().get("/FT") != "/Tx"]
    if missing or not_text:
        raise ApplicationError(
            "form_field_missing",
            _("Tệp PDF không có ô “%(fields)s” để điền số và ngày văn bản.")
            % {"fields": ", ".join(missing + not_text)},
            {"missing": missing, "not_text": not_text},
        )
    italic = set(italic_fields)
    sizes = dict(font_sizes or {})
    for name, value in values.items():
        field_ref = fields[name]
        field = field_ref.get_object()
        field[pdf_name("/V")] = G.TextStringObject(value)
        field[pdf_name("/Ff")] = G.NumberObject(int(field.get("/Ff", 0)) | READ_ONLY)
        writer.update_container(field)
        for widget_ref in _widgets(field_ref):
            widget = widget_ref.get_object()
            x1, y1, x2, y2 = _rect(widget)
            drawing = text_appearance_pdf(text=value, width=max(x2 - x1, 1.0), height=max(y2 - y1, 1.0),
                                          font_size=sizes.get(name, font_size), italic=name in italic)
            xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(drawing)), page_ix=0)
            widget[pdf_name("/AP")] = G.DictionaryObject({pdf_name("/N"): xobject})
            writer.update_container(widget)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_text_field_values(pdf: bytes) -> dict[str, str]:
    """The current ``/V`` of every terminal text field (tests and checks)."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    result: dict[str, str] = {}
    for name, ref in text_fields(reader).items():
        field = ref.get_object()
        if field.get("/FT") == "/Tx":
            result[name] = str(field.get("/V", ""))
    return result


def _page_ref(writer: Any, page: int) -> Any:
    try:
        ref, _resources = writer.find_page_for_modification(page)
    except (PdfError, IndexError, ValueError) as exc:
        raise ApplicationError(
            "form_field_page", _("Trang %(page)d không có trong tệp PDF.") % {"page": page + 1}, {"page": page}
        ) from exc
    return ref


def pdf_reserve_fields(pdf: bytes, boxes: Mapping[str, Mapping[str, Any]]) -> bytes:
    """Add the empty ``vanthu_number`` and ``vanthu_date`` text fields (and nothing else) to a PDF lacking them.

    ``boxes`` is ``DraftVersion.field_boxes``-shaped: ``{name: {"page": 0, "box": [x1, y1, x2, y2]}}``. Fields
    already present are left alone; a PDF that already carries a signature is refused (adding fields after a
    signature is not form filling)."""
    writer: Any = _writer(pdf)
    reader = writer.prev
    if reader.embedded_signatures:
        raise ApplicationError(
            "form_fields_after_signature", _("Không thể thêm ô số và ngày vào văn bản đã ký số."),
        )
    existing = text_fields(reader)
    wanted = [name for name in (NUMBER_FIELD, DATE_FIELD) if name not in existing]
    if not wanted:
        return pdf
    root = writer.root
    if "/AcroForm" not in root:
        root[pdf_name("/AcroForm")] = writer.add_object(G.DictionaryObject())
        writer.update_root()
    form = root["/AcroForm"]
    writer.update_container(form)
    if "/Fields" not in form:
        form[pdf_name("/Fields")] = G.ArrayObject()
    fields = form["/Fields"]
    writer.update_container(fields)
    font = writer.add_object(G.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Times-Roman"), pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding"),
    }))
    if "/DR" not in form:
        form[pdf_name("/DR")] = G.DictionaryObject()
    resources = form["/DR"]
    writer.update_container(resources)
    if "/Font" not in resources:
        resources[pdf_name("/Font")] = G.DictionaryObject()
    fonts = resources["/Font"]
    writer.update_container(fonts)
    fonts[pdf_name("/VanthuTi")] = font
    for name in wanted:
        spec = boxes.get(name)
        if spec is None:
            raise ApplicationError(
                "form_field_box", _("Chưa có vị trí cho ô “%(field)s”.") % {"field": name}, {"field": name})
        page = int(spec.get("page", 0))
        page_ref = _page_ref(writer, page)
        x1, y1, x2, y2 = (float(v) for v in spec["box"])
        widget = G.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Tx"), pdf_name("/T"): G.TextStringObject(name),
            pdf_name("/F"): G.NumberObject(PRINT), pdf_name("/Ff"): G.NumberObject(0),
            pdf_name("/Rect"): G.ArrayObject(G.FloatObject(round(v, 2)) for v in (x1, y1, x2, y2)),
            pdf_name("/P"): page_ref, pdf_name("/DA"): G.TextStringObject("/VanthuTi 13 Tf 0 g"),
            pdf_name("/V"): G.TextStringObject(""),
        })
        widget_ref = writer.add_object(widget)
        fields.append(widget_ref)
        page_obj = page_ref.get_object()
        if "/Annots" not in page_obj:
            page_obj[pdf_name("/Annots")] = G.ArrayObject()
            writer.update_container(page_obj)
        annots = page_obj["/Annots"]
        annots.append(widget_ref)
        writer.update_container(annots)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
