"""XML-DSig: our packages are signed RSA-SHA256 over the whole file; received signatures are verified. A signature
that does not match the package (changed after signing, forged value) refuses it, naming ``Signature``; one that
cannot be checked is reported (invalid with a reason, and a warning), the package read; none at all is absent."""

from __future__ import annotations

import base64
import hashlib
import random
import re
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, Encoding, PrivateFormat, pkcs12
from lxml import etree

from tests.edxml.kit import (
    agency_certificate,
    agency_key,
    agency_signer,
    certificate_for,
    sample_package,
    sample_status,
)
from vanthu.edxml import (
    Attachment,
    PackageSigner,
    SignatureMismatchError,
    SignerError,
    document_package_build,
    package_parse,
    status_package_build,
)
from vanthu.edxml.dsig import package_sign, signature_check, signature_placeholder
from vanthu.edxml.values import NAMESPACE
from vanthu.edxml.xmlsafe import xml_parse


def _signed(algorithm: str = "rsa-sha256") -> bytes:
    return document_package_build(sample_package(), signer=agency_signer(algorithm))  # type: ignore[arg-type]


def test_our_signature_verifies_and_reports_the_certificate() -> None:
    signature = package_parse(_signed()).signature
    cert = agency_certificate()
    assert signature.state == "valid"
    assert signature.algorithm == "rsa-sha256"
    assert signature.subject == cert.subject.rfc4514_string()
    assert "Liên thông văn bản" in signature.subject
    assert signature.fingerprint == hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()
    assert signature.certificate == cert.public_bytes(Encoding.DER)
    assert signature.not_after == cert.not_valid_after_utc


def _mismatch(data: bytes) -> SignatureMismatchError:
    with pytest.raises(SignatureMismatchError) as caught:
        package_parse(data)
    return caught.value


def test_a_tampered_header_refuses_the_package_naming_the_signature() -> None:
    data = _signed().replace("Về việc tăng cường".encode(), "Về việc giảm bớt".encode(), 1)
    error = _mismatch(data)
    assert (error.code, error.element) == ("edxml.signature_mismatch", "Signature")
    assert "Nội dung gói tin đã bị thay đổi sau khi ký" in str(error.message)


def test_a_tampered_package_is_still_reported_invalid_by_the_signature_check() -> None:
    """What the hub and the trust check use: the result, never an exception."""
    data = _signed().replace("Về việc tăng cường".encode(), "Về việc giảm bớt".encode(), 1)
    check = signature_check(data, xml_parse(data))
    assert (check.state, check.problem) == ("invalid", "digest")
    assert check.reason == "Nội dung gói tin đã bị thay đổi sau khi ký"
    assert check.subject  # who claims to have signed is still reported


def test_a_swapped_attachment_refuses_the_package() -> None:
    data = _signed()
    match = re.search(rb"(<edXML:ContentTransferEncoded[^>]*>)([^<]*)<", data)
    assert match is not None
    original = bytearray(base64.b64decode(match.group(2)))
    original[40] ^= 0xFF
    forged = base64.b64encode(bytes(original))
    assert _mismatch(data.replace(match.group(2), forged, 1)).element == "Signature"


def test_a_forged_signature_value_refuses_the_package() -> None:
    data = _signed()
    match = re.search(rb"<SignatureValue>([^<]*)</SignatureValue>", data)
    assert match is not None
    forged = base64.b64encode(bytes(len(base64.b64decode(match.group(1)))))
    error = _mismatch(data.replace(match.group(1), forged))
    assert "Giá trị chữ ký số không khớp với chứng thư số" in str(error.message)


def test_a_large_attachment_is_signed_and_verified() -> None:
    """One Base64 text node over libxml2's default 10 MB cap: both signxml parses must accept it."""
    scan = random.Random(2).randbytes(8_000_000)
    data = document_package_build(sample_package(attachments=(Attachment("scan.pdf", "application/pdf", scan),)),
                                  signer=agency_signer())
    parsed = package_parse(data)
    assert parsed.signature.state == "valid", parsed.signature.detail
    assert parsed.document is not None and parsed.document.attachments[0].data == scan


def test_a_package_without_signature_is_absent() -> None:
    assert package_parse(document_package_build(sample_package())).signature.state == "absent"


def test_sha1_signatures_are_made_on_request_and_verified() -> None:
    data = _signed("rsa-sha1")
    assert b"xmldsig#rsa-sha1" in data
    assert b"xmldsig#sha1" in data
    signature = package_parse(data).signature
    assert (signature.state, signature.algorithm) == ("valid", "rsa-sha1")


def test_status_packages_are_signed_too() -> None:
    parsed = package_parse(status_package_build(sample_status(), signer=agency_signer()))
    assert parsed.signature.state == "valid"
    tampered = status_package_build(sample_status(), signer=agency_signer()).replace(
        b"<edXML:StatusCode>03<", b"<edXML:StatusCode>06<")
    assert _mismatch(tampered).code == "edxml.signature_mismatch"


def test_an_expired_certificate_still_verifies_its_validity_is_the_callers_call() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    expired = certificate_for(key, days=(-400, -30))
    signer = PackageSigner(certificate=expired, private_key=key)
    signature = package_parse(document_package_build(sample_package(), signer=signer)).signature
    assert signature.state == "valid"
    assert signature.not_after is not None and signature.not_after < datetime.now(UTC)


def test_a_signature_over_part_of_the_package_cannot_be_checked_and_says_so() -> None:
    data = _signed().replace(b'<Reference URI="">', b'<Reference URI="#MessageHeader">', 1)
    parsed = package_parse(data)
    assert parsed.signature.state == "invalid"
    assert parsed.signature.reason == "Chữ ký số không bao trùm toàn bộ gói tin"
    [warning] = parsed.warnings
    assert (warning.code, warning.value) == ("signature_unverifiable", "Chữ ký số không bao trùm toàn bộ gói tin")


