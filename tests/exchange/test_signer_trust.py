"""The certificate behind a package's XML signature, validated against our trust anchors with revocation
(``exchange.trust``), and what the receive loop records of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from tests.edxml.kit import agency_signer, sample_package
from tests.outgoing.signing_kit import trust_test_root
from vanthu.edxml import PackageSigner, document_package_build, package_parse
from vanthu.edxml.dsig import signature_check
from vanthu.edxml.xmlsafe import xml_parse
from vanthu.exchange.enums import SignerTrust
from vanthu.exchange.trust import package_signer_trust
from vanthu.signing.config import signing_config_reset
from vanthu.signing.pki.spec import LeafSpec, agency
from vanthu.signing.pki.testing import TestPki, start_test_pki

pytestmark = pytest.mark.django_db


def _signed_by(pki: TestPki, label: str) -> bytes:
    identity = pki.identity(label)
    signer = PackageSigner(certificate=x509.load_pem_x509_certificate(identity.cert_pem),
                           private_key=load_pem_private_key(identity.key_pem, password=None),  # type: ignore[arg-type]
                           chain=tuple(x509.load_pem_x509_certificates(identity.chain_pem)))
    return document_package_build(sample_package(), signer=signer)


@pytest.fixture
def trusting(test_pki: TestPki) -> TestPki:
    trust_test_root(test_pki)
    signing_config_reset()
    return test_pki


def test_a_certificate_of_a_trusted_ca_is_trusted(trusting: TestPki) -> None:
    check = package_parse(_signed_by(trusting, "agency-rsa")).signature
    assert check.state == "valid"
    assert len(check.chain) == 2, "the intermediate and the root travel in KeyInfo"
    assert package_signer_trust(check).trust == SignerTrust.TRUSTED


@pytest.mark.parametrize(("label", "words"), [("revoked", "thu hồi"), ("expired", "hết hạn"),
                                               ("not-yet-valid", "chưa có hiệu lực")])
def test_revoked_expired_and_future_certificates_are_not_trusted(trusting: TestPki, label: str, words: str) -> None:
    result = package_signer_trust(package_parse(_signed_by(trusting, label)).signature)
    assert (result.trust, words in result.reason) == (SignerTrust.UNTRUSTED, True), result


def test_a_self_made_certificate_matches_its_signature_but_is_not_trusted(trusting: TestPki) -> None:
    check = package_parse(document_package_build(sample_package(), signer=agency_signer())).signature
    assert check.state == "valid"
    result = package_signer_trust(check)
    assert result.trust == SignerTrust.UNTRUSTED and "tin cậy" in result.reason


def test_without_any_trust_anchor_nothing_is_trusted(test_pki: TestPki) -> None:
    signing_config_reset()
    result = package_signer_trust(package_parse(_signed_by(test_pki, "agency-rsa")).signature)
    assert result.trust == SignerTrust.UNTRUSTED


def test_an_unreachable_revocation_service_leaves_it_undetermined(tmp_path: Path) -> None:
    """A CA whose OCSP and CRL services are down: not trusted, not refused either."""
    leaves: list[LeafSpec] = [agency("agency-rsa", "UBND tỉnh Thử", "H98")]
    pki = start_test_pki(tmp_path, leaves=leaves)
    pki.stop()
    trust_test_root(pki)
    signing_config_reset()
    result = package_signer_trust(package_parse(_signed_by(pki, "agency-rsa")).signature)
    assert result.trust == SignerTrust.UNDETERMINED and "thu hồi" in result.reason, result


@pytest.mark.parametrize("damage", ["unsigned", "tampered"])
def test_no_valid_signature_means_nothing_to_judge(trusting: TestPki, damage: str) -> None:
    signed = _signed_by(trusting, "agency-rsa")
    data = (document_package_build(sample_package()) if damage == "unsigned"
            else signed.replace("Về việc tăng cường".encode(), "Về việc giảm bớt".encode(), 1))
    check = signature_check(data, xml_parse(data))  # a tampered package is refused by the parser itself
    assert check.state != "valid"
    assert package_signer_trust(check).trust == ""

