"""The fast signing path (pades.SigningSession, used by pdf_sign): one unlock and one certificate check per batch,
no trial signature, every signature value checked against the certificate — and the signatures stay valid."""

from __future__ import annotations

import contextlib
import io
import socket
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers import Signer, SimpleSigner
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tests.builders import pdf_bytes
from tests.signing.signing_helpers import assert_pyhanko_valid, p12_source
from vanthu.core.errors import ApplicationError
from vanthu.signing import pades
from vanthu.signing.errors import CertificateExpiredError, CertificateRevokedError, SigningFailedError
from vanthu.signing.keys import Pkcs12KeySource, certs_from_pem
from vanthu.signing.pades import SigningSession, fetcher_backend, pdf_sign, signature_size
from vanthu.signing.pki.testing import TestPki


class CountingSource:
    """A key source that counts how often it is opened."""

    def __init__(self, inner: Pkcs12KeySource) -> None:
        self.inner = inner
        self.opened = 0

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self.inner.certificate

    @property
    def chain(self) -> Sequence[asn1_x509.Certificate]:
        return self.inner.chain

    @contextlib.contextmanager
    def open(self) -> Iterator[Signer]:
        self.opened += 1
        with self.inner.open() as signer:
            yield signer


@pytest.fixture
def no_trial_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    async def refuse(*args: object, **kwargs: object) -> int:
        raise AssertionError("no size-estimating trial signature expected")

    monkeypatch.setattr(PdfSigningSession, "estimate_signature_container_size", refuse)


@pytest.mark.parametrize("label", ["person-rsa", "person-ec"])
def test_one_unlock_and_one_certificate_check_for_a_batch(
    test_pki: TestPki, monkeypatch: pytest.MonkeyPatch, no_trial_signature: None, label: str,
) -> None:
    checks: list[object] = []
    real_check = pades.async_check_certificate_usable

    async def counted(**kwargs: Any) -> Any:
        checks.append(kwargs["cert"])
        return await real_check(**kwargs)

    monkeypatch.setattr(pades, "async_check_certificate_usable", counted)
    source = CountingSource(p12_source(test_pki, label))
    context = test_pki.validation_context(fetcher_backend=fetcher_backend())
    with SigningSession(key_source=source, validation_context=context, timestamp_url=test_pki.tsa_url) as session:
        signed = [session.sign(pdf=pdf_bytes(f"Van ban {i}"), appearance=None, field_name="Sig1") for i in range(3)]
    assert source.opened == 1 and len(checks) == 1
    for pdf in signed:
        assert_pyhanko_valid(pdf, test_pki, count=1)


def test_the_reserved_space_comes_from_the_certificate_chain(test_pki: TestPki, no_trial_signature: None) -> None:
    source = p12_source(test_pki, "person-rsa")
    with SigningSession(key_source=source, validation_context=test_pki.validation_context(),
                        timestamp_url=test_pki.tsa_url) as session:
        signed = session.sign(pdf=pdf_bytes(), appearance=None, field_name="Sig1")
        signed = session.sign(pdf=signed, appearance=None, field_name="Sig2")
        chain = session.chain
    assert {c.sha256 for c in chain} >= {c.sha256 for c in source.chain}, "the validated path, root included"
    expected = signature_size(cert=source.certificate, chain=chain)
    reader = PdfFileReader(io.BytesIO(signed), strict=False)
    for embedded in reader.embedded_signatures:  # both: the computed size was enough, no fallback estimate
        assert len(embedded.sig_object.raw_get("/Contents").original_bytes) * 2 == expected
    [embedded, _second] = reader.embedded_signatures
    container = cms.ContentInfo.load(embedded.pkcs7_content)  # /Contents is zero-padded after the DER
    assert 2 * len(container.dump()) < expected  # the container fits, with its timestamp token
    assert_pyhanko_valid(signed, test_pki, count=2)


@pytest.mark.parametrize(("label", "error"), [("expired", CertificateExpiredError),
                                               ("revoked", CertificateRevokedError)])
def test_a_session_refuses_an_unusable_certificate_before_any_signature(
    test_pki: TestPki, label: str, error: type[Exception],
) -> None:
    source = CountingSource(p12_source(test_pki, label))
    session = SigningSession(key_source=source, validation_context=test_pki.validation_context(),
                             timestamp_url=test_pki.tsa_url)
    with pytest.raises(error):
        session.open()
    assert source.opened == 0, "the key is never unlocked for an unusable certificate"


def test_an_unreachable_timestamp_authority_is_reported_as_such(test_pki: TestPki) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    session = SigningSession(key_source=p12_source(test_pki, "person-rsa"),
                             validation_context=test_pki.validation_context(),
                             timestamp_url=f"http://127.0.0.1:{port}/tsa")
    with session, pytest.raises(ApplicationError) as info:
        session.sign(pdf=pdf_bytes(), appearance=None, field_name="Sig1")
    assert info.value.code == "signing.tsa_unavailable"


def test_a_reservation_that_is_too_small_is_redone_with_pyhankos_estimate(test_pki: TestPki) -> None:
    signed = pdf_sign(pdf=pdf_bytes(), key_source=p12_source(test_pki, "person-rsa"), appearance=None,
                      field_name="Sig1", validation_context=test_pki.validation_context(),
                      timestamp_url=test_pki.tsa_url, bytes_reserved=2000)
    assert_pyhanko_valid(signed, test_pki, count=1)


class MismatchedSource(CountingSource):
    """The certificate of one identity with the private key of another."""

    def __init__(self, inner: Pkcs12KeySource, key_pem: bytes) -> None:
        super().__init__(inner)
        key = serialization.load_pem_private_key(key_pem, password=None)
        self.key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())

    @contextlib.contextmanager
    def open(self) -> Iterator[Signer]:
        yield SimpleSigner(signing_cert=self.certificate, signing_key=asn1_keys.PrivateKeyInfo.load(self.key_der),
                           cert_registry=SimpleCertificateStore.from_certs(list(self.chain)))


def test_a_key_that_does_not_match_the_certificate_signs_nothing(test_pki: TestPki) -> None:
    source = MismatchedSource(p12_source(test_pki, "person-rsa"), test_pki.identity("agency-rsa").key_pem)
    with pytest.raises(SigningFailedError) as info:
        pdf_sign(pdf=pdf_bytes(), key_source=source, appearance=None, field_name="Sig1",
                 validation_context=test_pki.validation_context(), timestamp_url=test_pki.tsa_url)
    assert info.value.code == "signing.failed"


def test_the_shared_fetcher_backend_leaves_no_open_http_session(test_pki: TestPki) -> None:
    backend = fetcher_backend()
    identity = test_pki.identity("person-ec")
    source = Pkcs12KeySource(pkcs12_bytes=identity.pkcs12(b"p"), passphrase=b"p",
                             extra_chain=certs_from_pem(identity.chain_pem))
    signed = pdf_sign(pdf=pdf_bytes(), key_source=source, appearance=None, field_name="Sig1",
                      validation_context=test_pki.validation_context(fetcher_backend=backend),
                      timestamp_url=test_pki.tsa_url, level="B-LT")
    assert backend.backend.session._sessions == {}  # type: ignore[attr-defined]
    assert "/DSS" in PdfFileReader(io.BytesIO(signed), strict=False).root
    assert_pyhanko_valid(signed, test_pki, count=1)
