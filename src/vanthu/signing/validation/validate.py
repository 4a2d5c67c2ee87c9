"""``pdf_validate``: validate every signature of any PDF and conclude with one ETSI indication.

pyHanko does the cryptography, path building, revocation and difference analysis
(``validate_pdf_signature``); this module turns its status objects into our report and applies the
rules pyHanko leaves to the caller (revocation against the proven signing time, signatures removed
in a later revision, what counts as "valid"). The rules are listed in docs/subsystems/validation.md.
"""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from typing import Any

from asn1crypto import x509
from django.utils import timezone
from django.utils.translation import gettext
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from vanthu.core.errors import ApplicationError
from vanthu.signing.validation.judgement import signature_judge, worst
from vanthu.signing.validation.report import Indication, ValidationReport, verdict_for
from vanthu.signing.validation.trust import validation_context_build

# ND30 signatures are made for non-repudiation; agency (seal) certificates issued in Vietnam often
# carry digitalSignature only, so either usage is accepted.
KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False)


def _unreadable(detail: str) -> ApplicationError:
    return ApplicationError(
        "pdf_unreadable", gettext("Không đọc được tệp: tệp không phải PDF hoặc đã hỏng."), {"detail": detail})


def _open(pdf: bytes) -> tuple[PdfFileReader, list[EmbeddedPdfSignature]]:
    if not pdf.lstrip()[:5] == b"%PDF-":
        raise _unreadable("no %PDF- header")
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = [sig for sig in reader.embedded_signatures if sig.sig_object_type == "/Sig"]
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise _unreadable(str(exc)) from exc
    return reader, signatures


def _dss(reader: PdfFileReader) -> DocumentSecurityStore | None:
    try:
        return DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None


def _embedded_revinfo(dss: DocumentSecurityStore | None) -> tuple[list[x509.Certificate], list[Any], list[Any]]:
    if dss is None:
        return [], [], []
    context = dss.as_validation_context({"trust_roots": []})
    return list(dss.load_certs()), context.ocsps, context.crls


def _removed_signatures(reader: PdfFileReader) -> list[str]:
    """Names of signature fields that were signed in an earlier revision and no longer are.

    Document timestamps count as present signatures here, so a B-LTA file is not misreported.
    """
    present = {bytes(sig.sig_object["/Contents"]) for sig in reader.embedded_signatures}
    removed: list[str] = []
    for revision in range(reader.xrefs.total_revisions):
        resolver = reader.get_historical_resolver(revision)
        for name, value, _ref in enumerate_sig_fields(resolver, filled_status=True):
            contents = bytes(value.get_object().get("/Contents", b""))
            if contents and contents not in present and name not in removed:
                removed.append(name)
    return removed


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
    reader, signatures = _open(pdf)
    dss = _dss(reader)
    dss_certs, dss_ocsps, dss_crls = _embedded_revinfo(dss)
    if validation_context is None:
        validation_context = validation_context_build(
            trust_roots=trust_roots or [], at=at, allow_fetching=allow_fetching,
            other_certs=dss_certs, ocsps=dss_ocsps, crls=dss_crls)
    else:
        validation_context.certificate_registry.register_multiple(dss_certs)
    embedded = frozenset(item.dump() for item in [*dss_ocsps, *dss_crls])

    reports = []
    for sig in signatures:
        status: PdfSignatureStatus | Exception
        try:
            status = validate_pdf_signature(
                sig, signer_validation_context=validation_context,
                ts_validation_context=validation_context, key_usage_settings=KEY_USAGE)
        except (PdfError, ValueError, KeyError, TypeError) as exc:
            status = exc
        reports.append(signature_judge(sig, status, validation_context, embedded))

    reasons: list[str] = []
    indication, sub = worst([(r.indication, r.sub_indication) for r in reports])
    for name in _removed_signatures(reader):
        reasons.append(gettext("Chữ ký số tại trường «%(field)s» đã bị xóa khỏi tệp sau khi ký.")
                       % {"field": name})
        indication, sub = worst([(indication, sub), (Indication.TOTAL_FAILED, "FORMAT_FAILURE")])
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
