"""Shared kit of the edXML tests (named like them, so it stays apart from the other exchange tests): sample
packages, a throwaway agency certificate, and hypothesis strategies for whole packages."""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from hypothesis import strategies as st

from vanthu import edxml
from vanthu.edxml import (
    Attachment,
    Business,
    Code,
    DocumentPackage,
    DocumentTypeInfo,
    MessageHeader,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusPackage,
    TraceHeader,
)

VN = edxml.VIETNAM_TZ
QUANG_NINH = Organization("000.00.00.H49", "UBND tỉnh Quảng Ninh", organization_in_charge="Chính phủ",
                          organ_add="Phường Hồng Hà, TP Hạ Long", email="vanthu@quangninh.gov.vn",
                          telephone="0203 3835 588", fax="0203 3835 589", website="https://quangninh.gov.vn")
VPCP = Organization("000.00.00.G22", "Văn phòng Chính phủ")
THAI_BINH = Organization("000.00.00.H54", "UBND tỉnh Thái Bình")
PDF = "%PDF-1.7\n% Chỉ thị 15/CT-UBND\n".encode() + bytes(range(256)) * 4


def sample_header(**overrides: Any) -> MessageHeader:
    values: dict[str, Any] = {
        "from_": QUANG_NINH,
        "to": (VPCP, THAI_BINH),
        "document_id": "000.00.00.H49,2024/03/05,15/CT-UBND",
        "code": Code("15", "CT-UBND"),
        "promulgation_info": PromulgationInfo("Quảng Ninh", date(2024, 3, 5)),
        "document_type": DocumentTypeInfo(3, 0, "Chỉ thị"),
        "subject": "Về việc tăng cường công tác phòng, chống lụt, bão năm 2024",
        "content": "Tóm tắt: các sở, ngành triển khai ngay.",
        "signer_info": SignerInfo("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Đức"),
        "due_date": date(2024, 3, 20),
        "other_info": OtherInfo(priority=1, sphere_of_promulgation="Toàn tỉnh", typer_notation="NVĐ",
                                promulgation_amount=40, page_amount=3, appendixes=("Phụ lục I", "Phụ lục II")),
        "response_for": (ResponseFor("000.00.00.G22", "120/VPCP-NN", date(2024, 2, 28),
                                     "000.00.00.G22,2024/02/28,120/VPCP-NN"),),
        "steering_type": 2,
        "to_places": ("Như trên", "Lưu: VT, NN"),
    }
    values.update(overrides)
    return MessageHeader(**values)


def sample_package(**overrides: Any) -> DocumentPackage:
    values: dict[str, Any] = {
        "header": sample_header(),
        "business": Business(document_id="000.00.00.H49,2024/03/05,15/CT-UBND",
                             staff_info=StaffInfo("Văn phòng", "Trần Thị Hà", "0912345678", "ha@quangninh.gov.vn")),
        "traces": (TraceHeader("000.00.00.H49", datetime(2024, 3, 5, 9, 30, tzinfo=VN)),),
        "attachments": (
            Attachment("Chỉ thị 15-CT-UBND.pdf", "application/pdf", PDF, "Văn bản chính", str(uuid.uuid4())),
            Attachment("Phụ lục.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       b"PK\x03\x04 not really a docx", "Phụ lục kèm theo", str(uuid.uuid4())),
        ),
    }
    values.update(overrides)
    return DocumentPackage(**values)


def sample_status(**overrides: Any) -> StatusPackage:
    values: dict[str, Any] = {
        "from_": VPCP,
        "response_for": ResponseFor("000.00.00.H49", "15/CT-UBND", date(2024, 3, 5),
                                    "000.00.00.H49,2024/03/05,15/CT-UBND"),
        "status_code": "03",
        "description": "Đã vào sổ, số đến 125",
        "timestamp": datetime(2024, 3, 5, 14, 5, 9, tzinfo=VN),
        "staff_info": StaffInfo("Văn phòng", "Lê Văn Bình", "0987654321", "binh@chinhphu.vn"),
    }
    values.update(overrides)
    return StatusPackage(**values)


def certificate_for(key: rsa.RSAPrivateKey, *, days: tuple[int, int] = (-1, 365)) -> x509.Certificate:
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UBND tỉnh Quảng Ninh"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Liên thông văn bản - 000.00.00.H49"),
    ])
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + timedelta(days=days[0])).not_valid_after(now + timedelta(days=days[1]))
        .sign(key, hashes.SHA256())
    )


@functools.cache
def agency_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@functools.cache
def agency_certificate() -> x509.Certificate:
    return certificate_for(agency_key())


def agency_signer(algorithm: edxml.DsigAlgorithm = "rsa-sha256") -> edxml.PackageSigner:
    return edxml.PackageSigner(certificate=agency_certificate(), private_key=agency_key(), algorithm=algorithm)


# --- hypothesis strategies: canonical values, i.e. what a parse of our own output gives back -----------------

_VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
_ALPHABET = _VIETNAMESE + _VIETNAMESE.upper() + "0123456789 -.,:;/()\"'&<>%"


def texts(min_size: int = 0, max_size: int = 40, extra: str = "") -> st.SearchStrategy[str]:
    return st.text(alphabet=_ALPHABET + extra, min_size=min_size, max_size=max_size).map(str.strip).filter(
        lambda value: len(value) >= min_size)


