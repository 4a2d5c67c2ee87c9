"""“Chứng thư số của tôi” and “Chứng thư số cơ quan”: key devices, signature image and seal, against the real test
PKI (PKCS#12 from ``test_pki``, a SoftHSM2 token for PKCS#11)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.builders import AgencyKit, pdf_bytes
from tests.outgoing.signing_kit import (
    SOFTHSM_MODULE,
    SoftToken,
    softhsm_token_start,
    softhsm_token_stop,
    trust_test_root,
)
from tests.signing.signing_helpers import blue_signature_png, red_seal_png
from tests.web.conftest import LoginAs
from vanthu.core.models import AuditEvent, Blob
from vanthu.signing.config import signing_config_reset
from vanthu.signing.keys import certs_from_pem
from vanthu.signing.models import Certificate, CertificateKind, KeyDevice, SealImage, SignatureImage
from vanthu.signing.pki.testing import TestPki

pytestmark = pytest.mark.django_db

PASS = "Mat-khau-p12-123"


@pytest.fixture
def trusted(test_pki: TestPki) -> None:
    """The test PKI root is in the trust store, so imported certificates pass the usability check."""
    trust_test_root(test_pki)
    signing_config_reset()


def p12_upload(test_pki: TestPki, label: str, passphrase: str = PASS) -> SimpleUploadedFile:
    data = test_pki.identity(label).pkcs12(passphrase.encode())
    return SimpleUploadedFile("chung-thu.p12", data, content_type="application/x-pkcs12")


def _state() -> tuple[int, int, int, int, int]:
    return (Certificate.objects.count(), KeyDevice.objects.count(), KeyDevice.objects.filter(is_active=True).count(),
            SignatureImage.objects.count(), SealImage.objects.count())


def _text(response: Any) -> str:
    return str(response.content.decode())


def _import(client: Client, test_pki: TestPki, identity: str, *, agency: bool = False, **data: str) -> Any:
    url = reverse("web:signing_agency_import" if agency else "web:signing_mine_import")
    payload: dict[str, Any] = {"file": p12_upload(test_pki, identity), "passphrase": PASS, "label": ""}
    payload.update(data)
    return client.post(url, payload)


# --- anonymous -----------------------------------------------------------------------------------------------------

GET_PAGES = ["signing_mine", "signing_agency", "signing_mine_image_png", "signing_agency_image_png"]
POSTS = ["signing_mine_import", "signing_mine_token", "signing_mine_image", "signing_agency_import",
         "signing_agency_token", "signing_agency_image"]


@pytest.mark.parametrize("name", GET_PAGES)
def test_anonymous_is_sent_to_login(client: Client, name: str) -> None:
    response = client.get(reverse(f"web:{name}"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize("name", POSTS)
def test_anonymous_posts_change_nothing(client: Client, test_pki: TestPki, name: str) -> None:
    before = _state()
    response = client.post(reverse(f"web:{name}"), {"file": p12_upload(test_pki, "person-rsa"), "passphrase": PASS})
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    assert _state() == before


def test_anonymous_cannot_deactivate(client: Client, kit: AgencyKit, test_pki: TestPki, trusted: None,
                                     login_as: LoginAs) -> None:
    _import(login_as(kit.leader), test_pki, "person-rsa")
    device = KeyDevice.objects.get()
    client.logout()
    response = client.post(reverse("web:signing_mine_deactivate", args=[device.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    assert KeyDevice.objects.get().is_active


# --- my certificates -----------------------------------------------------------------------------------------------


def test_my_page_without_certificates_says_so(kit: AgencyKit, login_as: LoginAs) -> None:
    response = login_as(kit.specialist).get(reverse("web:signing_mine"))
    assert response.status_code == 200
    assert 'id="devices-empty"' in _text(response)
    assert 'id="signature-missing"' in _text(response)
    assert f'<option value="{SOFTHSM_MODULE}">libsofthsm2.so</option>' in _text(response)  # the allow-listed library


def test_pkcs12_import_lists_the_certificate_with_its_validity(kit: AgencyKit, test_pki: TestPki, trusted: None,
                                                               login_as: LoginAs) -> None:
    client = login_as(kit.leader)
    response = _import(client, test_pki, "person-rsa", label="Chữ ký chính")
    assert response.status_code == 302 and response["Location"] == reverse("web:signing_mine")
    device = KeyDevice.objects.select_related("certificate").get()
    cert = device.certificate
    assert (cert.kind, cert.owner_user_id, device.label) == (CertificateKind.PERSONAL, kit.leader.user.pk,
                                                              "Chữ ký chính")
    page = _text(client.get(reverse("web:signing_mine")))
    assert "Nguyễn Văn An" in page and cert.serial.upper() in page
    validity = f"{cert.not_before.astimezone().strftime('%d/%m/%Y')}"
    assert validity in page or f"{cert.not_before:%d/%m/%Y}" in page
    assert 'vt-cert-status">Còn hiệu lực<' in page
    assert AuditEvent.objects.filter(event_type="signing.key_device_added").count() == 1


def test_wrong_passphrase_is_reported_and_nothing_is_stored(kit: AgencyKit, test_pki: TestPki, trusted: None,
                                                            login_as: LoginAs) -> None:
    before = _state()
    response = _import(login_as(kit.leader), test_pki, "person-rsa", passphrase="sai-mat-khau")
    assert response.status_code == 200
    assert "Mật khẩu của tệp PKCS#12 không đúng." in _text(response)
    assert _state() == before


def test_a_file_that_is_not_pkcs12_is_refused(kit: AgencyKit, test_pki: TestPki, trusted: None,
                                              login_as: LoginAs) -> None:
    before = _state()
    client = login_as(kit.leader)
    der_cert = certs_from_pem(test_pki.identity("person-rsa").cert_pem)[0].dump()
    for name, data in (("van-ban.pdf", pdf_bytes()), ("chung-thu.cer", der_cert)):
        response = client.post(reverse("web:signing_mine_import"),
                               {"file": SimpleUploadedFile(name, data), "passphrase": PASS})
        assert "Tệp không phải chứng thư số PKCS#12 (.p12, .pfx)." in _text(response), name
    assert _state() == before


def test_an_oversized_pkcs12_is_refused(kit: AgencyKit, trusted: None, login_as: LoginAs) -> None:
    before = _state()
    big = SimpleUploadedFile("to.p12", b"0" * (100 * 1024 + 1))
    response = login_as(kit.leader).post(reverse("web:signing_mine_import"), {"file": big, "passphrase": PASS})
    assert "Tệp PKCS#12 vượt quá 100 KB." in _text(response)
    assert _state() == before


@pytest.mark.parametrize(("label", "message"), [("expired", "Chứng thư số đã hết hạn"),
                                                ("revoked", "Chứng thư số đã bị thu hồi")])
def test_an_unusable_certificate_is_refused(kit: AgencyKit, test_pki: TestPki, trusted: None, login_as: LoginAs,
                                            label: str, message: str) -> None:
    before = _state()
    response = _import(login_as(kit.leader), test_pki, label)
    assert response.status_code == 200
    assert message in _text(response)
    assert _state() == before


def test_deactivating_my_device(kit: AgencyKit, test_pki: TestPki, trusted: None, login_as: LoginAs) -> None:
    client = login_as(kit.leader)
    _import(client, test_pki, "person-rsa")
    device = KeyDevice.objects.get()
    response = client.post(reverse("web:signing_mine_deactivate", args=[device.pk]))
    assert response.status_code == 302
    device.refresh_from_db()
    assert not device.is_active
    assert 'id="devices-empty"' in _text(client.get(reverse("web:signing_mine")))


def test_someone_elses_device_is_not_found(kit: AgencyKit, test_pki: TestPki, trusted: None,
                                           login_as: LoginAs) -> None:
    _import(login_as(kit.leader), test_pki, "person-rsa")
    device = KeyDevice.objects.get()
    client = login_as(kit.deputy)
    assert client.post(reverse("web:signing_mine_deactivate", args=[device.pk])).status_code == 404
    assert client.post(reverse("web:signing_agency_deactivate", args=[device.pk])).status_code == 403
    assert KeyDevice.objects.get().is_active


def test_a_certificate_registered_to_someone_else_is_refused(kit: AgencyKit, test_pki: TestPki, trusted: None,
                                                             login_as: LoginAs) -> None:
    _import(login_as(kit.leader), test_pki, "person-rsa")
    before = _state()
    response = _import(login_as(kit.deputy), test_pki, "person-rsa")
    assert "Chứng thư số không thuộc về người ký" in _text(response)
    assert _state() == before


def test_pages_refuse_the_wrong_method(kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.leader)
    assert client.post(reverse("web:signing_mine")).status_code == 405
    assert client.get(reverse("web:signing_mine_import")).status_code == 405


# --- signature image -----------------------------------------------------------------------------------------------


def _png(mode: str, size: tuple[int, int] = (300, 120)) -> bytes:
    image = Image.new(mode, size, (0, 40, 200, 0) if mode == "RGBA" else (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_signature_image_is_stored_and_previewed_on_white_and_grey(kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.leader)
    png = blue_signature_png()
    response = client.post(reverse("web:signing_mine_image"), {"image": SimpleUploadedFile("chu-ky.png", png)})
    assert response.status_code == 302
    image = SignatureImage.objects.get(user=kit.leader.user, is_active=True)
    page = _text(client.get(reverse("web:signing_mine")))
    assert page.count(f'{reverse("web:signing_mine_image_png")}?v={image.pk}') == 2
    assert "background:#fff" in page and "background:#9a9a9a" in page
    served = client.get(reverse("web:signing_mine_image_png"))
    assert served["Content-Type"] == "image/png" and served.content == png


def test_my_image_is_mine_only(kit: AgencyKit, login_as: LoginAs) -> None:
    login_as(kit.leader).post(reverse("web:signing_mine_image"),
                              {"image": SimpleUploadedFile("chu-ky.png", blue_signature_png())})
    assert login_as(kit.deputy).get(reverse("web:signing_mine_image_png")).status_code == 404


@pytest.mark.parametrize(("data", "message"), [
    (pdf_bytes(), "Ảnh phải là tệp PNG."),
    (_png("RGB"), "Ảnh phải có nền trong suốt"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024), "Ảnh vượt quá 1024 KB."),
], ids=["pdf", "opaque", "oversized"])
def test_a_bad_signature_image_is_refused(kit: AgencyKit, login_as: LoginAs, data: bytes, message: str) -> None:
    before = (_state(), Blob.objects.count())
    response = login_as(kit.leader).post(reverse("web:signing_mine_image"),
                                         {"image": SimpleUploadedFile("chu-ky.png", data)})
    assert response.status_code == 200
    assert message in _text(response)
    assert (_state(), Blob.objects.count()) == before


# --- the agency's certificates and seal ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clerk", "admin"])
def test_agency_page_is_for_clerks_and_agency_admins(kit: AgencyKit, login_as: LoginAs, role: str) -> None:
    response = login_as(getattr(kit, role)).get(reverse("web:signing_agency"))
    assert response.status_code == 200
    assert kit.agency.name in _text(response)


@pytest.mark.parametrize("role", ["leader", "specialist", "finance_head"])
def test_agency_page_refuses_other_roles(kit: AgencyKit, test_pki: TestPki, login_as: LoginAs, role: str) -> None:
    client = login_as(getattr(kit, role))
    before = _state()
    assert client.get(reverse("web:signing_agency")).status_code == 403
    assert client.get(reverse("web:signing_agency_image_png")).status_code == 403
    assert _import(client, test_pki, "agency-rsa", agency=True).status_code == 403
    seal = {"image": SimpleUploadedFile("dau.png", red_seal_png()), "diameter_mm": "40"}
    assert client.post(reverse("web:signing_agency_image"), seal).status_code == 403
    assert _state() == before


def test_clerk_imports_the_agency_certificate(kit: AgencyKit, test_pki: TestPki, trusted: None,
                                              login_as: LoginAs) -> None:
    client = login_as(kit.clerk)
    response = _import(client, test_pki, "agency-rsa", agency=True)
    assert response.status_code == 302 and response["Location"] == reverse("web:signing_agency")
    cert = Certificate.objects.get()
    assert (cert.kind, cert.owner_agency_id) == (CertificateKind.ORGANISATION, kit.agency.pk)
    assert f'data-device="{KeyDevice.objects.get().pk}"' in _text(client.get(reverse("web:signing_agency")))
    # The agency's device is not one of the clerk's personal devices.
    assert 'id="devices-empty"' in _text(client.get(reverse("web:signing_mine")))


def test_a_personal_certificate_is_not_an_agency_certificate(kit: AgencyKit, test_pki: TestPki, trusted: None,
                                                             login_as: LoginAs) -> None:
    before = _state()
    response = _import(login_as(kit.clerk), test_pki, "person-rsa", agency=True)
    assert response.status_code == 200
    assert 'id="form-errors"' in _text(response)
    assert _state() == before


def test_agency_devices_of_another_agency_are_not_found(kit: AgencyKit, other_kit: AgencyKit, test_pki: TestPki,
                                                        trusted: None, login_as: LoginAs) -> None:
    _import(login_as(kit.clerk), test_pki, "agency-rsa", agency=True)
    device = KeyDevice.objects.get()
    client = login_as(other_kit.clerk)
    assert client.post(reverse("web:signing_agency_deactivate", args=[device.pk])).status_code == 404
    assert f'data-device="{device.pk}"' not in _text(client.get(reverse("web:signing_agency")))
    assert KeyDevice.objects.get().is_active
    assert login_as(kit.admin).post(reverse("web:signing_agency_deactivate", args=[device.pk])).status_code == 302
    assert not KeyDevice.objects.get().is_active


def test_seal_image_is_shown_at_its_real_size(kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.clerk)
    png = red_seal_png()
    response = client.post(reverse("web:signing_agency_image"),
                           {"image": SimpleUploadedFile("dau.png", png), "diameter_mm": "38"})
    assert response.status_code == 302
    seal = SealImage.objects.get(agency=kit.agency, is_active=True)
    assert str(seal.diameter_mm) == "38.0"
    page = _text(client.get(reverse("web:signing_agency")))
    assert "width:38.0mm;height:38.0mm" in page
    assert client.get(reverse("web:signing_agency_image_png")).content == png
    assert login_as(other_kit.clerk).get(reverse("web:signing_agency_image_png")).status_code == 404


@pytest.mark.parametrize("diameter", ["10", "61", "abc"])
def test_a_seal_diameter_out_of_range_is_refused(kit: AgencyKit, login_as: LoginAs, diameter: str) -> None:
    before = (_state(), Blob.objects.count())
    response = login_as(kit.clerk).post(reverse("web:signing_agency_image"),
                                        {"image": SimpleUploadedFile("dau.png", red_seal_png()),
                                         "diameter_mm": diameter})
    assert response.status_code == 200 and "invalid-feedback" in _text(response)
    assert (_state(), Blob.objects.count()) == before


# --- PKCS#11 (SoftHSM2) --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def softhsm(test_pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftToken]:
    """A SoftHSM2 token holding the key and certificate of ``person-rsa`` (object label ``person-rsa``)."""
    if not Path(SOFTHSM_MODULE).exists():
        pytest.skip("SoftHSM2 is missing: apt-get install softhsm2 opensc")
    token, previous = softhsm_token_start(tmp_path_factory.mktemp("softhsm-web"), test_pki, ("person-rsa",),
                                          label="vanthu-web", pin="246810")
    try:
        yield token
    finally:
        softhsm_token_stop(previous)


def _token_post(client: Client, token: SoftToken, **overrides: str) -> Any:
    data = {"module_path": token.module, "token_label": token.label, "key_label": "person-rsa", "pin": token.pin}
    data.update(overrides)
    return client.post(reverse("web:signing_mine_token"), data)


def test_pkcs11_token_is_registered_without_its_pin(softhsm: SoftToken, kit: AgencyKit, trusted: None,
                                                    login_as: LoginAs) -> None:
    client = login_as(kit.leader)
    response = _token_post(client, softhsm)
    assert response.status_code == 302
    device = KeyDevice.objects.select_related("certificate").get()
    assert (device.kind, device.pkcs11_module, device.pkcs11_token_label, device.pkcs11_key_label) == (
        "PKCS11", softhsm.module, softhsm.label, "person-rsa")
    assert device.certificate.owner_user_id == kit.leader.user.pk
    assert softhsm.pin not in str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert f"{softhsm.label} / person-rsa" in _text(client.get(reverse("web:signing_mine")))


def test_pkcs11_wrong_pin_is_reported_on_the_pin(softhsm: SoftToken, kit: AgencyKit, trusted: None,
                                                 login_as: LoginAs) -> None:
    before = _state()
    response = _token_post(login_as(kit.leader), softhsm, pin="000000")
    assert response.status_code == 200
    assert "Mã PIN không đúng" in _text(response)
    assert _state() == before


def test_pkcs11_module_outside_the_allow_list_is_refused(kit: AgencyKit, login_as: LoginAs) -> None:
    before = _state()
    token = SoftToken(module="/opt/khac/libkhac.so", label="x", pin="1")
    response = _token_post(login_as(kit.leader), token)
    assert response.status_code == 200
    assert "invalid-feedback" in _text(response)
    assert _state() == before
