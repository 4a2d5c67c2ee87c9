"""``pdf_validate``: validate every signature of any PDF and conclude with one ETSI indication.

pyHanko does the cryptography, path building, revocation and difference analysis
(``validate_pdf_signature``); this module turns its status objects into our report and applies the
rules pyHanko leaves to the caller (revocation against the proven signing time, signatures removed
in a later revision, what counts as "valid"). The rules are listed in docs/subsystems/validation.md.

It never raises for a file that opens as a PDF: whatever fails while reading signatures, validating them or
walking the earlier revisions becomes a finding (INDETERMINATE, or TOTAL_FAILED for a signature whose own data
is malformed) with a Vietnamese reason, and the detail goes to the log at WARNING with the exception type.
Only a file that cannot be opened as a PDF at all raises ``ApplicationError("pdf_unreadable")``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

from asn1crypto import x509
from django.utils import timezone
from django.utils.translation import gettext
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from vanthu.core.errors import ApplicationError
from vanthu.signing.validation.judgement import MALFORMED, Finding, signature_judge, signature_unreadable, worst
from vanthu.signing.validation.report import Indication, SignatureReport, ValidationReport, verdict_for
from vanthu.signing.validation.revisions import (
    RevisionReader,
    changed_after,
    fields_by_revision,
    filled_signature_fields,
    unlisted_signature_widgets,
)
from vanthu.signing.validation.trust import validation_context_build

logger = logging.getLogger(__name__)

# ND30 signatures are made for non-repudiation; agency (seal) certificates issued in Vietnam often
# carry digitalSignature only, so either usage is accepted.
KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False)

UNDETERMINED: Finding = (Indication.INDETERMINATE, "GENERIC")

# Walking n revisions costs n form reads; real signed documents have tens of revisions. A file with more is not
# walked (the report says so) rather than keeping a worker busy.
MAX_REVISIONS = 200


def _unreadable(detail: str) -> ApplicationError:
    return ApplicationError(
        "pdf_unreadable", gettext("Không đọc được tệp: tệp không phải PDF hoặc đã hỏng."), {"detail": detail})


def _logged(what: str, exc: BaseException) -> None:
    """The failure in one line at WARNING (type and message, which a hostile file can make long), the traceback at
    DEBUG."""
    logger.warning("%s: %s: %.300s", what, type(exc).__name__, exc)
    logger.debug("%s", what, exc_info=exc)


def _open(pdf: bytes) -> PdfFileReader:
    """The reader, if the bytes are a PDF whose cross-reference data leads to a document catalog."""
    if not pdf[:1024].lstrip()[:5] == b"%PDF-":
        raise _unreadable("no %PDF- header")
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        root = reader.root
    except Exception as exc:  # any failure to open the file means the same thing to the user
        raise _unreadable(f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(root, generic.DictionaryObject):
        raise _unreadable("no document catalog")
    return reader


def _signatures(reader: PdfFileReader) -> tuple[list[EmbeddedPdfSignature], list[SignatureReport], list[Finding]]:
    """The signatures (not document timestamps) in signing order, reports for the fields that could not be read
    as signatures, and a finding when the list of fields itself could not be read to the end."""
    try:
        return [sig for sig in reader.embedded_signatures if sig.sig_object_type == "/Sig"], [], []
    except Exception as exc:  # one odd field spoils pyHanko's list: read field by field
        _logged("signature list unreadable, reading field by field", exc)
    found: list[tuple[int, EmbeddedPdfSignature]] = []
    broken: list[SignatureReport] = []
    findings: list[Finding] = []
    fields = enumerate_sig_fields(reader, filled_status=True)
    while True:
        try:
            name, _value, field_ref = next(fields)
        except StopIteration:
            break
        except Exception as exc:  # the form tree itself is broken past this point
            _logged("signature fields unreadable", exc)
            findings.append(UNDETERMINED)
            break
        try:
            sig = EmbeddedPdfSignature(reader, field_ref, name)
            if sig.sig_object_type == "/Sig":
                found.append((sig.signed_revision, sig))
        except Exception as exc:  # this field's signature dictionary is unusable
            _logged(f"signature field {name!r} unreadable", exc)
            broken.append(signature_unreadable(field_name=str(name), sig=None,
                                               malformed=isinstance(exc, MALFORMED)))
    found.sort(key=lambda item: item[0])
    return [sig for _revision, sig in found], broken, findings


def _dss(reader: PdfFileReader) -> DocumentSecurityStore | None:
    try:
        return DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None


def _embedded_revinfo(reader: PdfFileReader) -> tuple[list[x509.Certificate], list[Any], list[Any]]:
    """Certificates, OCSP responses and CRLs of the document's DSS; none when it has none or it is unreadable."""
    try:
        dss = _dss(reader)
        if dss is None:
            return [], [], []
        context = dss.as_validation_context({"trust_roots": []})
        return list(dss.load_certs()), list(context.ocsps), list(context.crls)
    except Exception as exc:  # a broken DSS only means no embedded validation data
        _logged("DSS unreadable, ignored", exc)
        return [], [], []


