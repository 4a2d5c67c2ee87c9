"""Generate (or reload) a demo/test PKI on disk and load it into certomancer.

Layout of the PKI folder::

    certomancer.yml      the generated configuration (absolute validity dates, so reloading gives the same certs)
    keys/<label>.key.pem unencrypted PKCS#8 private keys (demo only!)
    certs/<label>.pem    every certificate, plus root.pem and intermediate.pem at the top
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml
from certomancer.registry import CertLabel, CertomancerConfig, PKIArchitecture
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from .config import INTERMEDIATE, OCSP_RESPONDER, ROOT, TSA, build_config, service_urls
from .spec import ARCH, KeyKind, LeafSpec

CONFIG_FILE = "certomancer.yml"
META_FILE = "pki.json"


def generate_key(kind: KeyKind) -> PrivateKeyTypes:
    if kind is KeyKind.EC_P256:
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=3072 if kind is KeyKind.RSA_3072 else 2048)


def key_to_pem(key: PrivateKeyTypes) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def pem_cert(der: bytes) -> bytes:
    from asn1crypto import pem

    armored: bytes = pem.armor("CERTIFICATE", der)
    return armored


@dataclass(frozen=True)
class BuiltPki:
    """A PKI on disk plus its certomancer architecture (which the loopback service serves)."""

    directory: Path
    url_prefix: str
    config: CertomancerConfig
    leaf_labels: tuple[str, ...]

    @property
    def arch(self) -> PKIArchitecture:
        return self.config.get_pki_arch(ARCH)  # type: ignore[arg-type]

    @property
    def urls(self) -> dict[str, str]:
        return service_urls(self.url_prefix)

    def cert_der(self, label: str) -> bytes:
        der: bytes = self.arch.get_cert(CertLabel(label)).dump()
        return der

    def cert_pem(self, label: str) -> bytes:
        return (self.directory / "certs" / f"{label}.pem").read_bytes()

    def key_pem(self, label: str) -> bytes:
        return (self.directory / "keys" / f"{label}.key.pem").read_bytes()

    @property
    def root_pem_path(self) -> Path:
        return self.directory / "root.pem"

    @property
    def intermediate_pem_path(self) -> Path:
        return self.directory / "intermediate.pem"


def _ensure_keys(key_dir: Path, kinds: dict[str, KeyKind]) -> dict[str, str]:
    key_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    for label, kind in kinds.items():
        name = f"{label}.key.pem"
        path = key_dir / name
        if not path.exists():
            path.write_bytes(key_to_pem(generate_key(kind)))
            path.chmod(0o600)
        files[label] = name
    return files


def _load(directory: Path, config: dict[str, object], leaf_labels: tuple[str, ...]) -> BuiltPki:
    url_prefix = str(config["external-url-prefix"])
    loaded = CertomancerConfig(config, key_search_dir=str(directory))
    return BuiltPki(directory=directory, url_prefix=url_prefix, config=loaded, leaf_labels=leaf_labels)


def _export(pki: BuiltPki) -> None:
    cert_dir = pki.directory / "certs"
    cert_dir.mkdir(parents=True, exist_ok=True)
    for label in (ROOT, INTERMEDIATE, TSA, OCSP_RESPONDER, *pki.leaf_labels):
        (cert_dir / f"{label}.pem").write_bytes(pem_cert(pki.cert_der(label)))
    pki.root_pem_path.write_bytes(pem_cert(pki.cert_der(ROOT)))
    pki.intermediate_pem_path.write_bytes(pem_cert(pki.cert_der(INTERMEDIATE)))


def build_pki(directory: Path, *, leaves: list[LeafSpec], url_prefix: str, now: datetime | None = None) -> BuiltPki:
    """Write keys, configuration and certificates for a fresh PKI into ``directory`` (keys already there are kept)."""
    directory.mkdir(parents=True, exist_ok=True)
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    kinds = {ROOT: KeyKind.RSA_3072, INTERMEDIATE: KeyKind.RSA_2048, TSA: KeyKind.RSA_2048,
             OCSP_RESPONDER: KeyKind.RSA_2048} | {leaf.label: leaf.key for leaf in leaves}
    key_files = _ensure_keys(directory / "keys", kinds)
    config = build_config(now=moment, url_prefix=url_prefix, key_dir="keys", key_files=key_files, leaves=leaves)
    (directory / CONFIG_FILE).write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    labels = tuple(leaf.label for leaf in leaves)
    (directory / META_FILE).write_text(json.dumps({"leaves": list(labels), "url_prefix": url_prefix,
                                                   "generated_at": moment.isoformat()}, indent=2), encoding="utf-8")
    pki = _load(directory, config, labels)
    _export(pki)
    return pki


def load_pki(directory: Path) -> BuiltPki:
    """Reload a PKI written by :func:`build_pki`; certificates come out identical (same keys, same dates)."""
    config = yaml.safe_load((directory / CONFIG_FILE).read_text(encoding="utf-8"))
    meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    return _load(directory, config, tuple(meta["leaves"]))


def exists(directory: Path) -> bool:
    return (directory / CONFIG_FILE).exists() and (directory / META_FILE).exists()
