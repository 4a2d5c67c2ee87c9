"""Signing services: key devices (PKCS#12 import, PKCS#11 registration), images, the trust store, configuration and
stored PDF checks — against the real test PKI and SoftHSM2."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import pem
from PIL import Image

from tests.builders import AgencyKit, pdf_bytes
from tests.outgoing.signing_kit import PIN, SoftToken, configure_tsa, soft_token_for, trust_test_root
from tests.signing.signing_helpers import PASSPHRASE, blue_signature_png, p12_source, red_seal_png
from vanthu.core.blobs import blob_store
from vanthu.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from vanthu.core.models import AuditEvent
from vanthu.organizations.actor import Actor
from vanthu.organizations.services import user_create
from vanthu.signing.config import (
    signing_config_reset,
    signing_timestamper,
    signing_trust_roots,
    signing_validation_context,
)
from vanthu.signing.errors import CertificateNotOwnedError, WrongPinError
from vanthu.signing.keys import Pkcs12KeySource, certs_from_pem
from vanthu.signing.models import Certificate, CertificateKind, KeyDevice, SealImage, SignatureImage, TrustedRoot
from vanthu.signing.pades import pdf_sign
from vanthu.signing.pki.testing import TestPki
from vanthu.signing.selectors import (
    key_device_key_source,
    key_devices_for,
    seal_image_for,
    signature_image_for,
    trust_roots_list,
)
from vanthu.signing.services import (
    key_device_deactivate,
    key_device_import_pkcs12,
    key_device_register_pkcs11,
    pdf_check,
    seal_image_upload,
    signature_image_upload,
    trust_root_import,
    trust_root_set_active,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def soft_token(test_pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftToken]:
    yield from soft_token_for(test_pki, tmp_path_factory)


@pytest.fixture
def trusted(test_pki: TestPki, settings: Any) -> TestPki:
    configure_tsa(test_pki.tsa_url, settings)
    trust_test_root(test_pki)
    signing_config_reset()
    return test_pki


def _p12(pki: TestPki, label: str, passphrase: bytes = PASSPHRASE) -> bytes:
    return pki.identity(label).pkcs12(passphrase)


def _nothing_stored() -> None:
    assert not KeyDevice.objects.exists() and not Certificate.objects.exists()


# --- PKCS#12 import --------------------------------------------------------------------------------------------


def test_pkcs12_import_registers_the_certificate_and_stores_it_re_encrypted(trusted: TestPki, kit: AgencyKit) -> None:
    original = _p12(trusted, "person-rsa")
    device = key_device_import_pkcs12(actor=kit.leader, pkcs12_bytes=original, passphrase=PIN, label="Tệp ký")
    assert device.certificate.kind == CertificateKind.PERSONAL
    assert device.certificate.owner_user_id == kit.leader.user.pk and device.label == "Tệp ký"
    stored = bytes(device.pkcs12_encrypted)  # type: ignore[arg-type]
    assert stored != original and PASSPHRASE not in stored
    source = key_device_key_source(device, PIN)
    assert source.certificate.sha256.hex() == device.certificate.fingerprint_sha256
    with pytest.raises(WrongPinError):
        Pkcs12KeySource(pkcs12_bytes=stored, passphrase=b"sai-mat-khau")
    with pytest.raises(WrongPinError):
        key_device_key_source(device, "sai-mat-khau")
    assert AuditEvent.objects.filter(event_type="signing.key_device_added", target_id=str(device.pk)).exists()
    assert list(key_devices_for(actor=kit.leader, kind=CertificateKind.PERSONAL)) == [device]
    assert not key_devices_for(actor=kit.deputy, kind=CertificateKind.PERSONAL).exists()


@pytest.mark.parametrize(("data", "passphrase", "code"), [
    ("person-rsa", "sai-mat-khau", "signing.wrong_pin"),
    (b"khong phai PKCS#12", PIN, "signing.not_pkcs12"),
    (b"\x30\x82" + bytes(200 * 1024), PIN, "signing.pkcs12_too_large"),
    ("expired", PIN, "signing.certificate_expired"),
    ("not-yet-valid", PIN, "signing.certificate_not_yet_valid"),
    ("revoked", PIN, "signing.certificate_revoked"),
    ("agency-rsa", PIN, "signing.certificate_kind"),
])
def test_pkcs12_import_refusals_store_nothing(
    trusted: TestPki, kit: AgencyKit, data: str | bytes, passphrase: str, code: str,
) -> None:
    content = _p12(trusted, data) if isinstance(data, str) else data
    with pytest.raises(ApplicationError) as info:
        key_device_import_pkcs12(actor=kit.leader, pkcs12_bytes=content, passphrase=passphrase)
    assert info.value.code == code
    _nothing_stored()


def test_import_refuses_an_untrusted_chain(test_pki: TestPki, kit: AgencyKit, settings: Any) -> None:
    configure_tsa(test_pki.tsa_url, settings)  # but no trusted root
    with pytest.raises(ApplicationError) as info:
        key_device_import_pkcs12(actor=kit.leader, pkcs12_bytes=_p12(test_pki, "person-rsa"), passphrase=PIN)
    assert info.value.code == "signing.certificate_untrusted"
    _nothing_stored()


def test_certificate_of_another_user_or_agency_is_refused(
    trusted: TestPki, kit: AgencyKit, other_kit: AgencyKit,
) -> None:
    key_device_import_pkcs12(actor=kit.leader, pkcs12_bytes=_p12(trusted, "person-rsa"), passphrase=PIN)
    with pytest.raises(CertificateNotOwnedError):
        key_device_import_pkcs12(actor=kit.deputy, pkcs12_bytes=_p12(trusted, "person-rsa"), passphrase=PIN)
    key_device_import_pkcs12(actor=kit.clerk, pkcs12_bytes=_p12(trusted, "agency-rsa"), passphrase=PIN,
                             for_agency=True)
    with pytest.raises(CertificateNotOwnedError):
        key_device_import_pkcs12(actor=other_kit.clerk, pkcs12_bytes=_p12(trusted, "agency-rsa"), passphrase=PIN,
                                 for_agency=True)
    assert KeyDevice.objects.count() == 2


def test_agency_devices_are_for_clerks_and_agency_admins(trusted: TestPki, kit: AgencyKit) -> None:
    with pytest.raises(PermissionDeniedError):
        key_device_import_pkcs12(actor=kit.specialist, pkcs12_bytes=_p12(trusted, "agency-rsa"), passphrase=PIN,
                                 for_agency=True)
    with pytest.raises(ApplicationError) as info:
        key_device_import_pkcs12(actor=kit.clerk, pkcs12_bytes=_p12(trusted, "person-rsa"), passphrase=PIN,
                                 for_agency=True)
    assert info.value.code == "signing.certificate_kind"
    _nothing_stored()
    device = key_device_import_pkcs12(actor=kit.admin, pkcs12_bytes=_p12(trusted, "agency-rsa"), passphrase=PIN,
                                      for_agency=True)
    assert device.certificate.owner_agency_id == kit.agency.pk
    for actor in (kit.clerk, kit.admin):
        assert list(key_devices_for(actor=actor, kind=CertificateKind.ORGANISATION)) == [device]
    for actor in (kit.leader, kit.specialist):
        assert not key_devices_for(actor=actor, kind=CertificateKind.ORGANISATION).exists()

    with pytest.raises(NotFoundError):
        key_device_deactivate(actor=kit.specialist, device_id=device.pk)
    key_device_deactivate(actor=kit.clerk, device_id=device.pk)
    assert not KeyDevice.objects.get(pk=device.pk).is_active
    assert not key_devices_for(actor=kit.clerk, kind=CertificateKind.ORGANISATION).exists()


def test_personal_device_deactivated_only_by_its_owner(trusted: TestPki, kit: AgencyKit) -> None:
    device = key_device_import_pkcs12(actor=kit.leader, pkcs12_bytes=_p12(trusted, "person-rsa"), passphrase=PIN)
    for actor in (kit.deputy, kit.clerk, kit.admin):
        with pytest.raises(NotFoundError):
            key_device_deactivate(actor=actor, device_id=device.pk)
    key_device_deactivate(actor=kit.leader, device_id=device.pk)
    assert AuditEvent.objects.filter(event_type="signing.key_device_deactivated").count() == 1


# --- PKCS#11 ---------------------------------------------------------------------------------------------------


def test_pkcs11_token_key_is_registered_after_one_login(
    trusted: TestPki, kit: AgencyKit, soft_token: SoftToken, settings: Any,
) -> None:
    with pytest.raises(WrongPinError):
        key_device_register_pkcs11(actor=kit.leader, module_path=soft_token.module, token_label=soft_token.label,
                                   key_label="person-rsa", pin="000000")
    settings.VANTHU_PKCS11_MODULES = []
    with pytest.raises(ApplicationError) as info:
        key_device_register_pkcs11(actor=kit.leader, module_path=soft_token.module, token_label=soft_token.label,
                                   key_label="person-rsa", pin=soft_token.pin)
    assert info.value.code == "signing.pkcs11_module_not_allowed"
    _nothing_stored()
    settings.VANTHU_PKCS11_MODULES = [soft_token.module]
    device = key_device_register_pkcs11(actor=kit.leader, module_path=soft_token.module,
                                        token_label=soft_token.label, key_label="person-rsa", pin=soft_token.pin)
    assert device.kind == "PKCS11" and not device.pkcs12_encrypted
    assert device.pkcs11_token_label == soft_token.label and device.pkcs11_key_label == "person-rsa"
    assert soft_token.pin not in json.dumps(list(AuditEvent.objects.values_list("data", flat=True)))
    assert device.certificate.owner_user_id == kit.leader.user.pk


# --- Images ----------------------------------------------------------------------------------------------------


def _png(mode: str, size: tuple[int, int] = (300, 120), colour: Any = (0, 40, 200, 0)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(("png", "code"), [
    (b"GIF89a not a png", "signing.image_not_png"),
    (b"\x89PNG\r\n\x1a\n broken", "signing.image_not_png"),
    (_png("RGB", colour=(0, 40, 200)), "signing.image_not_transparent"),
    (_png("RGBA", colour=(0, 40, 200, 255)), "signing.image_not_transparent"),
    (_png("RGBA", size=(2100, 100)), "signing.image_size"),
    (b"\x89PNG\r\n\x1a\n" + bytes(1024 * 1024 + 1), "signing.image_too_large"),
])
def test_signature_image_must_be_a_transparent_png(kit: AgencyKit, png: bytes, code: str) -> None:
    with pytest.raises(ApplicationError) as info:
        signature_image_upload(actor=kit.leader, png=png)
    assert info.value.code == code
    assert not SignatureImage.objects.exists()


def test_new_signature_image_replaces_the_old_one(kit: AgencyKit) -> None:
    first = signature_image_upload(actor=kit.leader, png=blue_signature_png())
    second = signature_image_upload(actor=kit.leader, png=_png("RGBA", colour=(0, 0, 255, 0)))
    assert signature_image_for(kit.leader.user) == second
    assert not SignatureImage.objects.get(pk=first.pk).is_active
    assert signature_image_for(kit.deputy.user) is None


def test_seal_image_for_clerks_and_admins_with_a_real_diameter(kit: AgencyKit) -> None:
    with pytest.raises(PermissionDeniedError):
        seal_image_upload(actor=kit.leader, png=red_seal_png(), diameter_mm=40)
    for diameter in (15, 61, "abc"):
        with pytest.raises(ApplicationError) as info:
            seal_image_upload(actor=kit.clerk, png=red_seal_png(), diameter_mm=diameter)
        assert info.value.code == "signing.seal_diameter"
    assert not SealImage.objects.exists()
    seal = seal_image_upload(actor=kit.clerk, png=red_seal_png(), diameter_mm="36.5")
    assert seal.dpi == 300 and str(seal.diameter_mm) == "36.5"
    again = seal_image_upload(actor=kit.admin, png=red_seal_png(), diameter_mm=40)
    assert seal_image_for(kit.agency) == again


# --- Trust store and configuration -----------------------------------------------------------------------------


def _sysadmin() -> Actor:
    user = user_create(actor=None, username="quantri.hethong", full_name="Quản trị hệ thống", password=None)
    user.is_superuser = True
    user.save()
    return Actor(user=user, membership=None)


def test_trust_root_import_for_system_admins_only(test_pki: TestPki, kit: AgencyKit) -> None:
    bundle = test_pki.root_pem + test_pki.intermediate_pem
    for actor in (kit.admin, kit.clerk):
        with pytest.raises(PermissionDeniedError):
            trust_root_import(actor=actor, data=bundle)
    admin = _sysadmin()
    rows = trust_root_import(actor=admin, data=bundle)
    assert len(rows) == 2 and TrustedRoot.objects.count() == 2
    assert trust_root_import(actor=admin, data=bundle) == rows, "idempotent"
    der = pem.unarmor(test_pki.root_pem)[2]
    assert trust_root_import(actor=admin, data=der) == rows[:1]
    assert AuditEvent.objects.filter(event_type="signing.trust_root_imported").count() == 2

    with pytest.raises(ApplicationError) as info:
        trust_root_import(actor=admin, data=test_pki.identity("person-rsa").cert_pem)
    assert info.value.code == "trust_root_not_ca"
    with pytest.raises(ApplicationError) as info:
        trust_root_import(actor=admin, data=b"-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n")
    assert info.value.code == "trust_root_unreadable"
    assert TrustedRoot.objects.count() == 2

    root = rows[0]
    with pytest.raises(PermissionDeniedError):
        trust_root_set_active(actor=kit.admin, root_id=root.pk, active=False)
    trust_root_set_active(actor=admin, root_id=root.pk, active=False)
    signing_config_reset()
    assert root.fingerprint_sha256 not in {c.sha256.hex() for c in signing_trust_roots()}
    assert list(trust_roots_list())[-1].pk == root.pk, "inactive roots listed last"


def test_trust_roots_come_from_the_store_and_from_files(
    test_pki: TestPki, tmp_path: Path, settings: Any, db: None,
) -> None:
    signing_config_reset()
    assert signing_trust_roots() == []
    path = tmp_path / "roots.pem"
    path.write_bytes(test_pki.root_pem)
    settings.VANTHU_TRUST_ROOTS = [str(path)]
    [root] = signing_trust_roots()
    assert root.sha256 == certs_from_pem(test_pki.root_pem)[0].sha256
    trust_test_root(test_pki)
    assert len(signing_trust_roots()) == 1, "the same root from both sources counts once"
    settings.VANTHU_TRUST_ROOTS = [str(tmp_path / "khong-co.pem")]
    with pytest.raises(ApplicationError):
        signing_trust_roots()


def test_timestamp_authority_from_settings_or_the_demo_manifest(tmp_path: Path, settings: Any) -> None:
    settings.VANTHU_TSA_URL = ""
    settings.VANTHU_DEMO_PKI_DIR = str(tmp_path)
    signing_config_reset()
    with pytest.raises(ApplicationError) as info:
        signing_timestamper()
    assert info.value.code == "signing.no_tsa"
    (tmp_path / "manifest.json").write_text(json.dumps({"services": {"tsa_url": "http://127.0.0.1:9/tsa"}}))
    assert signing_timestamper().url == "http://127.0.0.1:9/tsa"  # type: ignore[attr-defined]
    settings.VANTHU_TSA_URL = "http://127.0.0.1:10/tsa"
    assert signing_timestamper().url == "http://127.0.0.1:10/tsa"  # type: ignore[attr-defined]
    assert signing_timestamper() is signing_timestamper(), "one client per URL"


# --- Stored checks ---------------------------------------------------------------------------------------------


def test_pdf_check_records_the_kind_of_each_valid_signature(trusted: TestPki) -> None:
    context = trusted.validation_context()
    agency_only = pdf_sign(pdf=pdf_bytes(), key_source=p12_source(trusted, "agency-rsa"), appearance=None,
                           field_name="Seal", validation_context=context, timestamp_url=trusted.tsa_url)
    check = pdf_check(blob=blob_store(content=agency_only, content_type="application/pdf"))
    assert (check.verdict, check.signature_count) == ("TOTAL_PASSED", 1)
    assert check.has_valid_organisation and not check.has_valid_personal
    assert check.report["signatures"][0]["certificate_kind"] == "ORGANISATION"

    unsigned = pdf_check(blob=blob_store(content=pdf_bytes("khong ky"), content_type="application/pdf"))
    assert unsigned.verdict == "INDETERMINATE" and unsigned.signature_count == 0


def test_pdf_check_without_trust_is_undetermined(test_pki: TestPki, db: None) -> None:
    signing_config_reset()
    signed = pdf_sign(pdf=pdf_bytes(), key_source=p12_source(test_pki, "person-rsa"), appearance=None,
                      field_name="Sig", validation_context=test_pki.validation_context(),
                      timestamp_url=test_pki.tsa_url)
    check = pdf_check(blob=blob_store(content=signed, content_type="application/pdf"))
    assert check.verdict == "INDETERMINATE" and not check.has_valid_personal
    assert signing_validation_context() is not signing_validation_context(), "a fresh context per operation"

