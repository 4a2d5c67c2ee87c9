"""Exporting a validation report: a JSON-ready dict, a plain Vietnamese text and an A4 PDF."""

from __future__ import annotations

import dataclasses
import enum
import io
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from vanthu.signing.validation.report import SignatureReport, ValidationReport


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def report_as_dict(report: ValidationReport) -> dict[str, Any]:
    """The whole report as JSON-ready data (enums as their values, times in ISO 8601)."""
    result: dict[str, Any] = _plain(dataclasses.asdict(report))
    return result


def _when(moment: datetime | None) -> str:
    if moment is None:
        return gettext("không có")
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S %z")


def _yes_no(value: bool | None) -> str:
    if value is None:
        return gettext("không có")
    return gettext("hợp lệ") if value else gettext("không hợp lệ")


def _signature_lines(index: int, sig: SignatureReport) -> list[str]:
    sub = f"/{sig.sub_indication}" if sig.sub_indication else ""
    lines = [
        gettext("Chữ ký %(index)d (trường «%(field)s»): %(verdict)s [%(indication)s%(sub)s]") % {
            "index": index, "field": sig.field_name, "verdict": sig.verdict,
            "indication": sig.indication.value, "sub": sub},
        "  " + gettext("Người ký: %(name)s") % {"name": sig.signer_name},
    ]
    if sig.certificate is not None:
        kind = (gettext("cơ quan, tổ chức") if sig.certificate_kind and sig.certificate_kind.value == "ORGANISATION"
                else gettext("cá nhân"))
        lines += [
            "  " + gettext("Loại chứng thư: %(kind)s") % {"kind": kind},
            "  " + gettext("Chủ thể: %(subject)s") % {"subject": sig.certificate.subject},
            "  " + gettext("Số hiệu chứng thư: %(serial)s") % {"serial": sig.certificate.serial},
            "  " + gettext("Tổ chức cấp: %(issuer)s") % {"issuer": sig.certificate.issuer},
        ]
    lines.append("  " + gettext("Chuỗi chứng thư: %(chain)s") % {"chain": " → ".join(sig.chain) or "-"})
    lines.append("  " + gettext("Thời điểm ký (người ký khai): %(when)s") % {"when": _when(sig.signing_time_claimed)})
    lines.append("  " + gettext("Dấu thời gian: %(when)s (%(state)s)") % {
        "when": _when(sig.timestamp_time), "state": _yes_no(sig.timestamp_valid)})
    source = sig.revocation_source.value if sig.revocation_source else "-"
    lines.append("  " + gettext("Tình trạng thu hồi: %(status)s (nguồn: %(source)s)") % {
        "status": str(_REVOCATION_LABELS[sig.revocation.value]), "source": source})
    lines.append("  " + gettext("Toàn vẹn: %(state)s") % {"state": str(_INTEGRITY_LABELS[sig.integrity.value])})
    lines.append("  " + gettext("Phạm vi ký: %(coverage)s; mức thay đổi sau khi ký: %(level)s") % {
        "coverage": sig.coverage, "level": sig.modification_level or "-"})
    if sig.docmdp_permission:
        lines.append("  " + gettext("Quyền thay đổi (DocMDP): %(perm)s") % {"perm": sig.docmdp_permission})
    lines += ["  - " + reason for reason in sig.reasons]
    return lines


_INTEGRITY_LABELS = {
    "intact": gettext_lazy("nguyên vẹn"),
    "changed": gettext_lazy("đã bị thay đổi"),
    "unknown": gettext_lazy("chưa xác định"),
}
_REVOCATION_LABELS = {
    "good": gettext_lazy("chưa bị thu hồi"),
    "revoked": gettext_lazy("đã bị thu hồi"),
    "unknown": gettext_lazy("chưa xác định"),
}


def report_as_text(report: ValidationReport) -> str:
    """The report as Vietnamese text: the verdict first, then one block per signature."""
    sub = f"/{report.sub_indication}" if report.sub_indication else ""
    lines = [
        gettext("Kết quả: %(verdict)s [%(indication)s%(sub)s]") % {
            "verdict": report.verdict.upper(), "indication": report.indication.value, "sub": sub},
        gettext("Thời điểm kiểm tra: %(when)s") % {"when": _when(report.validated_at)},
        gettext("Số chữ ký: %(count)d") % {"count": len(report.signatures)},
    ]
    lines += ["- " + reason for reason in report.reasons]
    for index, sig in enumerate(report.signatures, start=1):
        lines.append("")
        lines += _signature_lines(index, sig)
    return "\n".join(lines) + "\n"


_MODIFICATION_WORDS = {
    "NONE": gettext_lazy("không có thay đổi"),
    "LTA_UPDATES": gettext_lazy("chỉ bổ sung dữ liệu kiểm tra chữ ký"),
    "FORM_FILLING": gettext_lazy("điền biểu mẫu hoặc ký thêm"),
    "ANNOTATIONS": gettext_lazy("thêm ghi chú, chú thích"),
    "OTHER": gettext_lazy("nội dung đã bị thay đổi"),
}
_VERDICT_COLOURS = {"TOTAL_PASSED": "#146c43", "TOTAL_FAILED": "#b02a37", "INDETERMINATE": "#997404"}


