"""Validation of any signed PDF: one report with ETSI indications and a Vietnamese verdict."""

from vanthu.signing.validation.export import report_as_dict, report_as_text
from vanthu.signing.validation.report import (
    CertificateInfo,
    CertificateKind,
    Indication,
    Integrity,
    RevocationSource,
    RevocationStatus,
    SignatureReport,
    ValidationReport,
)
from vanthu.signing.validation.trust import trust_roots_load, validation_context_build
from vanthu.signing.validation.validate import pdf_validate

__all__ = [
    "CertificateInfo",
    "CertificateKind",
    "Indication",
    "Integrity",
    "RevocationSource",
    "RevocationStatus",
    "SignatureReport",
    "ValidationReport",
    "pdf_validate",
    "report_as_dict",
    "report_as_text",
    "trust_roots_load",
    "validation_context_build",
]
