"""The data an edXML package carries, as frozen dataclasses (docs/standards/edxml.md, docs/standards/status-codes.md).

Field order follows the ``MessageHeader`` table, so the dataclasses read like the package. Strings are stored
trimmed; datetimes are timezone-aware (Vietnam time once parsed); ``None`` means "absent" for optional values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from vanthu.edxml.values import VIETNAM_TZ


def _now_vietnam() -> datetime:
    return datetime.now(VIETNAM_TZ).replace(microsecond=0)


@dataclass(frozen=True)
class Organization:
    """``From`` / ``To``: an agency by its QCVN 102 code; ``organization_in_charge`` is the parent agency."""

    organ_id: str
    organ_name: str = ""
    organization_in_charge: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(frozen=True)
class Code:
    """Số and ký hiệu as printed: ``CodeNumber`` ``05`` (leading zero below 10), ``CodeNotation`` ``QĐ-UBND``."""

    code_number: str
    code_notation: str


@dataclass(frozen=True)
class PromulgationInfo:
    place: str = ""
    promulgation_date: date | None = None


@dataclass(frozen=True)
class DocumentTypeInfo:
    """``Type``/``TypeDetail`` codes (meaning UNSURE, kept raw) and the ND30 ``TypeName``, which is what counts."""

    type: int | None = None
    type_detail: int | None = 0
    type_name: str = ""


@dataclass(frozen=True)
class SignerInfo:
    """``Competence`` is the signing capacity (``KT. CHỦ TỊCH``), ``Position`` the title, ``FullName`` the name."""

    competence: str = ""
    position: str = ""
    full_name: str = ""


@dataclass(frozen=True)
class OtherInfo:
    priority: int = 0
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    appendixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResponseFor:
    """The document a package answers: its sender, full ``số/ký hiệu``, date and DocumentId."""

    organ_id: str
    code: str = ""
    promulgation_date: date | None = None
    document_id: str = ""


@dataclass(frozen=True)
class StaffInfo:
    """The sending clerk."""

    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(frozen=True)
class Receiver:
    """``ReceiverType`` 0 = removed from the recipients, 1 = newly added (update packages)."""

    organ_id: str
    receiver_type: int = 1


@dataclass(frozen=True)
class ReplacementInfo:
    """A replaced document and the recipients concerned (replace packages)."""

    document_id: str
    organ_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Business:
    """``Bussiness`` (sic): 0 new, 1 recall, 2 update, 3 replace (``BusinessDocType``)."""

    doc_type: int = 0
    reason: str = ""
    document_id: str = ""
    paper: bool = False
    staff_info: StaffInfo | None = None
    document_info_changed: bool = False
    receivers_changed: bool = False
    receivers: tuple[Receiver, ...] = ()
    replacements: tuple[ReplacementInfo, ...] = ()


@dataclass(frozen=True)
class TraceHeader:
    """One hop of the package: the agency and when it passed the package on. A received hop may lack either
    (the national platform adds hops with a timestamp only): ``""`` and ``None`` then, with a warning."""

    organ_id: str
    timestamp: datetime | None


@dataclass(frozen=True)
class Attachment:
    """A file of the package. ``content_id`` is the bare id (no ``cid:``); empty means "make one" when building."""

    name: str
    content_type: str
    data: bytes = field(repr=False)
    description: str = ""
    content_id: str = ""


@dataclass(frozen=True)
class MessageHeader:
    from_: Organization
    to: tuple[Organization, ...]
    document_id: str
    code: Code
    promulgation_info: PromulgationInfo
    document_type: DocumentTypeInfo
    subject: str
    content: str = ""
    signer_info: SignerInfo = field(default_factory=SignerInfo)
    due_date: date | None = None
    other_info: OtherInfo = field(default_factory=OtherInfo)
    response_for: tuple[ResponseFor, ...] = ()
    steering_type: int | None = 1
    to_places: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentPackage:
    """A document package (``messagetype=edoc``). ``confidentiality`` other than 0 is refused by the builder."""

    header: MessageHeader
    business: Business = field(default_factory=Business)
    traces: tuple[TraceHeader, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    confidentiality: int = 0


@dataclass(frozen=True)
class StatusPackage:
    """A status package (``messagetype=status``): ``from_`` reports ``status_code`` about ``response_for``."""

    from_: Organization
    response_for: ResponseFor
    status_code: str
    description: str = ""
    timestamp: datetime | None = field(default_factory=_now_vietnam)  # None: a received package had none
    staff_info: StaffInfo | None = None


SignatureState = Literal["absent", "valid", "invalid"]
PackageKind = Literal["edoc", "status"]
# Why a signature is not valid: the package was changed after signing ("digest") or the value does not match the
# certificate ("value") — both refuse the package —, or it cannot be checked at all (the rest: a warning).
SignatureProblem = Literal["", "namespace", "multiple", "no_certificate", "partial", "format", "digest", "value"]


@dataclass(frozen=True)
class PackageWarning:
    """A deviation the reader tolerated: something a real system omits or writes differently from what we emit,
    which does not stop a clerk from registering the document. ``code`` is stable (``vanthu.edxml.warnings``),
    ``element`` the path (``MessageHeader/From/OrganId``), ``message`` Vietnamese, ``value`` the raw value."""

    code: str
    element: str
    message: str
    value: str = ""


@dataclass(frozen=True)
class SignatureCheck:
    """The XML-DSig result. ``valid`` means the signature matches the package and the embedded certificate;
    whether that certificate is trusted (chain, validity at signing time, revocation) is for the caller, from
    ``certificate`` (DER), ``subject`` and ``fingerprint`` (SHA-256 of the DER, lowercase hex), with the CA
    certificates the signer sent along (``chain``)."""

    state: SignatureState
    reason: str = ""
    detail: str = ""
    problem: SignatureProblem = ""
    algorithm: str = ""
    subject: str = ""
    fingerprint: str = ""
    not_before: datetime | None = None
    not_after: datetime | None = None
    certificate: bytes = field(default=b"", repr=False)
    chain: tuple[bytes, ...] = field(default=(), repr=False)  # further KeyInfo certificates (DER)


@dataclass(frozen=True)
class ParsedPackage:
    """What ``package_parse`` read. ``warnings`` are the deviations tolerated, in the order they were met (none
    for a package we built); ``flags`` the codes met (sorted), plus the informational ``lenient_organ_id`` and
    ``unicode_normalised``; ``raw_values`` holds, by element path, values kept as received because they would
    not parse (integers, unknown priority…)."""

    kind: PackageKind
    document: DocumentPackage | None
    status: StatusPackage | None
    signature: SignatureCheck
    flags: tuple[str, ...] = ()
    raw_values: dict[str, str] = field(default_factory=dict)
    warnings: tuple[PackageWarning, ...] = ()


@dataclass(frozen=True)
class Routing:
    """What the hub needs to validate and route a package. For status packages ``to_organ_ids`` is the original
    sender (``ResponseFor/OrganId``) and ``document_id`` the original's DocumentId."""

    kind: PackageKind
    from_organ_id: str
    to_organ_ids: tuple[str, ...]
    document_id: str
    business_doc_type: int = 0
    status_code: str = ""
