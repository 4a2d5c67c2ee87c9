"""PKCS#11 key sources on a SoftHSM2 token: RSA and ECDSA (raw mechanism) signatures, wrong PIN, no retry."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives import serialization

from tests.builders import pdf_bytes
from tests.signing.signing_helpers import assert_pyhanko_valid
from vanthu.signing.errors import KeyUnavailableError, WrongPinError
from vanthu.signing.keys import Pkcs11KeySource, certs_from_pem
from vanthu.signing.pades import pdf_sign
from vanthu.signing.pki.testing import TestPki

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN = "vanthu-test"
PIN = "123456"


@dataclass(frozen=True)
class Token:
    module: str
    label: str
    pin: str


def _tool(*args: str) -> None:
    subprocess.run(["pkcs11-tool", "--module", MODULE, "--token-label", TOKEN, "--login", "--pin", PIN, *args],
                   check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def softhsm_token(test_pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Token]:
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--so-pin", "87654321",
                    "--pin", PIN], check=True, capture_output=True, timeout=60)
    for index, label in enumerate(("person-rsa", "person-ec"), start=1):
        ident = test_pki.identity(label)
        key = serialization.load_pem_private_key(ident.key_pem, password=None)
        key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        cert_der = certs_from_pem(ident.cert_pem)[0].dump()
        key_file, cert_file = base / f"{label}.key.der", base / f"{label}.crt.der"
        key_file.write_bytes(key_der)
        cert_file.write_bytes(cert_der)
        _tool("--write-object", str(key_file), "--type", "privkey", "--label", label, "--id", f"{index:02x}",
              "--usage-sign")
        _tool("--write-object", str(cert_file), "--type", "cert", "--label", label, "--id", f"{index:02x}")
        key_file.unlink()  # the key now lives on the token only
    try:
        yield Token(module=MODULE, label=TOKEN, pin=PIN)
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous


def _source(token: Token, pki: TestPki, label: str, pin: str | None = None) -> Pkcs11KeySource:
    return Pkcs11KeySource(module_path=token.module, token_label=token.label, key_label=label,
                           pin=pin or token.pin, extra_chain=certs_from_pem(pki.identity(label).chain_pem))


@pytest.mark.parametrize("label", ["person-rsa", "person-ec"])
def test_pkcs11_token_signature_is_valid(softhsm_token: Token, test_pki: TestPki, label: str) -> None:
    source = _source(softhsm_token, test_pki, label)
    assert source.certificate.dump() == certs_from_pem(test_pki.identity(label).cert_pem)[0].dump()
    signed = pdf_sign(pdf=pdf_bytes(), key_source=source, appearance=None, field_name="Token",
                      validation_context=test_pki.validation_context(), timestamp_url=test_pki.tsa_url)
    [status] = assert_pyhanko_valid(signed, test_pki, count=1)
    assert ("ecdsa" in status.pkcs7_signature_mechanism) == (label == "person-ec")


def test_wrong_pin_is_reported_once_and_not_retried(softhsm_token: Token, test_pki: TestPki) -> None:
    source = _source(softhsm_token, test_pki, "person-rsa", pin="000000")
    source.cert = certs_from_pem(test_pki.identity("person-rsa").cert_pem)[0]
    with pytest.raises(WrongPinError) as info:
        pdf_sign(pdf=pdf_bytes(), key_source=source, appearance=None, field_name="Token",
                 validation_context=test_pki.validation_context(), timestamp_url=test_pki.tsa_url)
    assert info.value.code == "signing.wrong_pin"
    assert str(info.value.message) == "Mã PIN không đúng"
    # The correct PIN still works afterwards: one failed login, the token's counter was not exhausted by us.
    good = _source(softhsm_token, test_pki, "person-rsa")
    with good.open() as signer:
        assert signer.signing_cert is not None


def test_unknown_token_is_refused(softhsm_token: Token, test_pki: TestPki) -> None:
    source = Pkcs11KeySource(module_path=softhsm_token.module, token_label="khong-co", key_label="x",
                             pin=softhsm_token.pin)
    with pytest.raises(KeyUnavailableError):
        _ = source.certificate


@pytest.mark.django_db
def test_certificate_of_someone_else_is_refused(test_pki: TestPki, kit: object, other_kit: object) -> None:
    from vanthu.signing.errors import CertificateNotOwnedError
    from vanthu.signing.models import CertificateKind
    from vanthu.signing.services import certificate_assert_usable_by, certificate_register

    personal = certs_from_pem(test_pki.identity("person-rsa").cert_pem)[0]
    agency = certs_from_pem(test_pki.identity("agency-rsa").cert_pem)[0]
    row = certificate_register(actor=kit.admin, cert=personal, owner_user=kit.leader.user)  # type: ignore[attr-defined]
    assert row.kind == CertificateKind.PERSONAL
    assert row.subject.startswith("Common Name: Nguyễn Văn An")
    certificate_register(actor=kit.admin, cert=agency, owner_agency=kit.agency)  # type: ignore[attr-defined]

    assert certificate_assert_usable_by(actor=kit.leader, cert=personal, kind="PERSONAL") == row  # type: ignore[attr-defined]
    with pytest.raises(CertificateNotOwnedError) as info:
        certificate_assert_usable_by(actor=kit.deputy, cert=personal, kind="PERSONAL")  # type: ignore[attr-defined]
    assert info.value.code == "signing.certificate_not_owned"
    certificate_assert_usable_by(actor=kit.clerk, cert=agency, kind="ORGANISATION")  # type: ignore[attr-defined]
    for actor in (other_kit.clerk, kit.leader):  # type: ignore[attr-defined]
        with pytest.raises(CertificateNotOwnedError):
            certificate_assert_usable_by(actor=actor, cert=agency, kind="ORGANISATION")
    unknown = certs_from_pem(test_pki.identity("person-ec").cert_pem)[0]
    with pytest.raises(CertificateNotOwnedError):
        certificate_assert_usable_by(actor=kit.leader, cert=unknown, kind="PERSONAL")  # type: ignore[attr-defined]
