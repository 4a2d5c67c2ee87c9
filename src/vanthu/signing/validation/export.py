"""Exporting a validation report: a JSON-ready dict and a plain Vietnamese text."""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

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
    integrity = gettext("nguyên vẹn") if sig.integrity.value == "intact" else gettext("đã bị thay đổi")
    lines.append("  " + gettext("Toàn vẹn: %(state)s") % {"state": integrity})
    lines.append("  " + gettext("Phạm vi ký: %(coverage)s; mức thay đổi sau khi ký: %(level)s") % {
        "coverage": sig.coverage, "level": sig.modification_level or "-"})
    if sig.docmdp_permission:
        lines.append("  " + gettext("Quyền thay đổi (DocMDP): %(perm)s") % {"perm": sig.docmdp_permission})
    lines += ["  - " + reason for reason in sig.reasons]
    return lines


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
