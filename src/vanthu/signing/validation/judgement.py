"""From one pyHanko ``PdfSignatureStatus`` to one ``SignatureReport`` with an ETSI indication.

Rules (docs/subsystems/validation.md):

1. Hash mismatch → TOTAL_FAILED/HASH_FAILURE; bad signature value → TOTAL_FAILED/SIG_CRYPTO_FAILURE.
2. Coverage other than the whole revision, or changes the DocMDP policy does not allow
   → TOTAL_FAILED/FORMAT_FAILURE (PAdES: the DocMDP rules are part of the signature format).
3. Signer (or CA) revoked: if a valid signature timestamp proves the signature existed before the
   revocation → INDETERMINATE/REVOKED_NO_POE (long-term validation needed); otherwise, when the
   proven or claimed signing time is after the revocation → TOTAL_FAILED/REVOKED.
4. Other chain problems (no trusted path, expired, not yet valid, revocation unavailable)
   → pyHanko's AdES sub-indication with its own main indication.
5. A signature timestamp that does not validate → INDETERMINATE/TIMESTAMP_ORDER_FAILURE when its
   token is broken, else the timestamp's own sub-indication.
6. The changes made after signing could not be analysed (pyHanko failed on the later revisions)
   → INDETERMINATE/GENERIC; a signature whose own data cannot be read → TOTAL_FAILED/FORMAT_FAILURE;
   any other failure to validate it → INDETERMINATE/GENERIC.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from asn1crypto import x509
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from vanthu.signing.validation.certificates import (
    certificate_info,
    certificate_kind,
    has_revocation_pointers,
    revocation_source,
    signer_name,
)
from vanthu.signing.validation.report import (
    Indication,
    Integrity,
    RevocationStatus,
    SignatureReport,
    verdict_for,
)

Finding = tuple[Indication, str | None]

_RANK = {Indication.TOTAL_PASSED: 0, Indication.INDETERMINATE: 1, Indication.TOTAL_FAILED: 2}


def worst(findings: Sequence[Finding]) -> Finding:
    """The most severe finding; among equals, the first one found."""
    result: Finding = (Indication.TOTAL_PASSED, None)
    for finding in findings:
        if _RANK[finding[0]] > _RANK[result[0]]:
            result = finding
    return result


def _day(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S")


# What escapes pyHanko when a signature's own data is malformed (its CMS container, /ByteRange, /Contents…): such a
# signature cannot be valid. Anything else that escapes is a failure to read the file, which proves nothing.
MALFORMED = (PdfError, ValueError, KeyError, TypeError, IndexError)


def _certificate_of(sig: EmbeddedPdfSignature | None) -> x509.Certificate | None:
    if sig is None:
        return None
    try:
        cert: x509.Certificate = sig.signer_cert
        cert.native  # noqa: B018 -- parse it all now: asn1crypto parses lazily
    except Exception:  # a container without a readable certificate
        return None
    return cert


def signature_unreadable(*, field_name: str, sig: EmbeddedPdfSignature | None, malformed: bool) -> SignatureReport:
    """The report of a signature that could not be validated: TOTAL_FAILED/FORMAT_FAILURE when its own data is
    malformed, else INDETERMINATE/GENERIC; the certificate is shown when it can be read."""
    cert = _certificate_of(sig)
    if malformed:
        indication, sub = Indication.TOTAL_FAILED, "FORMAT_FAILURE"
        reason = gettext("Chữ ký số bị hỏng: không đọc được dữ liệu chữ ký.")
    else:
        indication, sub = Indication.INDETERMINATE, "GENERIC"
        reason = gettext("Không kiểm tra được chữ ký số này: tệp có cấu trúc mà phần mềm kiểm tra chưa đọc được.")
    return SignatureReport(
        field_name=field_name, signer_name=signer_name(cert) if cert else "",
        certificate=certificate_info(cert) if cert else None,
        certificate_kind=certificate_kind(cert) if cert else None, chain=(),
        signing_time_claimed=None, timestamp_time=None, timestamp_valid=None,
        revocation=RevocationStatus.UNKNOWN, revocation_source=None, revocation_date=None,
        integrity=Integrity.CHANGED if malformed else Integrity.UNKNOWN, coverage="UNCLEAR",
        modification_level=None, docmdp_permission=None, docmdp_ok=None, indication=indication,
        sub_indication=sub, verdict=verdict_for(indication), reasons=(reason,),
    )


def _timing(status: PdfSignatureStatus) -> tuple[datetime | None, bool | None, datetime | None]:
    """(timestamp time, whether the token validates, proven time of existence)."""
    ts = status.timestamp_validity
    if ts is None:
        return None, None, None
    ts_ok = bool(ts.intact and ts.valid and ts.trusted)
    return ts.timestamp, ts_ok, ts.timestamp if ts_ok else None


def _integrity_findings(status: PdfSignatureStatus, reasons: list[str]) -> list[Finding]:
    if not status.intact:
        reasons.append(gettext("Nội dung đã ký bị thay đổi: giá trị băm không khớp."))
        return [(Indication.TOTAL_FAILED, "HASH_FAILURE")]
    if not status.valid:
        reasons.append(gettext("Giá trị chữ ký số không đúng với khóa công khai của chứng thư số."))
        return [(Indication.TOTAL_FAILED, "SIG_CRYPTO_FAILURE")]
    return []


def _modification_findings(status: PdfSignatureStatus, reasons: list[str]) -> list[Finding]:
    if status.coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
        reasons.append(gettext("Chữ ký số không bao phủ toàn bộ phiên bản tệp đã ký."))
        return [(Indication.TOTAL_FAILED, "FORMAT_FAILURE")]
    if status.docmdp_ok is False:
        level = status.modification_level.name if status.modification_level else "OTHER"
        reasons.append(gettext("Tệp đã bị sửa sau khi ký theo cách chữ ký không cho phép (mức thay đổi: %(level)s).")
                       % {"level": level})
        return [(Indication.TOTAL_FAILED, "FORMAT_FAILURE")]
    if not status.seed_value_ok:
        reasons.append(gettext("Chữ ký số không tuân thủ ràng buộc của trường chữ ký."))
        return [(Indication.INDETERMINATE, "SIG_CONSTRAINTS_FAILURE")]
    return []


def _trust_findings(status: PdfSignatureStatus, proven: datetime | None, reasons: list[str]) -> list[Finding]:
    details = status.revocation_details
    if details is not None:
        revoked_at = details.revocation_date
        whose = gettext("tổ chức cấp") if details.ca_revoked else gettext("người ký")
        if proven is not None and proven < revoked_at:
            reasons.append(gettext(
                "Chứng thư số của %(whose)s bị thu hồi lúc %(when)s, sau thời điểm ký đã được dấu thời gian "
                "chứng minh; cần kiểm tra dài hạn.") % {"whose": whose, "when": _day(revoked_at)})
            return [(Indication.INDETERMINATE, "REVOKED_CA_NO_POE" if details.ca_revoked else "REVOKED_NO_POE")]
        signed_at = proven or status.signer_reported_dt
        reasons.append(gettext("Chứng thư số của %(whose)s đã bị thu hồi lúc %(when)s.")
                       % {"whose": whose, "when": _day(revoked_at)})
        if signed_at is None or signed_at >= revoked_at:
            return [(Indication.TOTAL_FAILED, "REVOKED")]
        return [(Indication.INDETERMINATE, "REVOKED_CA_NO_POE" if details.ca_revoked else "REVOKED_NO_POE")]
    indic = status.trust_problem_indic
    if indic is None and status.validation_path is not None:
        return []
    name = indic.standard_name if indic is not None else "NO_CERTIFICATE_CHAIN_FOUND"
    reasons.append(str(_TRUST_REASONS.get(name, gettext("Không xác minh được chứng thư số của người ký."))))
    main = Indication.TOTAL_FAILED if indic is not None and indic.status.name == "FAILED" else Indication.INDETERMINATE
    return [(main, name)]


_TRUST_REASONS = {
    "NO_CERTIFICATE_CHAIN_FOUND": gettext_lazy("Không tìm thấy chuỗi chứng thư đến một tổ chức cấp tin cậy."),
    "OUT_OF_BOUNDS_NO_POE": gettext_lazy("Chứng thư số của người ký đã hết hạn hoặc chưa có hiệu lực."),
    "NOT_YET_VALID": gettext_lazy("Chứng thư số của người ký chưa có hiệu lực."),
    "TRY_LATER": gettext_lazy("Không lấy được thông tin thu hồi (OCSP/CRL) đủ mới; hãy kiểm tra lại sau."),
    "CHAIN_CONSTRAINTS_FAILURE": gettext_lazy("Chứng thư số không đáp ứng ràng buộc của chuỗi chứng thư."),
}


def signature_judge(
    sig: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    context: ValidationContext,
    embedded: frozenset[bytes],
    *,
    changes_unanalysed: bool = False,
) -> SignatureReport:
    """One signature's report: pyHanko's findings plus the rules in this module's docstring.

    ``changes_unanalysed``: ``status`` comes from a validation without the difference analysis (pyHanko could
    not compare the revisions), so the changes made after signing are unknown (rule 6)."""
    cert = status.signing_cert
    reasons: list[str] = []
    ts_time, ts_ok, proven = _timing(status)
    findings = _integrity_findings(status, reasons)
    findings += _modification_findings(status, reasons)
    if changes_unanalysed and status.coverage is not SignatureCoverageLevel.ENTIRE_FILE:
        reasons.append(gettext("Không phân tích được những thay đổi của tệp sau khi ký, nên chưa khẳng định được "
                               "nội dung hiện tại đúng là nội dung đã ký."))
        findings.append((Indication.INDETERMINATE, "GENERIC"))
    findings += _trust_findings(status, proven, reasons)
    if ts_ok is False:
        ts = status.timestamp_validity
        assert ts is not None
        reasons.append(gettext("Dấu thời gian của chữ ký không hợp lệ."))
        sub = ts.trust_problem_indic.standard_name if ts.trust_problem_indic else "TIMESTAMP_ORDER_FAILURE"
        findings.append((Indication.INDETERMINATE, sub))
    indication, sub_indication = worst(findings)

    source = revocation_source(cert, ocsps=context.ocsps, crls=context.crls, embedded=embedded)
    if status.revocation_details is not None:
        revocation = RevocationStatus.REVOKED
    elif status.trusted and has_revocation_pointers(cert) and source is not None:
        revocation = RevocationStatus.GOOD
    else:
        revocation = RevocationStatus.UNKNOWN
    path = status.validation_path
    chain = (tuple(c.subject.human_friendly for c in reversed(list(path.iter_certs(include_root=True))))
             if path is not None else (cert.subject.human_friendly,))
    level = status.modification_level
    docmdp = sig.docmdp_level
    return SignatureReport(
        field_name=str(sig.field_name),
        signer_name=signer_name(cert),
        certificate=certificate_info(cert),
        certificate_kind=certificate_kind(cert),
        chain=chain,
        signing_time_claimed=status.signer_reported_dt,
        timestamp_time=ts_time,
        timestamp_valid=ts_ok,
        revocation=revocation,
        revocation_source=source,
        revocation_date=status.revocation_details.revocation_date if status.revocation_details else None,
        integrity=Integrity.INTACT if status.intact and status.valid else Integrity.CHANGED,
        coverage=status.coverage.name if status.coverage is not None else "UNCLEAR",
        modification_level=level.name if level is not None else None,
        docmdp_permission=docmdp.name if docmdp is not None else None,
        docmdp_ok=status.docmdp_ok,
        indication=indication,
        sub_indication=sub_indication,
        verdict=verdict_for(indication),
        reasons=tuple(reasons),
    )
