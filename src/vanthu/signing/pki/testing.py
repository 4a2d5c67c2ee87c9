"""The test PKI other test directories use: ``start_test_pki(tmp_dir)`` → :class:`TestPki` (call ``stop()``).

Leaves (labels are the contract): ``person-rsa`` (Nguyễn Văn An, RSA-2048), ``person-ec`` (Trần Thị Bình, ECDSA
P-256), ``agency-rsa`` (UBND tỉnh Demo, organisation), ``expired``, ``not-yet-valid``, ``revoked``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from .builder import BuiltPki, build_pki
from .nss import create_nss_db
from .service import PkiService
from .spec import LeafSpec, test_leaves


@dataclass(frozen=True)
class Identity:
    label: str
    cert_pem: bytes  # leaf certificate
    key_pem: bytes  # unencrypted PKCS#8 private key
    chain_pem: bytes  # intermediate + root

    def pkcs12(self, passphrase: bytes) -> bytes:
        """Key + certificate + chain as a PKCS#12 file encrypted with ``passphrase``."""
        key = serialization.load_pem_private_key(self.key_pem, password=None)
        cert = x509.load_pem_x509_certificate(self.cert_pem)
        chain = x509.load_pem_x509_certificates(self.chain_pem)
        return pkcs12.serialize_key_and_certificates(
            self.label.encode(), key, cert, chain,  # type: ignore[arg-type]
            serialization.BestAvailableEncryption(passphrase),
        )


@dataclass(frozen=True)
class TestPki:
    __test__ = False  # not a pytest test class

    directory: Path
    root_pem: bytes
    root_pem_path: Path
    intermediate_pem: bytes
    tsa_url: str
    ocsp_url: str
    crl_url: str
    nss_dir: Path
    service: PkiService = field(repr=False)
    built: BuiltPki = field(repr=False)

    def identity(self, label: str) -> Identity:
        if label not in self.built.leaf_labels:
            raise KeyError(f"unknown test identity {label!r}; known: {', '.join(self.built.leaf_labels)}")
        return Identity(label=label, cert_pem=self.built.cert_pem(label), key_pem=self.built.key_pem(label),
                        chain_pem=self.intermediate_pem + self.root_pem)

    def validation_context(self, **kw: Any) -> Any:
        """A pyhanko-certvalidator ``ValidationContext`` trusting only the demo root, fetching revocation info
        from the loopback service (``hard-fail``: an unreachable OCSP/CRL is an error). Keywords override."""
        from asn1crypto import pem
        from asn1crypto import x509 as asn1_x509
        from pyhanko_certvalidator import ValidationContext

        def load(data: bytes) -> asn1_x509.Certificate:
            return asn1_x509.Certificate.load(pem.unarmor(data)[2])

        options: dict[str, Any] = {
            "trust_roots": [load(self.root_pem)],
            "other_certs": [load(self.intermediate_pem)],
            "allow_fetching": True,
            "revocation_mode": "hard-fail",
        }
        options.update(kw)
        return ValidationContext(**options)

    def stop(self) -> None:
        self.service.stop()


def start_test_pki(tmp_dir: Path, *, leaves: list[LeafSpec] | None = None) -> TestPki:
    """Build a fresh PKI in ``tmp_dir`` and serve TSA/OCSP/CRL on a free loopback port (caller must ``stop()``)."""
    service = PkiService()
    try:
        built = build_pki(tmp_dir, leaves=leaves or test_leaves(), url_prefix=service.url_prefix)
        service.mount(built)
        nss_dir = create_nss_db(tmp_dir / "nssdb", root_pem=built.root_pem_path,
                                intermediate_pem=built.intermediate_pem_path)
        service.start()
    except BaseException:
        service.stop()
        raise
    return TestPki(
        directory=tmp_dir, root_pem=built.root_pem_path.read_bytes(), root_pem_path=built.root_pem_path,
        intermediate_pem=built.intermediate_pem_path.read_bytes(), tsa_url=service.tsa_url,
        ocsp_url=service.ocsp_url, crl_url=service.crl_url, nss_dir=nss_dir, service=service, built=built,
    )
