"""`vanthu pki init` registers the demo PKI for the demo users and agencies, once (KHÔNG DÙNG CHO MỤC ĐÍCH THẬT)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from vanthu.demo.data import AGENCIES
from vanthu.demo.pki import init_demo_pki
from vanthu.demo.pki.register import DEMO_PIN, demo_pki_register
from vanthu.organizations.models import Agency, User
from vanthu.organizations.services import agency_create, user_create
from vanthu.signing.keys import certs_from_pem
from vanthu.signing.models import Certificate, CertificateKind, KeyDevice, SealImage, SignatureImage, TrustedRoot
from vanthu.signing.selectors import key_device_key_source

pytestmark = pytest.mark.django_db
SPEC = next(a for a in AGENCIES if a.slug == "sonv")  # Sở Nội vụ: one agency keeps the PKI small
LEADERS = ("giamdoc.sonv", "phogiamdoc.sonv")


def _demo_rows() -> tuple[Agency, list[User]]:
    agency = agency_create(actor=None, name=SPEC.name, abbreviation=SPEC.abbreviation, organ_id=SPEC.organ_id,
                           level_code="DEPARTMENT")
    users = [user_create(actor=None, username=name, full_name=name, password=None) for name in LEADERS]
    return agency, users


def _counts() -> tuple[int, ...]:
    return (TrustedRoot.objects.count(), Certificate.objects.count(), KeyDevice.objects.filter(is_active=True).count(),
            SignatureImage.objects.filter(is_active=True).count(), SealImage.objects.filter(is_active=True).count())


def _init(directory: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("pki", "init", "--dir", str(directory), *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("demo-pki")
    init_demo_pki(directory, port=8799, agencies=[SPEC])
    return directory


def test_without_demo_data_nothing_is_registered(demo_dir: Path) -> None:
    out = _init(demo_dir)
    assert "demo-load" in out
    assert _counts() == (0, 0, 0, 0, 0)


def test_init_registers_the_demo_certificates_devices_and_images_once(demo_dir: Path) -> None:
    agency, users = _demo_rows()
    out = _init(demo_dir)
    assert "Đã đăng ký" in out and DEMO_PIN in out
    assert _counts() == (1, 3, 3, 2, 1)
    root = TrustedRoot.objects.get()
    assert root.is_demo and root.is_active and "KHÔNG DÙNG THẬT" in root.subject
    for user in users:
        device = KeyDevice.objects.get(certificate__owner_user=user)
        assert device.certificate.kind == CertificateKind.PERSONAL
        source = key_device_key_source(device, DEMO_PIN)
        assert source.certificate.sha256.hex() == device.certificate.fingerprint_sha256
        assert SignatureImage.objects.get(user=user, is_active=True).image.content_type == "image/png"
    agency_device = KeyDevice.objects.get(certificate__owner_agency=agency)
    assert agency_device.certificate.kind == CertificateKind.ORGANISATION
    seal = SealImage.objects.get(agency=agency)
    assert float(seal.diameter_mm) == 40.0 and seal.dpi == 300
    assert certs_from_pem(root.pem.encode())[0].sha256 == certs_from_pem((demo_dir / "root.pem").read_bytes())[0].sha256

    again = _init(demo_dir)
    assert "không thay đổi gì" in again
    assert _counts() == (1, 3, 3, 2, 1)


def test_a_new_demo_pki_replaces_the_old_registrations(demo_dir: Path, tmp_path: Path) -> None:
    _agency, _users = _demo_rows()
    demo_pki_register(demo_dir)
    fresh = tmp_path / "pki"
    init_demo_pki(fresh, port=8799, agencies=[SPEC])
    result = demo_pki_register(fresh)
    assert (result.trusted_roots, result.certificates, result.key_devices) == (1, 3, 3)
    assert TrustedRoot.objects.filter(is_active=True).count() == 1
    assert KeyDevice.objects.filter(is_active=True).count() == 3, "the previous demo devices are retired"
    assert KeyDevice.objects.count() == 6
