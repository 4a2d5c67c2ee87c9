"""The validation report: frozen dataclasses that cross module borders (web page, CLI, JSON export).

Indications and sub-indications carry the names of ETSI EN 319 102-1 (§5.1.3, tables 4–6) so the
report can be compared with other validators; ``verdict`` is the one Vietnamese word the user reads.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext


class Indication(enum.StrEnum):
    """ETSI EN 319 102-1 main indication."""

    TOTAL_PASSED = "TOTAL_PASSED"
    TOTAL_FAILED = "TOTAL_FAILED"
    INDETERMINATE = "INDETERMINATE"


class RevocationStatus(enum.StrEnum):
    GOOD = "good"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


class RevocationSource(enum.StrEnum):
    OCSP = "OCSP"
    CRL = "CRL"
    EMBEDDED = "embedded"


class Integrity(enum.StrEnum):
    INTACT = "intact"
    CHANGED = "changed"
    UNKNOWN = "unknown"  # the signature could not be checked at all


class CertificateKind(enum.StrEnum):
    """Whose key made the signature (ND30: ký số cá nhân vs ký số cơ quan, tổ chức).

    ORGANISATION when the subject names an organisation (O=) and no natural person: it has neither
    givenName/surname nor a personal identifier (serialNumber starting with CMND/CCCD/PASSPORT/
    PERSONAL) and its common name is absent or equal to the organisation name. Everything else is
    PERSONAL. See docs/subsystems/validation.md.
    """

    PERSONAL = "PERSONAL"
    ORGANISATION = "ORGANISATION"


def verdict_for(indication: Indication) -> str:
    """The Vietnamese verdict shown to the user for an ETSI indication."""
    if indication is Indication.TOTAL_PASSED:
        return gettext("hợp lệ")
    if indication is Indication.TOTAL_FAILED:
        return gettext("không hợp lệ")
    return gettext("chưa xác định")


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    serial: str  # hexadecimal, upper case, as certificate viewers show it
    issuer: str
    not_before: datetime
    not_after: datetime
    sha256: str


@dataclass(frozen=True)
class SignatureReport:
    """What one signature field says, and what we conclude about it."""

    field_name: str
    signer_name: str
    certificate: CertificateInfo | None  # None only when the signature could not be parsed
    certificate_kind: CertificateKind | None
    chain: tuple[str, ...]  # subjects, from the signer up to the trust anchor when a path was built
    signing_time_claimed: datetime | None
    timestamp_time: datetime | None
    timestamp_valid: bool | None  # None when the signature has no signature timestamp
    revocation: RevocationStatus
    revocation_source: RevocationSource | None
    revocation_date: datetime | None
    integrity: Integrity
    coverage: str  # pyHanko SignatureCoverageLevel name
    modification_level: str | None  # pyHanko ModificationLevel name; None when not analysed
    docmdp_permission: str | None  # MDPPerm name of the certification (or field lock) in force
    docmdp_ok: bool | None
    indication: Indication
    sub_indication: str | None
    verdict: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ValidationReport:
    indication: Indication
    sub_indication: str | None
    verdict: str
    validated_at: datetime
    signatures: tuple[SignatureReport, ...]
    reasons: tuple[str, ...]  # findings about the file as a whole (no signature, signature removed…)
