"""Whether the certificate that signed a received package (XML-DSig) is one we trust.

``edxml.signature_check`` only says whether the signature matches the package and the certificate embedded in it;
anybody can make such a certificate. Here the certificate is validated like a PDF signer's: a path to one of our
trust anchors (the roots an administrator imported, ``VANTHU_TRUST_ROOTS``), validity now, and revocation (OCSP or
CRL, fetched: this runs before the receive transaction). The result is recorded on the package and shown with it;
it never rejects the package — the legal value of the document rests on the PAdES signatures in its PDFs, which
the signature report covers.
"""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from pyhanko_certvalidator import CertificateValidator
from pyhanko_certvalidator import errors as cv_errors

from vanthu import edxml
from vanthu.exchange.enums import SignerTrust
from vanthu.signing.config import signing_validation_context
from vanthu.signing.signers import run_with_context

REASON_MAX = 300


def _unknown_ca() -> str:
    return _("Chứng thư số ký gói tin không do tổ chức chứng thực được tin cậy cấp.")


def _defective(exc: Exception) -> str:
    return _("Chứng thư số ký gói tin không hợp lệ: %(detail)s") % {"detail": str(exc)[:200]}


@dataclass(frozen=True)
class TrustResult:
    trust: str  # a SignerTrust value, "" when there is no valid signature to judge
    reason: str = ""


def package_signer_trust(check: edxml.SignatureCheck) -> TrustResult:
    if check.state != "valid" or not check.certificate:
        return TrustResult("")
    try:
        certificate, *chain = (asn1_x509.Certificate.load(der) for der in (check.certificate, *check.chain))
        for cert in (certificate, *chain):
            cert.native  # noqa: B018 - parse it all now: asn1crypto parses lazily
    except (ValueError, TypeError):
        return TrustResult(SignerTrust.UNTRUSTED, _("Không đọc được chứng thư số của chữ ký gói tin."))
    context = signing_validation_context()
    validator = CertificateValidator(certificate, intermediate_certs=chain, validation_context=context)
    try:
        run_with_context(validator.async_validate_path(), context)
    except cv_errors.RevokedError:
        return TrustResult(SignerTrust.UNTRUSTED, _("Chứng thư số ký gói tin đã bị thu hồi."))
    except cv_errors.ExpiredError:
        return TrustResult(SignerTrust.UNTRUSTED, _("Chứng thư số ký gói tin đã hết hạn."))
    except cv_errors.NotYetValidError:
        return TrustResult(SignerTrust.UNTRUSTED, _("Chứng thư số ký gói tin chưa có hiệu lực."))
    except cv_errors.InsufficientRevinfoError:
        return TrustResult(SignerTrust.UNDETERMINED,
                           _("Không kiểm tra được tình trạng thu hồi của chứng thư số ký gói tin."))
    except (cv_errors.PathBuildingError, cv_errors.InvalidCertificateError) as exc:
        # No path to our anchors, or a self-signed certificate that is not one of them.
        if isinstance(exc, cv_errors.PathBuildingError) or "self-signed" in str(exc):
            return TrustResult(SignerTrust.UNTRUSTED, _unknown_ca())
        return TrustResult(SignerTrust.UNTRUSTED, _defective(exc))
    except cv_errors.PathValidationError as exc:
        return TrustResult(SignerTrust.UNTRUSTED, _defective(exc))
    except Exception as exc:  # a revocation service that breaks in another way: not known, not refused
        return TrustResult(SignerTrust.UNDETERMINED, (_("Không kiểm tra được chứng thư số ký gói tin: %(detail)s")
                                                      % {"detail": f"{type(exc).__name__}: {exc}"})[:REASON_MAX])
    return TrustResult(SignerTrust.TRUSTED)