def _signature_report(sig: EmbeddedPdfSignature, context: ValidationContext, embedded: frozenset[bytes]
                      ) -> SignatureReport:
    """Validate one signature; if pyHanko fails on the changes made after signing, validate the signature alone
    and say that the changes could not be analysed."""
    name = str(sig.field_name)
    try:
        status = validate_pdf_signature(sig, signer_validation_context=context, ts_validation_context=context,
                                        key_usage_settings=KEY_USAGE)
        unanalysed = False
    except Exception as exc:
        _logged(f"signature {name!r} not validated with the changes after it", exc)
        try:
            status = validate_pdf_signature(sig, signer_validation_context=context, ts_validation_context=context,
                                            key_usage_settings=KEY_USAGE, skip_diff=True)
            unanalysed = True
        except Exception as inner:
            _logged(f"signature {name!r} not validated", inner)
            return signature_unreadable(field_name=name, sig=sig, malformed=isinstance(inner, MALFORMED))
    try:
        return signature_judge(sig, status, context, embedded, changes_unanalysed=unanalysed)
    except Exception as exc:  # pyHanko's answer holds something we did not foresee: say so, do not guess
        _logged(f"signature {name!r} not judged", exc)
        return signature_unreadable(field_name=name, sig=sig, malformed=False)


def _history_findings(pdf: bytes) -> tuple[list[Finding], list[str]]:
    """Signatures removed or replaced in a later revision (TOTAL_FAILED); signature widgets the form does not list,
    and earlier revisions that cannot be read or are too many to walk (INDETERMINATE: nothing proves the file is
    what was signed)."""
    findings: list[Finding] = []
    reasons: list[str] = []
    try:
        reader = RevisionReader(BytesIO(pdf), strict=False)
        revisions = reader.xrefs.total_revisions
        if revisions > MAX_REVISIONS:
            return [UNDETERMINED], [gettext(
                "Tệp có %(count)d phiên bản, quá nhiều để kiểm tra chữ ký số có bị xóa ở phiên bản cũ hay không.")
                % {"count": revisions}]
        current = set(filled_signature_fields(reader).values())
        history = list(fields_by_revision(reader))
        removed: list[str] = []
        for item in history:
            for name, key in (item.fields or {}).items():
                gone = key not in current or changed_after(reader, key, item.revision)
                if gone and name not in removed:
                    removed.append(name)
        unlisted = unlisted_signature_widgets(reader, current)
    except Exception as exc:
        _logged("revision history unreadable", exc)
        return [UNDETERMINED], [gettext("Không đọc được các phiên bản trước của tệp, nên không kiểm tra được chữ "
                                        "ký số có bị xóa ở phiên bản cũ hay không.")]
    for name in removed:
        reasons.append(gettext("Chữ ký số tại trường «%(field)s» đã bị xóa khỏi tệp sau khi ký.") % {"field": name})
        findings.append((Indication.TOTAL_FAILED, "FORMAT_FAILURE"))
    unreadable = sum(1 for item in history if item.fields is None)
    if unreadable:
        reasons.append(gettext("Không đọc được %(count)d phiên bản trước của tệp, nên không kiểm tra được chữ ký số "
                               "có bị xóa ở các phiên bản đó hay không.") % {"count": unreadable})
        findings.append(UNDETERMINED)
    for name in unlisted:
        reasons.append(gettext("Chữ ký số tại «%(field)s» không có trong danh sách trường biểu mẫu của tệp, nên "
                               "không kiểm tra được.") % {"field": name or "?"})
        findings.append(UNDETERMINED)
    return findings, reasons


def pdf_validate(
    *,
    pdf: bytes,
    validation_context: ValidationContext | None = None,
    trust_roots: list[x509.Certificate] | None = None,
    at: datetime | None = None,
    allow_fetching: bool = True,
) -> ValidationReport:
    """Validate every signature in ``pdf``.

    Give either a ready ``validation_context`` (its own clock and trust roots apply; the document's
    DSS certificates are added to it) or ``trust_roots`` and optionally ``at``, from which a context
    is built together with the validation data the document embeds (its DSS).
    """
    if validation_context is not None and at is not None:
        raise ValueError("pass `at` through the validation context you build, not both")
    reader = _open(pdf)
    dss_certs, dss_ocsps, dss_crls = _embedded_revinfo(reader)
    if validation_context is None:
        validation_context = validation_context_build(
            trust_roots=trust_roots or [], at=at, allow_fetching=allow_fetching,
            other_certs=dss_certs, ocsps=dss_ocsps, crls=dss_crls)
    else:
        validation_context.certificate_registry.register_multiple(dss_certs)
    embedded = frozenset(item.dump() for item in [*dss_ocsps, *dss_crls])

    signatures, broken, findings = _signatures(reader)
    reports = [_signature_report(sig, validation_context, embedded) for sig in signatures] + broken
    reasons: list[str] = []
    if findings:
        reasons.append(gettext("Không đọc được hết các trường chữ ký số trong tệp."))
    history_findings, history_reasons = _history_findings(pdf)
    findings += history_findings
    reasons += history_reasons
    indication, sub = worst([*((r.indication, r.sub_indication) for r in reports), *findings])
    if not reports and not reasons:
        reasons.append(gettext("Tệp không có chữ ký số."))
        indication, sub = Indication.INDETERMINATE, "SIGNED_DATA_NOT_FOUND"
    moment = validation_context.moment
    return ValidationReport(
        indication=indication,
        sub_indication=sub,
        verdict=verdict_for(indication),
        validated_at=moment if moment is not None else timezone.now().astimezone(UTC),
        signatures=tuple(reports),
        reasons=tuple(reasons),
    )