def _pdf_signature_rows(sig: SignatureReport) -> list[tuple[str, str]]:
    sub = f"/{sig.sub_indication}" if sig.sub_indication else ""
    kind = (gettext("cơ quan, tổ chức") if sig.certificate_kind and sig.certificate_kind.value == "ORGANISATION"
            else gettext("cá nhân"))
    rows = [
        (gettext("Kết luận"), f"{sig.verdict} [{sig.indication.value}{sub}]"),
        (gettext("Người ký"), sig.signer_name),
        (gettext("Loại chữ ký"), kind),
    ]
    if sig.certificate is not None:
        rows += [
            (gettext("Chủ thể"), sig.certificate.subject),
            (gettext("Tổ chức cấp"), sig.certificate.issuer),
            (gettext("Số hiệu chứng thư"), sig.certificate.serial),
            (gettext("Hiệu lực"), f"{_when(sig.certificate.not_before)} – {_when(sig.certificate.not_after)}"),
            ("SHA-256", sig.certificate.sha256),
        ]
    source = f" ({sig.revocation_source.value})" if sig.revocation_source else ""
    level = sig.modification_level or ""
    rows += [
        (gettext("Chuỗi chứng thư"), " → ".join(sig.chain) or "-"),
        (gettext("Thời điểm ký (người ký khai)"), _when(sig.signing_time_claimed)),
        (gettext("Dấu thời gian"), f"{_when(sig.timestamp_time)} ({_yes_no(sig.timestamp_valid)})"),
        (gettext("Tình trạng thu hồi"), f"{_REVOCATION_LABELS[sig.revocation.value]}{source}"),
        (gettext("Toàn vẹn"), str(_INTEGRITY_LABELS[sig.integrity.value])),
        (gettext("Thay đổi sau khi ký"), f"{_MODIFICATION_WORDS.get(level, level or '-')} ({level or '-'})"),
        (gettext("Phạm vi ký"), sig.coverage),
        (gettext("Trường chữ ký"), sig.field_name),
    ]
    if sig.docmdp_permission:
        rows.append((gettext("Quyền thay đổi (DocMDP)"), sig.docmdp_permission))
    rows += [(gettext("Ghi chú"), reason) for reason in sig.reasons]
    return rows


def report_as_pdf(report: ValidationReport, *, file_name: str = "", file_sha256: str = "") -> bytes:
    """The report as an A4 PDF with an embedded serif font that carries Vietnamese glyphs (ARCHITECTURE rule 10)."""
    # Imported here: the registers package loads the document models, which validation must not need at import.
    from vanthu.core.fonts import SERIF, SERIF_BOLD, serif_fonts_register

    serif_fonts_register()
    title_style = ParagraphStyle("title", fontName=SERIF_BOLD, fontSize=15, leading=19, alignment=1)
    normal = ParagraphStyle("normal", fontName=SERIF, fontSize=11, leading=14)
    bold = ParagraphStyle("bold", parent=normal, fontName=SERIF_BOLD)
    cell = ParagraphStyle("cell", fontName=SERIF, fontSize=10, leading=12, wordWrap="CJK")
    verdict_style = ParagraphStyle("verdict", fontName=SERIF_BOLD, fontSize=16, leading=20,
                                   textColor=colors.HexColor(_VERDICT_COLOURS[report.indication.value]))

    def para(text: str, style: ParagraphStyle = cell) -> Paragraph:
        return Paragraph(escape(text), style)

    sub = f"/{report.sub_indication}" if report.sub_indication else ""
    story: list[Any] = [para(gettext("BÁO CÁO KIỂM TRA CHỮ KÝ SỐ"), title_style), Spacer(1, 6 * mm)]
    if file_name:
        story.append(para(gettext("Tệp: %(name)s") % {"name": file_name}, normal))
    if file_sha256:
        story.append(para(gettext("Mã băm SHA-256 của tệp: %(hash)s") % {"hash": file_sha256}, cell))
    story += [
        para(gettext("Thời điểm kiểm tra: %(when)s") % {"when": _when(report.validated_at)}, normal),
        para(gettext("Số chữ ký: %(count)d") % {"count": len(report.signatures)}, normal),
        Spacer(1, 3 * mm),
        para(gettext("Kết quả: %(verdict)s") % {"verdict": report.verdict.upper()}, verdict_style),
        para(f"[{report.indication.value}{sub}]", cell),
    ]
    story += [para("• " + reason, normal) for reason in report.reasons]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, title=gettext("Báo cáo kiểm tra chữ ký số"))
    for index, sig in enumerate(report.signatures, start=1):
        rows = [[para(label, ParagraphStyle("key", parent=cell, fontName=SERIF_BOLD)), para(value)]
                for label, value in _pdf_signature_rows(sig)]
        table = Table(rows, colWidths=[doc.width * 0.3, doc.width * 0.7])
        table.setStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f1f3f5"))])
        heading = para(gettext("Chữ ký %(index)d") % {"index": index}, bold)
        story += [Spacer(1, 5 * mm), KeepTogether([heading, Spacer(1, 2 * mm), table])]
    doc.build(story)
    return buffer.getvalue()
