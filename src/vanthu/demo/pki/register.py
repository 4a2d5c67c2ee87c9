"""Registering the demo PKI in the database (``vanthu pki init``): KHÔNG DÙNG CHO MỤC ĐÍCH THẬT.

When the demo agencies and users exist (``vanthu demo-load``), every file the demo PKI made is registered:

- the demo root as a trusted root (``TrustedRoot.is_demo``);
- for each demo leader: the personal certificate, a PKCS#12 key device encrypted under the demo PIN ``123456``,
  and the blue signature image;
- for each demo agency: the organisation certificate, a key device (PIN ``123456``) and the red seal image.

Idempotent: what is already registered is left alone, so running it twice changes nothing. Users or agencies
that are missing are skipped (and counted).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.db import transaction

from vanthu.core.audit import audit_record
from vanthu.core.blobs import blob_store
from vanthu.organizations.models import Agency, User
from vanthu.signing.keys import certs_from_pem
from vanthu.signing.models import Certificate, KeyDevice, KeyDeviceKind, SealImage, SignatureImage, TrustedRoot
from vanthu.signing.services import certificate_register, trust_root_save

DEMO_PIN = "123456"  # the published PIN of the demo key devices
MANIFEST = "manifest.json"


@dataclass
class DemoRegistration:
    trusted_roots: int = 0
    certificates: int = 0
    key_devices: int = 0
    signature_images: int = 0
    seal_images: int = 0
    skipped: list[str] = field(default_factory=list)

    def changed(self) -> bool:
        return bool(self.trusted_roots or self.certificates or self.key_devices or self.signature_images
                    or self.seal_images)


def _demo_pkcs12(directory: Path, cert_path: str, key_path: str) -> bytes:
    key = serialization.load_pem_private_key((directory / key_path).read_bytes(), password=None)
    cert = x509.load_pem_x509_certificate((directory / cert_path).read_bytes())
    chain = x509.load_pem_x509_certificates((directory / "intermediate.pem").read_bytes()
                                            + (directory / "root.pem").read_bytes())
    return pkcs12.serialize_key_and_certificates(
        None, key, cert, chain,  # type: ignore[arg-type]
        serialization.BestAvailableEncryption(DEMO_PIN.encode()),
    )


def _certificate(result: DemoRegistration, directory: Path, cert_path: str, *, user: User | None = None,
                 agency: Agency | None = None) -> Certificate:
    cert = certs_from_pem((directory / cert_path).read_bytes())[0]
    fingerprint = hashlib.sha256(cert.dump()).hexdigest()
    existing = Certificate.objects.filter(fingerprint_sha256=fingerprint).first()
    if existing is not None:
        return existing
    result.certificates += 1
    return certificate_register(actor=None, cert=cert, owner_user=user, owner_agency=agency)


def _retire_old_devices(row: Certificate, label: str) -> None:
    KeyDevice.objects.filter(label=label, is_active=True).exclude(certificate=row).update(is_active=False)


def _key_device(result: DemoRegistration, directory: Path, row: Certificate, entry: dict[str, Any], label: str) -> None:
    if KeyDevice.objects.filter(certificate=row, kind=KeyDeviceKind.PKCS12, is_active=True).exists():
        return
    device = KeyDevice.objects.create(kind=KeyDeviceKind.PKCS12, certificate=row, label=label,
                                      pkcs12_encrypted=_demo_pkcs12(directory, entry["cert"], entry["key"]))
    audit_record(actor=None, event_type="signing.key_device_added", target=device, agency=row.owner_agency,
                 data={"kind": device.kind, "certificate": row.pk, "serial": row.serial, "demo": True})
    result.key_devices += 1


def _signature_image(result: DemoRegistration, directory: Path, user: User, image_path: str) -> None:
    png = (directory / image_path).read_bytes()
    sha = hashlib.sha256(png).hexdigest()
    if SignatureImage.objects.filter(user=user, is_active=True, image__sha256=sha).exists():
        return
    SignatureImage.objects.filter(user=user, is_active=True).update(is_active=False)
    row = SignatureImage.objects.create(user=user, image=blob_store(content=png, content_type="image/png"))
    audit_record(actor=None, event_type="signing.signature_image_uploaded", target=row, data={"demo": True})
    result.signature_images += 1


def _seal_image(result: DemoRegistration, directory: Path, agency: Agency, entry: dict[str, Any]) -> None:
    png = (directory / entry["seal_image"]).read_bytes()
    sha = hashlib.sha256(png).hexdigest()
    if SealImage.objects.filter(agency=agency, is_active=True, image__sha256=sha).exists():
        return
    SealImage.objects.filter(agency=agency, is_active=True).update(is_active=False)
    row = SealImage.objects.create(agency=agency, image=blob_store(content=png, content_type="image/png"),
                                   dpi=int(entry.get("dpi", 300)),
                                   diameter_mm=Decimal(str(entry.get("seal_diameter_mm", 40))))
    audit_record(actor=None, event_type="signing.seal_image_uploaded", target=row, agency=agency,
                 data={"demo": True})
    result.seal_images += 1


@transaction.atomic
def demo_pki_register(directory: Path) -> DemoRegistration:
    """Register the demo PKI in ``directory`` for the demo users and agencies found in the database."""
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    result = DemoRegistration()
    leaders = manifest.get("leaders", [])
    agencies = manifest.get("agencies", [])
    users = {u.username: u for u in User.objects.filter(username__in=[e["username"] for e in leaders])}
    by_code = {a.organ_id: a for a in Agency.objects.filter(organ_id__in=[e["organ_id"] for e in agencies])}
    if not users and not by_code:
        result.skipped.append("no demo users or agencies in the database")
        return result
    root = certs_from_pem((directory / manifest.get("root", "root.pem")).read_bytes())[0]
    fingerprint = hashlib.sha256(root.dump()).hexdigest()
    if not TrustedRoot.objects.filter(fingerprint_sha256=fingerprint).exists():
        result.trusted_roots += 1
    trust_root_save(cert=root, user=None, is_demo=True)
    # A demo PKI made again (--force) replaces the previous one: its root and devices stop being used.
    TrustedRoot.objects.filter(is_demo=True, is_active=True).exclude(fingerprint_sha256=fingerprint).update(
        is_active=False)
    for entry in leaders:
        user = users.get(entry["username"])
        if user is None:
            result.skipped.append(entry["username"])
            continue
        row = _certificate(result, directory, entry["cert"], user=user)
        _retire_old_devices(row, f"Demo · {entry['username']}")
        _key_device(result, directory, row, entry, f"Demo · {entry['username']}")
        _signature_image(result, directory, user, entry["signature_image"])
    for entry in agencies:
        agency = by_code.get(entry["organ_id"])
        if agency is None:
            result.skipped.append(entry["slug"])
            continue
        row = _certificate(result, directory, entry["cert"], agency=agency)
        _retire_old_devices(row, f"Demo · {entry['slug']}")
        _key_device(result, directory, row, entry, f"Demo · {entry['slug']}")
        _seal_image(result, directory, agency, entry)
    return result
