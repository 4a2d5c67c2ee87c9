"""edXML packages for the hub tests, built with the edXML library (the hub only routes them)."""

from __future__ import annotations

import datetime as dt
import itertools
import random

from vanthu.edxml import (
    Attachment,
    Code,
    DocumentPackage,
    DocumentTypeInfo,
    MessageHeader,
    Organization,
    PackageSigner,
    PromulgationInfo,
    ResponseFor,
    StatusPackage,
    document_package_build,
    status_package_build,
)

_numbers = itertools.count(1)


def edoc(from_code: str, to_codes: list[str], *, size: int = 2_000, number: int | None = None,
         signer: PackageSigner | None = None) -> bytes:
    """A document package from ``from_code`` to ``to_codes`` carrying one attachment of ``size`` bytes; each call
    makes a new document (a new number), so bodies differ unless ``number`` is repeated. XML-DSig signed when a
    ``signer`` is given."""
    n = number if number is not None else next(_numbers)
    header = MessageHeader(
        from_=Organization(from_code, "Cơ quan gửi"), to=tuple(Organization(code, "Nơi nhận") for code in to_codes),
        document_id="", code=Code(f"{n:02d}", "QĐ-UBND"),
        promulgation_info=PromulgationInfo("Quảng Ninh", dt.date(2026, 3, 5)),
        document_type=DocumentTypeInfo(type_name="Quyết định"), subject=f"Thử nghiệm trục liên thông số {n}",
    )
    data = random.Random(n).randbytes(size)  # incompressible: the zipped attachment stays ``size`` bytes
    return document_package_build(
        DocumentPackage(header=header, attachments=(Attachment("van-ban.pdf", "application/pdf", data),)),
        signer=signer)


def with_foreign_signature(package: bytes) -> bytes:
    """``package`` with a ``Signature`` element in the edXML namespace, as some builders write it: it names the
    XML-DSig algorithms but is not an XML-DSig signature, so nobody can verify it."""
    foreign = (b"<edXML:Signature><edXML:SignedInfo><edXML:SignatureMethod "
               b'Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/></edXML:SignedInfo>'
               b"<edXML:SignatureValue>AAAA</edXML:SignatureValue></edXML:Signature>")
    marker = b"</edXML:edXMLHeader>"
    assert marker in package
    return package.replace(marker, foreign + marker, 1)


def status(from_code: str, original_sender: str, *, code: str = "01", document_id: str = "") -> bytes:
    """A status package from the receiver ``from_code`` about a document of ``original_sender``."""
    n = next(_numbers)
    return status_package_build(StatusPackage(
        from_=Organization(from_code, "Cơ quan nhận"),
        response_for=ResponseFor(original_sender, code=f"{n:02d}/QĐ-UBND", promulgation_date=dt.date(2026, 3, 5),
                                 document_id=document_id or f"{original_sender},2026/03/05,{n:02d}/QĐ-UBND"),
        status_code=code, description="Đã nhận" if code in {"02", "16"} else "",
    ))


XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE edXML:edXMLEnvelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLHeader>
<edXML:MessageHeader><edXML:From><edXML:OrganId>&xxe;</edXML:OrganId></edXML:From></edXML:MessageHeader>
</edXML:edXMLHeader></edXML:edXMLEnvelope>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">&lol3;</edXML:edXMLEnvelope>"""
