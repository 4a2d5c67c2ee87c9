"""Signing set-up for tests that sign outgoing documents (tests/outgoing, tests/web, tests/browser…).

``signing_setup(kit, test_pki, settings)`` gives the kit's leader a registered personal certificate (``person-rsa``)
with a PKCS#12 key device and a signature image, the deputy one too (``person-ec``, ECDSA), the agency an
organisation certificate (``agency-rsa``) with a key device for the clerk and a seal image, trusts the test root
(a ``TrustedRoot`` row) and points ``VANTHU_TSA_URL`` at the test TSA. Everything goes through the real services.

    # conftest.py: from tests.outgoing.signing_kit import signing  # noqa: F401 -- (kit, test_pki, settings)

    def test_x(signing: SigningSetup) -> None:
        doc = signing.awaiting_signature()
        outgoing_sign_personal(actor=signing.kit.leader, document_id=doc.pk,
                               key_device_id=signing.leader_device.pk, pin=signing.leader_pin)

Pass pytest-django's ``settings`` fixture so the TSA setting is undone after the test; without it the setting is
changed for the rest of the process (harmless when every test uses the same session PKI).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from tests.builders import AgencyKit, pdf_bytes
from tests.outgoing.helpers import outgoing_input, simple_route
from tests.signing.signing_helpers import PASSPHRASE, blue_signature_png, red_seal_png
from vanthu.core.files import UploadedContent
from vanthu.documents.outgoing.inputs import TemplateInput
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.documents.outgoing.services import (
    outgoing_create,
    outgoing_number,
    outgoing_seal,
    outgoing_sign_personal,
    outgoing_submit,
    review_approve,
)
from vanthu.signing.config import signing_config_reset
from vanthu.signing.keys import certs_from_pem
from vanthu.signing.models import KeyDevice, SealImage, SignatureImage, TrustedRoot
from vanthu.signing.pki.testing import TestPki
from vanthu.signing.services import (
    key_device_import_pkcs12,
    seal_image_upload,
    signature_image_upload,
    trust_root_save,
)

PIN = PASSPHRASE.decode()
TEMPLATE_BODY = ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư.\n\n"
                 "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số năm 2026.\n\n"
                 "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.")


def configure_tsa(url: str, settings: Any = None) -> None:
    if settings is not None:
        settings.VANTHU_TSA_URL = url
    else:
        from django.conf import settings as django_settings

        django_settings.VANTHU_TSA_URL = url
    signing_config_reset()


@dataclass
class SigningSetup:
    kit: AgencyKit
    pki: TestPki
    trusted_root: TrustedRoot
    leader_device: KeyDevice  # person-rsa, PKCS#12, registered to kit.leader
    deputy_device: KeyDevice  # person-ec (ECDSA P-256), PKCS#12, registered to kit.deputy
    agency_device: KeyDevice  # agency-rsa, PKCS#12, the agency's (kit.clerk seals with it)
    signature_image: SignatureImage  # kit.leader's
    deputy_signature_image: SignatureImage
    seal_image: SealImage
    leader_pin: str = PIN
    deputy_pin: str = PIN
    agency_pin: str = PIN

    # -- documents at each step, through the real services -----------------------------------------------------

    def awaiting_signature(self, *, template: bool = True, type_code: str = "QUYET_DINH", signer: str = "leader",
                           **overrides: object) -> OutgoingDocument:
        """A draft (built-in ND30 template, or an uploaded plain PDF) reviewed and waiting for the signature."""
        kit = self.kit
        signer_actor = kit.leader if signer == "leader" else kit.deputy
        values: dict[str, object] = {"signing_capacity": "KT." if signer != "leader" else "",
                                     "signer_title": "Phó Giám đốc" if signer != "leader" else "Giám đốc",
                                     "signer_id": signer_actor.user.pk}
        values.update(overrides)
        data = outgoing_input(kit, type_code, **values)
        if template:
            document = outgoing_create(actor=kit.specialist, data=data, template=TemplateInput(
                body=TEMPLATE_BODY, authority="Giám đốc", place_name="Hà Nội"))
        else:
            document = outgoing_create(actor=kit.specialist, data=data,
                                       upload=UploadedContent("du-thao.pdf", pdf_bytes("Du thao van ban")))
        outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
        review_approve(actor=kit.finance_head, document_id=document.pk)
        review_approve(actor=kit.office_head, document_id=document.pk)
        return OutgoingDocument.objects.get(pk=document.pk)

    def signed(self, **kw: Any) -> OutgoingDocument:
        document = self.awaiting_signature(**kw)
        return outgoing_sign_personal(actor=self.kit.leader, document_id=document.pk,
                                      key_device_id=self.leader_device.pk, pin=self.leader_pin)

    def numbered(self, **kw: Any) -> OutgoingDocument:
        document = self.signed(**kw)
        return outgoing_number(actor=self.kit.clerk, document_id=document.pk)

    def sealed(self, **kw: Any) -> OutgoingDocument:
        document = self.numbered(**kw)
        return outgoing_seal(actor=self.kit.clerk, document_id=document.pk, key_device_id=self.agency_device.pk,
                             pin=self.agency_pin)


def trust_test_root(pki: TestPki) -> TrustedRoot:
    return trust_root_save(cert=certs_from_pem(pki.root_pem)[0], user=None, is_demo=True)


def signing_setup(kit: AgencyKit, test_pki: TestPki, settings: Any = None) -> SigningSetup:
    configure_tsa(test_pki.tsa_url, settings)
    root = trust_test_root(test_pki)
    signing_config_reset()

    def device(actor: Any, label: str, for_agency: bool = False) -> KeyDevice:
        return key_device_import_pkcs12(actor=actor, pkcs12_bytes=test_pki.identity(label).pkcs12(PASSPHRASE),
                                        passphrase=PIN, label=label, for_agency=for_agency)

    return SigningSetup(
        kit=kit, pki=test_pki, trusted_root=root,
        leader_device=device(kit.leader, "person-rsa"),
        deputy_device=device(kit.deputy, "person-ec"),
        agency_device=device(kit.clerk, "agency-rsa", for_agency=True),
        signature_image=signature_image_upload(actor=kit.leader, png=blue_signature_png()),
        deputy_signature_image=signature_image_upload(actor=kit.deputy, png=blue_signature_png()),
        seal_image=seal_image_upload(actor=kit.clerk, png=red_seal_png(), diameter_mm=40),
    )


@pytest.fixture
def signing(kit: AgencyKit, test_pki: TestPki, settings: Any) -> SigningSetup:
    return signing_setup(kit, test_pki, settings)


# --- SoftHSM2 ------------------------------------------------------------------------------------------------------

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"


@dataclass(frozen=True)
class SoftToken:
    module: str
    label: str
    pin: str


def _unload(module: str) -> None:
    import pkcs11

    pkcs11.unload(module)  # SoftHSM reads SOFTHSM2_CONF when it is (re)initialised


def softhsm_token_start(base: Path, test_pki: TestPki, labels: tuple[str, ...], *, label: str = "vanthu-kit",
                        pin: str = "123456") -> tuple[SoftToken, dict[str, str | None]]:
    """A fresh SoftHSM2 token in ``base`` holding the keys and certificates of the given test identities (object
    label = identity label). Returns the token and what to pass to :func:`softhsm_token_stop`."""
    (base / "tokens").mkdir(parents=True)
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\n")
    previous = {"SOFTHSM2_CONF": os.environ.get("SOFTHSM2_CONF")}
    os.environ["SOFTHSM2_CONF"] = str(conf)
    _unload(SOFTHSM_MODULE)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", "87654321",
                    "--pin", pin], check=True, capture_output=True, timeout=60)

    def tool(*args: str) -> None:
        subprocess.run(["pkcs11-tool", "--module", SOFTHSM_MODULE, "--token-label", label, "--login", "--pin", pin,
                        *args], check=True, capture_output=True, timeout=60)

    for index, ident_label in enumerate(labels, start=1):
        ident = test_pki.identity(ident_label)
        key = serialization.load_pem_private_key(ident.key_pem, password=None)
        key_file, cert_file = base / f"{ident_label}.key.der", base / f"{ident_label}.crt.der"
        key_file.write_bytes(key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        cert_file.write_bytes(certs_from_pem(ident.cert_pem)[0].dump())
        tool("--write-object", str(key_file), "--type", "privkey", "--label", ident_label, "--id", f"{index:02x}",
             "--usage-sign")
        tool("--write-object", str(cert_file), "--type", "cert", "--label", ident_label, "--id", f"{index:02x}")
        key_file.unlink()
    return SoftToken(module=SOFTHSM_MODULE, label=label, pin=pin), previous


def softhsm_token_stop(previous: dict[str, str | None]) -> None:
    _unload(SOFTHSM_MODULE)
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def soft_token_for(test_pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftToken]:
    """Body of a module-scoped fixture: a SoftHSM2 token with ``person-rsa`` and ``person-ec``."""
    token, previous = softhsm_token_start(tmp_path_factory.mktemp("softhsm-kit"), test_pki,
                                          ("person-rsa", "person-ec"))
    try:
        yield token
    finally:
        softhsm_token_stop(previous)


@pytest.fixture(scope="module")
def soft_token(test_pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftToken]:
    yield from soft_token_for(test_pki, tmp_path_factory)


# --- Checking the output ---------------------------------------------------------------------------------------------

RENDER_DPI = 100


def pdf_text(pdf: bytes, tmp: Path, *, name: str = "doc.pdf") -> str:
    """``pdftotext -layout`` of the whole document."""
    path = tmp / name
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout


def render_page(pdf: bytes, tmp: Path, page: int = 0) -> Any:
    """Page ``page`` (0-based) rendered by poppler at ``RENDER_DPI`` as an RGB Pillow image."""
    from PIL import Image

    path = tmp / f"render-{page}.pdf"
    path.write_bytes(pdf)
    prefix = tmp / f"page-{page}"
    subprocess.run(["pdftoppm", "-r", str(RENDER_DPI), "-png", "-f", str(page + 1), "-l", str(page + 1), str(path),
                    str(prefix)], check=True, timeout=60)
    [png] = sorted(tmp.glob(f"page-{page}*.png"))
    return Image.open(png).convert("RGB")


def box_pixels(img: Any, box: Any, page_height: float) -> list[tuple[int, int, int]]:
    scale = RENDER_DPI / 72
    x1, y1, x2, y2 = (float(v) for v in box)
    left, right = int(x1 * scale), int(x2 * scale)
    top, bottom = int((page_height - y2) * scale), int((page_height - y1) * scale)
    return [img.getpixel((x, y)) for x in range(max(left, 0), min(right, img.width))
            for y in range(max(top, 0), min(bottom, img.height))]


def is_blue(p: tuple[int, int, int]) -> bool:
    return p[2] > 150 and p[0] < 80 and p[1] < 110


def is_red(p: tuple[int, int, int]) -> bool:
    return p[0] > 170 and p[1] < 80 and p[2] < 80
