"""Which key signs the audit checkpoints, and which certificates verification accepts as their signer.

- The deployment's exchange certificate (``VANTHU_EXCHANGE_CERT_FILE``, PKCS#12) when one is configured: a
  certificate from a recognised CA naming the province, so an inspector can tell who signed without taking our
  word for a file; its passphrase comes from the environment, not from ``var/``.
- Otherwise a deployment audit key, generated once into ``VANTHU_AUDIT_KEY_DIR`` (``var/audit-key``: ECDSA P-256
  and a self-signed certificate). Anyone who can read that folder can sign checkpoints, so against an intruder
  on the application server it proves little; what it still gives is the RFC 3161 timestamp's witness — a
  checkpoint cannot be backdated — and detection of anyone who can write the database but not read ``var/``.

Both are stop-gaps for a key that cannot be copied: an HSM or token through PKCS#11 (pyHanko's ``PKCS11Signer``)
is the intended production signer (ADR 0004). Verification accepts the current signer's certificate, the audit
key's certificate if one was ever generated (checkpoints made before an exchange certificate was configured), and
the PEM files of ``VANTHU_AUDIT_CHECKPOINT_CERTS`` (earlier exchange certificates, after a renewal).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.sign import signers

from vanthu.core.errors import ApplicationError
from vanthu.signing.validation.trust import certificates_parse

KEY_FILE = "key.pem"
CERT_FILE = "cert.pem"
AUDIT_KEY_YEARS = 20


@dataclass(frozen=True)
class CheckpointSigner:
    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate
    source: str  # the file the key came from, for messages


def audit_key_dir() -> Path:
    return Path(settings.VANTHU_AUDIT_KEY_DIR)


def checkpoint_signer() -> CheckpointSigner:
    """The exchange certificate's key if configured, else the deployment audit key (generated on first use)."""
    exchange = str(settings.VANTHU_EXCHANGE_CERT_FILE or "").strip()
    if exchange:
        return _exchange_signer(Path(exchange))
    directory = audit_key_dir()
    if not (directory / KEY_FILE).exists():
        audit_key_generate(directory)
    return _audit_key_signer(directory)


def _unusable(path: Path, exc: Exception) -> ApplicationError:
    return ApplicationError(
        "audit.signer_unusable",
        _("Không dùng được khóa ký điểm kiểm tra nhật ký (%(path)s): %(error)s") % {"path": path, "error": exc},
        {"path": str(path)},
    )


def _exchange_signer(path: Path) -> CheckpointSigner:
    password = str(settings.VANTHU_EXCHANGE_CERT_PASSWORD or "").encode() or None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), other_certs=[], passphrase=password)
    except (OSError, ValueError) as exc:
        raise _unusable(path, exc) from exc
    return CheckpointSigner(signer=signer, certificate=signer.signing_cert, source=str(path))


def _audit_key_signer(directory: Path) -> CheckpointSigner:
    try:
        signer = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
            str(directory / KEY_FILE), str(directory / CERT_FILE))
    except (OSError, ValueError) as exc:
        raise _unusable(directory, exc) from exc
    if signer is None:  # pyHanko logs and returns None when the files do not parse
        raise _unusable(directory, ValueError(_("tệp khóa hoặc chứng thư không hợp lệ")))
    return CheckpointSigner(signer=signer, certificate=signer.signing_cert, source=str(directory))


def audit_key_generate(directory: Path) -> None:
    """Create the key and its self-signed certificate in a private temporary folder, then rename it into place:
    the web process and the worker may both get here first, and only one key may ever exist."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".audit-key-", dir=directory.parent))
    try:
        key = ec.generate_private_key(ec.SECP256R1())
        key_path = staging / KEY_FILE
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        key_path.chmod(0o600)
        (staging / CERT_FILE).write_bytes(_self_signed(key).public_bytes(serialization.Encoding.PEM))
        try:
            os.rename(staging, directory)
        except OSError:
            if not (directory / KEY_FILE).exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _self_signed(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    site = urlsplit(str(settings.VANTHU_SITE_URL)).netloc or "vanthu"
    name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Vanthu"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, site[:64]),  # X.520 caps names at 64 characters
        x509.NameAttribute(NameOID.COMMON_NAME, "Khóa ký điểm kiểm tra nhật ký hệ thống"),
    ])
    now = dt.datetime.now(dt.UTC)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=365 * AUDIT_KEY_YEARS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .sign(key, hashes.SHA256()))


def accepted_signer_certificates() -> list[asn1_x509.Certificate]:
    """Every certificate a checkpoint may be signed with (see the module docstring); an unreadable exchange
    certificate is left out rather than failing verification, which then reports the checkpoints it signed."""
    found: list[asn1_x509.Certificate] = []
    exchange = str(settings.VANTHU_EXCHANGE_CERT_FILE or "").strip()
    if exchange:
        with contextlib.suppress(ApplicationError):
            found.append(_exchange_signer(Path(exchange)).certificate)
    audit_cert = audit_key_dir() / CERT_FILE
    if audit_cert.exists():
        found += certificates_parse(audit_cert.read_bytes())
    for path in getattr(settings, "VANTHU_AUDIT_CHECKPOINT_CERTS", []) or []:
        found += certificates_parse(Path(path).read_bytes())
    unique = {cert.sha256: cert for cert in found}
    return list(unique.values())
