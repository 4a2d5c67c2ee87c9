"""What the signing screens share: the validation report as the page shows it, and access guards.

A stored check (``PdfCheck.report``) and a checked upload kept in the session hold the JSON of
``report_as_dict``; ``report_from_dict`` turns it back into the frozen ``ValidationReport`` so the page and the
exports (JSON, PDF, text) work from one representation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanthu.core.http.errors import forbidden
from vanthu.organizations.actor import Actor
from vanthu.organizations.guards import actor_required
from vanthu.signing.validation.report import (
    CertificateInfo,
    CertificateKind,
    Indication,
    Integrity,
    RevocationSource,
    RevocationStatus,
    SignatureReport,
    ValidationReport,
    verdict_for,
)

P = ParamSpec("P")
ActorView = Callable[Concatenate[HttpRequest, Actor, P], HttpResponseBase]


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(str(value))
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _certificate(data: dict[str, Any] | None) -> CertificateInfo | None:
    if not data:
        return None
    return CertificateInfo(
        subject=str(data.get("subject", "")), serial=str(data.get("serial", "")), issuer=str(data.get("issuer", "")),
        not_before=_time(data.get("not_before")) or timezone.now(),
        not_after=_time(data.get("not_after")) or timezone.now(),
        sha256=str(data.get("sha256", "")),
    )


def _signature(data: dict[str, Any]) -> SignatureReport:
    kind = data.get("certificate_kind")
    source = data.get("revocation_source")
    indication = Indication(data.get("indication", Indication.INDETERMINATE))
    return SignatureReport(
        field_name=str(data.get("field_name", "")),
        signer_name=str(data.get("signer_name", "")),
        certificate=_certificate(data.get("certificate")),
        certificate_kind=CertificateKind(kind) if kind else None,
        chain=tuple(str(item) for item in data.get("chain") or ()),
        signing_time_claimed=_time(data.get("signing_time_claimed")),
        timestamp_time=_time(data.get("timestamp_time")),
        timestamp_valid=data.get("timestamp_valid"),
        revocation=RevocationStatus(data.get("revocation", RevocationStatus.UNKNOWN)),
        revocation_source=RevocationSource(source) if source else None,
        revocation_date=_time(data.get("revocation_date")),
        integrity=Integrity(data.get("integrity", Integrity.CHANGED)),
        coverage=str(data.get("coverage", "")),
        modification_level=data.get("modification_level"),
        docmdp_permission=data.get("docmdp_permission"),
        docmdp_ok=data.get("docmdp_ok"),
        indication=indication,
        sub_indication=data.get("sub_indication"),
        verdict=str(data.get("verdict") or verdict_for(indication)),
        reasons=tuple(str(item) for item in data.get("reasons") or ()),
    )


def report_from_dict(data: dict[str, Any]) -> ValidationReport:
    """The inverse of ``report_as_dict`` (tolerant of missing keys, so an older stored check still shows)."""
    indication = Indication(data.get("indication", Indication.INDETERMINATE))
    return ValidationReport(
        indication=indication,
        sub_indication=data.get("sub_indication"),
        verdict=str(data.get("verdict") or verdict_for(indication)),
        validated_at=_time(data.get("validated_at")) or timezone.now(),
        signatures=tuple(_signature(item) for item in data.get("signatures") or ()),
        reasons=tuple(str(item) for item in data.get("reasons") or ()),
    )


# What changed after signing, in words (pyHanko ModificationLevel names).
MODIFICATION_LABELS = {
    "NONE": gettext_lazy("Không có thay đổi nào sau khi ký."),
    "LTA_UPDATES": gettext_lazy("Chỉ bổ sung dữ liệu kiểm tra chữ ký (chứng thư, trạng thái thu hồi, dấu thời gian)."),
    "FORM_FILLING": gettext_lazy("Điền trường biểu mẫu hoặc ký thêm (ví dụ: số, ngày văn bản; chữ ký cơ quan)."),
    "ANNOTATIONS": gettext_lazy("Thêm ghi chú, chú thích trên văn bản."),
    "OTHER": gettext_lazy("Nội dung văn bản đã bị thay đổi sau khi ký."),
}
MODIFICATION_CLASSES = {"NONE": "success", "LTA_UPDATES": "success", "FORM_FILLING": "info",
                        "ANNOTATIONS": "warning", "OTHER": "danger"}
REVOCATION_LABELS = {
    RevocationStatus.GOOD: gettext_lazy("Chưa bị thu hồi"),
    RevocationStatus.REVOKED: gettext_lazy("Đã bị thu hồi"),
    RevocationStatus.UNKNOWN: gettext_lazy("Chưa xác định được"),
}
INTEGRITY_LABELS = {
    Integrity.INTACT: gettext_lazy("Nguyên vẹn"),
    Integrity.CHANGED: gettext_lazy("Đã bị thay đổi"),
    Integrity.UNKNOWN: gettext_lazy("Chưa xác định được"),
}
REVOCATION_SOURCES = {
    RevocationSource.OCSP: gettext_lazy("hỏi trực tuyến (OCSP)"),
    RevocationSource.CRL: gettext_lazy("danh sách thu hồi (CRL)"),
    RevocationSource.EMBEDDED: gettext_lazy("dữ liệu lưu trong tệp"),
}
COVERAGE_LABELS = {
    "ENTIRE_FILE": gettext_lazy("toàn bộ tệp"),
    "ENTIRE_REVISION": gettext_lazy("toàn bộ phiên bản đã ký (có cập nhật sau đó)"),
    "CONTIGUOUS_BLOCK_FROM_START": gettext_lazy("một phần tệp"),
    "UNCLEAR": gettext_lazy("không rõ"),
}
INDICATION_CLASSES = {Indication.TOTAL_PASSED: "success", Indication.TOTAL_FAILED: "danger",
                      Indication.INDETERMINATE: "warning"}


@dataclass(frozen=True)
class SignatureView:
    """One signature with the words and colours the page shows."""

    sig: SignatureReport
    verdict: str
    css: str
    kind: str
    revocation: str
    revocation_css: str
    revocation_source: str
    integrity: str
    integrity_css: str
    modification: str
    modification_css: str
    coverage: str
    timestamp: str


@dataclass(frozen=True)
class ReportView:
    report: ValidationReport
    verdict: str
    css: str
    explanation: str
    signatures: tuple[SignatureView, ...]


EXPLANATIONS = {
    Indication.TOTAL_PASSED: gettext_lazy(
        "Mọi chữ ký số trong tệp hợp lệ: tệp không bị thay đổi trái phép sau khi ký, chứng thư số dẫn tới CA gốc "
        "tin cậy và không bị thu hồi tại thời điểm ký."),
    Indication.TOTAL_FAILED: gettext_lazy(
        "Có chữ ký số không hợp lệ, hoặc tệp đã bị thay đổi sau khi ký theo cách chữ ký không cho phép. "
        "Không nên tin nội dung tệp này."),
    Indication.INDETERMINATE: gettext_lazy(
        "Chưa đủ căn cứ để kết luận: ví dụ tệp không có chữ ký, chứng thư không dẫn tới CA gốc tin cậy, "
        "đã hết hạn, hoặc không kiểm tra được tình trạng thu hồi."),
}


def _timestamp_label(sig: SignatureReport) -> str:
    if sig.timestamp_valid is None:
        return _("Không có dấu thời gian")
    return _("Dấu thời gian hợp lệ") if sig.timestamp_valid else _("Dấu thời gian không hợp lệ")


def _signature_view(sig: SignatureReport) -> SignatureView:
    level = sig.modification_level or ""
    return SignatureView(
        sig=sig,
        verdict=verdict_for(sig.indication),
        css=INDICATION_CLASSES[sig.indication],
        kind=_("Ký số cơ quan, tổ chức") if sig.certificate_kind == CertificateKind.ORGANISATION
        else _("Ký số cá nhân"),
        revocation=str(REVOCATION_LABELS[sig.revocation]),
        revocation_css={"good": "success", "revoked": "danger"}.get(sig.revocation.value, "warning"),
        revocation_source=str(REVOCATION_SOURCES[sig.revocation_source]) if sig.revocation_source else "",
        integrity=str(INTEGRITY_LABELS[sig.integrity]),
        integrity_css={Integrity.INTACT: "success", Integrity.CHANGED: "danger"}.get(sig.integrity, "warning"),
        modification=str(MODIFICATION_LABELS.get(level, _("Chưa phân tích được."))),
        modification_css=MODIFICATION_CLASSES.get(level, "secondary"),
        coverage=str(COVERAGE_LABELS.get(sig.coverage, sig.coverage)),
        timestamp=_timestamp_label(sig),
    )


def report_view(report: ValidationReport) -> ReportView:
    """The verdict is worded in the reader's language from the indication, not from the stored text."""
    return ReportView(
        report=report, verdict=verdict_for(report.indication), css=INDICATION_CLASSES[report.indication],
        explanation=str(EXPLANATIONS[report.indication]),
        signatures=tuple(_signature_view(sig) for sig in report.signatures),
    )


def _guarded(allowed: Callable[[Actor], bool], message: Callable[[], str]) -> Callable[[ActorView[P]], Any]:
    def decorate(view: ActorView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
        @wraps(view)
        def inner(request: HttpRequest, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if not allowed(actor):
                return forbidden(request, message())
            return view(request, actor, *args, **kwargs)

        return actor_required(inner)

    return decorate


def is_agency_signer(actor: Actor) -> bool:
    """The agency's certificate and seal are the clerk's tools (ND30 Điều 15–16), managed also by its admin."""
    return actor.agency_id is not None and (actor.is_clerk or actor.is_agency_admin)


agency_signing_view = _guarded(
    is_agency_signer, lambda: _("Chỉ văn thư hoặc quản trị cơ quan quản lý chứng thư số và con dấu của cơ quan."))
sysadmin_view = _guarded(lambda actor: actor.is_sysadmin,
                         lambda: _("Chỉ quản trị hệ thống quản lý danh sách CA gốc tin cậy."))