strict_organ_ids = st.from_regex(r"\A[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}\Z")
partner_organ_ids = st.one_of(strict_organ_ids, st.from_regex(r"\A[0-9A-Z]{1,6}(\.[0-9A-Z]{1,6}){1,3}\Z"),
                              st.from_regex(r"\A[0-9]{10}(-[0-9]{3})?\Z"))  # enterprises: their enterprise code
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1),
    timezones=st.sampled_from([VN, UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9, minutes=30))]),
).map(lambda value: value.replace(microsecond=0))
document_ids = texts(min_size=1, max_size=80)
small_ints = st.none() | st.integers(min_value=0, max_value=10**6)


def organizations(organ_ids: st.SearchStrategy[str], *, named: bool = False) -> st.SearchStrategy[Organization]:
    """Agencies; ``named`` for a sender, whose name the builder requires."""
    return st.builds(Organization, organ_id=organ_ids, organ_name=texts(min_size=1 if named else 0),
                     organization_in_charge=texts(), organ_add=texts(), email=texts(), telephone=texts(), fax=texts(),
                     website=texts())



staff_infos = st.builds(StaffInfo, department=texts(), staff=texts(), mobile=texts(), email=texts())
response_fors = st.builds(ResponseFor, organ_id=partner_organ_ids, code=texts(), promulgation_date=st.none() | dates,
                          document_id=document_ids)
headers = st.builds(
    MessageHeader,
    from_=organizations(strict_organ_ids, named=True),
    to=st.lists(organizations(partner_organ_ids), min_size=1, max_size=4).map(tuple),
    document_id=document_ids,
    code=st.builds(Code, code_number=texts(max_size=5), code_notation=texts(max_size=20)),
    promulgation_info=st.builds(PromulgationInfo, place=texts(), promulgation_date=st.none() | dates),
    document_type=st.builds(DocumentTypeInfo, type=small_ints, type_detail=small_ints, type_name=texts()),
    subject=texts(min_size=1, max_size=200, extra="\n"),
    content=texts(max_size=300, extra="\n\t"),
    signer_info=st.builds(SignerInfo, competence=texts(), position=texts(), full_name=texts()),
    due_date=st.none() | dates,
    other_info=st.builds(OtherInfo, priority=st.integers(0, 4), sphere_of_promulgation=texts(),
                         typer_notation=texts(max_size=10), promulgation_amount=small_ints, page_amount=small_ints,
                         appendixes=st.lists(texts(min_size=1), max_size=3).map(tuple)),
    response_for=st.lists(response_fors, max_size=2).map(tuple),
    steering_type=st.none() | st.integers(0, 3),
    to_places=st.lists(texts(min_size=1), max_size=4).map(tuple),
)

_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".txt": "text/plain",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@st.composite
def attachment_lists(draw: st.DrawFn) -> tuple[Attachment, ...]:
    count = draw(st.integers(min_value=0, max_value=6))
    ids = draw(st.lists(st.uuids().map(str), min_size=count, max_size=count, unique=True))
    result = []
    for content_id in ids:
        stem = draw(st.text(alphabet=_VIETNAMESE + "0123456789 -_()", min_size=1, max_size=30).map(str.strip)
                    .filter(bool))
        extension = draw(st.sampled_from(sorted(_TYPES)))
        data = draw(st.binary(max_size=3000) | st.binary(max_size=200).map(lambda tail: b"PK\x03\x04" + tail))
        result.append(Attachment(name=stem + extension, content_type=_TYPES[extension], data=data,
                                 description=draw(texts()), content_id=content_id))
    return tuple(result)


@st.composite
def businesses(draw: st.DrawFn, own_document_id: str) -> Business:
    doc_type = draw(st.integers(min_value=0, max_value=3))
    staff = draw(st.none() | staff_infos)
    paper = draw(st.booleans())
    if doc_type == 0:
        return Business(doc_type=0, reason=draw(texts()), document_id=own_document_id, paper=paper, staff_info=staff)
    common: dict[str, Any] = {"doc_type": doc_type, "reason": draw(texts(min_size=1)),
                              "document_id": draw(document_ids), "paper": paper, "staff_info": staff}
    if doc_type == 2:
        common.update(
            document_info_changed=draw(st.booleans()), receivers_changed=draw(st.booleans()),
            receivers=tuple(draw(st.lists(st.builds(Receiver, organ_id=partner_organ_ids,
                                                    receiver_type=st.integers(0, 1)), max_size=4))),
        )
    if doc_type == 3:
        common["replacements"] = tuple(draw(st.lists(st.builds(
            ReplacementInfo, document_id=document_ids,
            organ_ids=st.lists(partner_organ_ids, max_size=3).map(tuple)), max_size=3)))
    return Business(**common)


@st.composite
def document_packages(draw: st.DrawFn) -> DocumentPackage:
    header = draw(headers)
    return DocumentPackage(
        header=header,
        business=draw(businesses(header.document_id)),
        traces=tuple(draw(st.lists(st.builds(TraceHeader, organ_id=partner_organ_ids, timestamp=instants),
                                   max_size=3))),
        attachments=draw(attachment_lists()),
    )


status_packages = st.builds(
    StatusPackage,
    from_=organizations(strict_organ_ids, named=True),
    response_for=response_fors,
    status_code=st.sampled_from(["01", "03", "04", "05", "06", "13", "15"]),
    description=texts(min_size=0, max_size=100),
    timestamp=instants,
    staff_info=st.none() | staff_infos,
) | st.builds(
    StatusPackage,
    from_=organizations(strict_organ_ids, named=True),
    response_for=response_fors,
    status_code=st.sampled_from(["02", "16"]),
    description=texts(min_size=1, max_size=100),
    timestamp=instants,
    staff_info=st.none() | staff_infos,
)
