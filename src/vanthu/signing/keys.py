"""One signer interface: every key source hands out a pyHanko ``Signer`` for one signing operation.

A key source is opened for the duration of one signature (``with source.open() as signer``) so that PKCS#11
sessions are closed and decrypted PKCS#12 keys do not outlive the operation. Nothing here writes key material
to disk.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pkcs11
from asn1crypto import keys as asn1_keys
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pkcs11 import exceptions as p11_exc
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.signers import Signer, SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from vanthu.signing.errors import KeyUnavailableError, TokenLockedError, WrongPinError


def certs_from_pem(data: bytes) -> list[asn1_x509.Certificate]:
    """Every certificate in a PEM bundle (or a single DER certificate)."""
    if not pem.detect(data):
        return [asn1_x509.Certificate.load(data)]
    return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]


def is_ec(cert: asn1_x509.Certificate) -> bool:
    return bool(cert.public_key.algorithm == "ec")


class KeySource(Protocol):
    """Anything that can sign with the key of ``certificate``."""

    @property
    def certificate(self) -> asn1_x509.Certificate: ...

    @property
    def chain(self) -> Sequence[asn1_x509.Certificate]: ...

    def open(self) -> contextlib.AbstractContextManager[Signer]: ...


def pkcs12_protect(*, pkcs12_bytes: bytes, passphrase: bytes, new_passphrase: bytes | None = None) -> bytes:
    """Re-encrypt an imported PKCS#12 with PBES2/AES-256 under the owner's passphrase (for storage at rest).

    The PKCS#12 passphrase is the user's passphrase: we never hold the key under any other secret.
    """
    key, cert, extra = _pkcs12_load(pkcs12_bytes, passphrase)
    if key is None or cert is None:
        raise KeyUnavailableError()
    return pkcs12.serialize_key_and_certificates(
        name=None, key=key, cert=cert, cas=extra or None,  # type: ignore[arg-type]
        encryption_algorithm=serialization.BestAvailableEncryption(new_passphrase or passphrase),
    )


def _pkcs12_load(data: bytes, passphrase: bytes) -> tuple[object, object, list[object]]:
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as exc:  # cryptography reports a wrong password and a corrupt file alike
        raise WrongPinError() from exc
    return key, cert, list(extra)


@dataclass
class Pkcs12KeySource:
    """A PKCS#12 container held in memory, unlocked by the user's passphrase."""

    pkcs12_bytes: bytes
    passphrase: bytes = field(repr=False)
    extra_chain: Sequence[asn1_x509.Certificate] = ()

    def __post_init__(self) -> None:
        key, cert, extra = _pkcs12_load(self.pkcs12_bytes, self.passphrase)
        if key is None or cert is None:
            raise KeyUnavailableError()
        self._key_der = key.private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self._cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))  # type: ignore[attr-defined]
        chain = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in extra]  # type: ignore[attr-defined]
        self._chain = chain + [c for c in self.extra_chain if c.sha256 not in {x.sha256 for x in chain}]

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self._cert

    @property
    def chain(self) -> Sequence[asn1_x509.Certificate]:
        return self._chain

    @contextlib.contextmanager
    def open(self) -> Iterator[Signer]:
        yield SimpleSigner(
            signing_cert=self._cert,
            signing_key=asn1_keys.PrivateKeyInfo.load(self._key_der),
            cert_registry=SimpleCertificateStore.from_certs(self._chain),  # type: ignore[no-untyped-call]
        )


@dataclass
class Pkcs11KeySource:
    """A key on a PKCS#11 token or HSM. ECDSA keys sign through the raw mechanism over our own digest.

    One login attempt per operation: a wrong PIN is reported at once and never retried, so the token's own
    lock-out counter is the only one that counts; a token reporting its user PIN locked is refused untouched.
    """

    module_path: str
    token_label: str
    key_label: str
    pin: str = field(repr=False)
    cert: asn1_x509.Certificate | None = None
    cert_label: str | None = None
    extra_chain: Sequence[asn1_x509.Certificate] = ()

    @property
    def certificate(self) -> asn1_x509.Certificate:
        if self.cert is None:
            with self._session() as session:
                self.cert = _token_certificate(session, self.cert_label or self.key_label)
        return self.cert

    @property
    def chain(self) -> Sequence[asn1_x509.Certificate]:
        return self.extra_chain

    @contextlib.contextmanager
    def _session(self) -> Iterator[pkcs11.Session]:
        try:
            lib = pkcs11.lib(self.module_path)
            token = lib.get_token(token_label=self.token_label)
        except (p11_exc.NoSuchToken, p11_exc.MultipleTokensReturned, RuntimeError) as exc:
            raise KeyUnavailableError({"token": self.token_label}) from exc
        if token.flags & pkcs11.TokenFlag.USER_PIN_LOCKED:
            raise TokenLockedError({"token": self.token_label})
        try:
            session = token.open(user_pin=self.pin)
        except p11_exc.PinLocked as exc:
            raise TokenLockedError({"token": self.token_label}) from exc
        except (p11_exc.PinIncorrect, p11_exc.PinLenRange, p11_exc.PinInvalid) as exc:
            raise WrongPinError({"token": self.token_label}) from exc
        try:
            yield session
        finally:
            session.close()

    @contextlib.contextmanager
    def open(self) -> Iterator[Signer]:
        cert = self.certificate
        with self._session() as session:
            yield PKCS11Signer(
                session,
                signing_cert=cert,
                key_label=self.key_label,
                ca_chain=list(self.extra_chain),
                use_raw_mechanism=is_ec(cert),
            )


def _token_certificate(session: pkcs11.Session, label: str) -> asn1_x509.Certificate:
    for obj in session.get_objects({pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
                                    pkcs11.Attribute.LABEL: label}):
        return asn1_x509.Certificate.load(obj[pkcs11.Attribute.VALUE])
    raise KeyUnavailableError({"label": label})
