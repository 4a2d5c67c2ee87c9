"""PAdES signing end to end against the loopback test PKI (TSA, OCSP, CRL), checked by pyHanko and pdfsig."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import HTTPTimeStamper

from tests.builders import pdf_bytes
from tests.signing.signing_helpers import (
    PASSPHRASE,
    assert_pdfsig_valid,
    assert_pyhanko_valid,
    blue_signature_png,
    p12_source,
    pdfsig_output,
)
from vanthu.signing.appearance import personal_appearance
from vanthu.signing.errors import (
    CertificateExpiredError,
    CertificateNotYetValidError,
    CertificateRevokedError,
    WrongPinError,
)
from vanthu.signing.keys import Pkcs12KeySource, certs_from_pem, pkcs12_protect
from vanthu.signing.pades import pdf_add_validation_info, pdf_sign
from vanthu.signing.pki.testing import TestPki
from vanthu.signing.signers import signing_finish, signing_prepare


def _appearance(name: str = "Nguyễn Văn An") -> object:
    return personal_appearance(
        capacity="KT. CHỦ TỊCH", title="PHÓ CHỦ TỊCH", full_name=name, signature_png=blue_signature_png()
    )


def _sign(pki: TestPki, label: str, pdf: bytes, field: str, **kw: object) -> bytes:
    return pdf_sign(
        pdf=pdf, key_source=p12_source(pki, label), appearance=kw.pop("appearance", None),  # type: ignore[arg-type]
        field_name=field, validation_context=pki.validation_context(), timestamp_url=pki.tsa_url,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("label", ["person-rsa", "person-ec"])
def test_pkcs12_signature_is_valid_trusted_and_timestamped(test_pki: TestPki, tmp_path: Path, label: str) -> None:
    signed = _sign(test_pki, label, pdf_bytes(), "Sig1", appearance=_appearance())
    [status] = assert_pyhanko_valid(signed, test_pki, count=1)
    expected = "ecdsa" if label == "person-ec" else "rsa"
    assert expected in status.md_algorithm + status.pkcs7_signature_mechanism
    assert_pdfsig_valid(signed, test_pki, tmp_path, count=1)


def test_pdfsig_trusts_the_signer_certificate(test_pki: TestPki, tmp_path: Path) -> None:
    signed = _sign(test_pki, "person-rsa", pdf_bytes(), "Sig1")
    assert_pdfsig_valid(signed, test_pki, tmp_path, count=1)


def test_two_signers_on_one_document_both_stay_valid(test_pki: TestPki, tmp_path: Path) -> None:
    first = _sign(test_pki, "person-rsa", pdf_bytes(), "Sig1", appearance=_appearance())
    second = _sign(test_pki, "person-ec", first, "Sig2")
    assert second.startswith(first), "the second signature must be an incremental update"
    statuses = assert_pyhanko_valid(second, test_pki, count=2)
    assert not statuses[0].coverage.name.endswith("ENTIRE_FILE")
    assert_pdfsig_valid(second, test_pki, tmp_path, count=2)


def test_b_lt_embeds_validation_data_for_every_signature(test_pki: TestPki) -> None:
    first = _sign(test_pki, "person-rsa", pdf_bytes(), "Sig1")
    second = _sign(test_pki, "agency-rsa", first, "Seal", level="B-LT")
    reader = PdfFileReader(io.BytesIO(second), strict=False)
    dss = reader.root["/DSS"]
    vri = dss["/VRI"]
    assert len(vri) >= 2, "one VRI entry per signature"
    assert len(dss["/OCSPs"]) >= 1 or len(dss.get("/CRLs", [])) >= 1
    assert_pyhanko_valid(second, test_pki, count=2)
    again = pdf_add_validation_info(second, test_pki.validation_context())
    assert_pyhanko_valid(again, test_pki, count=2)


@pytest.mark.parametrize("label", ["person-rsa", "person-ec"])
def test_interrupted_signing_with_an_external_raw_key(test_pki: TestPki, label: str, tmp_path: Path) -> None:
    ident = test_pki.identity(label)
    cert = certs_from_pem(ident.cert_pem)[0]
    prepared = signing_prepare(
        pdf=pdf_bytes(), cert=cert, chain=certs_from_pem(ident.chain_pem), appearance=None, field_name="Remote",
        timestamper=HTTPTimeStamper(test_pki.tsa_url), validation_context=test_pki.validation_context(),
    )
    key = serialization.load_pem_private_key(ident.key_pem, password=None)
    if isinstance(key, rsa.RSAPrivateKey):
        value = key.sign(prepared.digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
    else:
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        value = key.sign(prepared.digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    signed = signing_finish(prepared, value)
    assert_pyhanko_valid(signed, test_pki, count=1)
    assert_pdfsig_valid(signed, test_pki, tmp_path, count=1)


def test_interrupted_signing_with_a_wrong_signature_value_is_not_valid(test_pki: TestPki, tmp_path: Path) -> None:
    ident = test_pki.identity("person-rsa")
    prepared = signing_prepare(
        pdf=pdf_bytes(), cert=certs_from_pem(ident.cert_pem)[0], chain=certs_from_pem(ident.chain_pem),
        appearance=None, field_name="Remote", timestamper=HTTPTimeStamper(test_pki.tsa_url),
        validation_context=test_pki.validation_context(),
    )
    signed = signing_finish(prepared, bytes(256))
    reader = PdfFileReader(io.BytesIO(signed), strict=False)
    from pyhanko.sign.validation import validate_pdf_signature

    status = validate_pdf_signature(reader.embedded_signatures[0], test_pki.validation_context())
    assert not status.valid
    assert "Signature is Valid" not in pdfsig_output(signed, test_pki, tmp_path)


@pytest.mark.parametrize(
    ("label", "error", "code"),
    [
        ("expired", CertificateExpiredError, "signing.certificate_expired"),
        ("not-yet-valid", CertificateNotYetValidError, "signing.certificate_not_yet_valid"),
        ("revoked", CertificateRevokedError, "signing.certificate_revoked"),
    ],
)
def test_refuses_unusable_certificates_before_signing(
    test_pki: TestPki, label: str, error: type[Exception], code: str
) -> None:
    with pytest.raises(error) as info:
        _sign(test_pki, label, pdf_bytes(), "Sig1")
    assert info.value.code == code  # type: ignore[attr-defined]


def test_wrong_pkcs12_passphrase_is_reported_as_wrong_pin(test_pki: TestPki) -> None:
    blob = test_pki.identity("person-rsa").pkcs12(PASSPHRASE)
    with pytest.raises(WrongPinError) as info:
        Pkcs12KeySource(pkcs12_bytes=blob, passphrase=b"sai-mat-khau")
    assert info.value.code == "signing.wrong_pin"
    assert str(info.value.message) == "Mã PIN không đúng"


def test_pkcs12_is_stored_re_encrypted_under_the_users_passphrase(test_pki: TestPki) -> None:
    ident = test_pki.identity("person-ec")
    stored = pkcs12_protect(pkcs12_bytes=ident.pkcs12(PASSPHRASE), passphrase=PASSPHRASE)
    key_der = asn1_keys.PrivateKeyInfo.load(
        serialization.load_pem_private_key(ident.key_pem, password=None).private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    ).dump()
    assert key_der not in stored
    with pytest.raises(WrongPinError):
        Pkcs12KeySource(pkcs12_bytes=stored, passphrase=b"")
    source = Pkcs12KeySource(pkcs12_bytes=stored, passphrase=PASSPHRASE)
    assert source.certificate.dump() == certs_from_pem(ident.cert_pem)[0].dump()