def test_two_signatures_cannot_be_checked() -> None:
    data = _signed()
    match = re.search(rb"<Signature .*?</Signature>", data, re.DOTALL)
    assert match is not None
    doubled = data.replace(b"</edXML:edXMLHeader>", match.group(0) + b"</edXML:edXMLHeader>", 1)
    parsed = package_parse(doubled)
    assert parsed.signature.state == "invalid"
    assert [w.code for w in parsed.warnings] == ["signature_unverifiable"]


@pytest.mark.parametrize("damage", [
    lambda sig: re.sub(rb"<X509Certificate>[^<]*<", b"<X509Certificate>bm90IGEgY2VydA==<", sig),
    lambda sig: re.sub(rb"<KeyInfo>.*</KeyInfo>", b"", sig, flags=re.DOTALL),
    lambda sig: re.sub(rb"<SignedInfo>.*</SignedInfo>", b"<SignedInfo/>", sig, flags=re.DOTALL),
    lambda sig: sig.replace(b"xml-exc-c14n#", b"unknown-c14n#"),
    lambda sig: sig.replace(b"rsa-sha256", b"rsa-md2"),
])
def test_a_garbled_signature_cannot_be_checked_never_an_exception(damage: object) -> None:
    data = _signed()
    match = re.search(rb"<Signature .*?</Signature>", data, re.DOTALL)
    assert match is not None
    damaged = data.replace(match.group(0), damage(match.group(0)))  # type: ignore[operator]
    parsed = package_parse(damaged)
    assert parsed.document is not None
    assert parsed.signature.state == "invalid"
    assert parsed.signature.reason
    assert [w.code for w in parsed.warnings] == ["signature_unverifiable"]


def test_a_signature_value_that_is_no_base64_does_not_match() -> None:
    data = _signed()
    assert _mismatch(re.sub(rb"<SignatureValue>[^<]*<", b"<SignatureValue>!!<", data)).element == "Signature"


def test_signer_from_pem_and_pkcs12() -> None:
    cert_pem = agency_certificate().public_bytes(Encoding.PEM)
    key_pem = agency_key().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(b"mat-khau"))
    from_pem = PackageSigner.from_pem(cert_pem, key_pem, password=b"mat-khau")
    p12 = pkcs12.serialize_key_and_certificates(b"lien-thong", agency_key(), agency_certificate(), None,
                                                BestAvailableEncryption(b"mat-khau"))
    from_p12 = PackageSigner.from_pkcs12(p12, b"mat-khau", algorithm="rsa-sha1")
    assert from_pem.certificate == from_p12.certificate == agency_certificate()
    assert from_p12.algorithm == "rsa-sha1"
    assert package_parse(document_package_build(sample_package(), signer=from_p12)).signature.state == "valid"


def test_signer_refuses_a_wrong_password_a_mismatched_key_or_an_unknown_algorithm() -> None:
    p12 = pkcs12.serialize_key_and_certificates(b"x", agency_key(), agency_certificate(), None,
                                                BestAvailableEncryption(b"dung"))
    with pytest.raises(SignerError) as caught:
        PackageSigner.from_pkcs12(p12, b"sai")
    assert caught.value.code == "edxml.signer_invalid"
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SignerError):
        PackageSigner(certificate=agency_certificate(), private_key=other)
    with pytest.raises(SignerError):
        PackageSigner(certificate=agency_certificate(), private_key=agency_key(), algorithm="rsa-md5")  # type: ignore[arg-type]
    with pytest.raises(SignerError):
        PackageSigner.from_pem(b"not a certificate", b"not a key")


def _signed_with_xlink_then_undeclared() -> bytes:
    """A signer that had the xlink namespace in its tree and a serialiser that dropped the declaration: the Java
    SDK's packages as the national platform carries them."""
    data = document_package_build(sample_package()).replace(
        b'<edXML xmlns="', b'<edXML xmlns:xlink="http://www.w3.org/1999/xlink" xmlns="', 1).replace(
        b"<edXML:Reference>", b'<edXML:Reference xlink:href="cid:x">', 1)
    root = etree.fromstring(data, etree.XMLParser(huge_tree=True))
    signature_placeholder(root.find(f"{{{NAMESPACE}}}edXMLEnvelope/{{{NAMESPACE}}}edXMLHeader"))
    signed = etree.tostring(package_sign(root, agency_signer()), encoding="UTF-8", xml_declaration=True)
    return signed.replace(b' xmlns:xlink="http://www.w3.org/1999/xlink"', b"", 1)


def test_a_signature_still_verifies_once_an_undeclared_xlink_prefix_is_declared() -> None:
    data = _signed_with_xlink_then_undeclared()
    assert b"xmlns:xlink" not in data
    parsed = package_parse(data)
    assert parsed.signature.state == "valid"
    assert [w.code for w in parsed.warnings] == ["namespace_prefix_undeclared", "sdk_variant"]


def test_a_mismatch_after_a_declaration_was_added_cannot_be_checked_rather_than_refused() -> None:
    """Adding the declaration changes what was signed when the signer had none: no proof of tampering."""
    data = _signed_with_xlink_then_undeclared().replace("Về việc tăng cường".encode(), "Về việc giảm bớt".encode())
    parsed = package_parse(data)
    assert (parsed.signature.state, parsed.signature.problem) == ("invalid", "digest")
    assert "signature_unverifiable" in [w.code for w in parsed.warnings]
