"""Reads of the signing app: the actor's key devices, trusted roots, signature and seal images, key sources."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import Agency, User
from vanthu.signing.errors import KeyUnavailableError
from vanthu.signing.keys import KeySource, Pkcs11KeySource, Pkcs12KeySource, certs_from_pem
from vanthu.signing.models import (
    CertificateKind,
    KeyDevice,
    KeyDeviceKind,
    PdfCheck,
    SealImage,
    SignatureImage,
    TrustedRoot,
)
from vanthu.signing.validation.report import Indication, verdict_for


def key_devices_for(*, actor: Actor, kind: str) -> QuerySet[KeyDevice]:
    """Active key devices the actor may sign with: PERSONAL — their own; ORGANISATION — their agency's, for its
    clerks and agency administrators (only clerks may actually seal). Anyone else gets an empty list."""
    qs = KeyDevice.objects.filter(is_active=True, certificate__kind=kind).select_related("certificate")
    if kind == CertificateKind.PERSONAL:
        return qs.filter(certificate__owner_user=actor.user).order_by("-created_at", "-id")
    if kind == CertificateKind.ORGANISATION and actor.agency_id is not None and (
        actor.is_clerk or actor.is_agency_admin
    ):
        return qs.filter(certificate__owner_agency_id=actor.agency_id).order_by("-created_at", "-id")
    return qs.none()


def trust_roots_list() -> QuerySet[TrustedRoot]:
    return TrustedRoot.objects.order_by("-is_active", "subject", "id")


def signature_image_for(user: User) -> SignatureImage | None:
    return SignatureImage.objects.filter(user=user, is_active=True).select_related("image").order_by("-id").first()


def seal_image_for(agency: Agency) -> SealImage | None:
    return SealImage.objects.filter(agency=agency, is_active=True).select_related("image").order_by("-id").first()


def key_device_key_source(device: KeyDevice, pin: str | bytes) -> KeySource:
    """The unlocked key of ``device``: a PKCS#12 container decrypted in memory with the PIN (= the owner's
    passphrase; a wrong one raises ``signing.wrong_pin``), or a PKCS#11 locator that logs in with the PIN when
    opened."""
    if not device.is_active:
        raise KeyUnavailableError({"device": device.pk})
    if device.kind == KeyDeviceKind.PKCS12:
        if not device.pkcs12_encrypted:
            raise KeyUnavailableError({"device": device.pk})
        secret = pin.encode("utf-8") if isinstance(pin, str) else pin
        return Pkcs12KeySource(pkcs12_bytes=bytes(device.pkcs12_encrypted), passphrase=secret)
    if device.kind == KeyDeviceKind.PKCS11:
        return Pkcs11KeySource(
            module_path=device.pkcs11_module, token_label=device.pkcs11_token_label,
            key_label=device.pkcs11_key_label, pin=pin.decode("utf-8") if isinstance(pin, bytes) else pin,
            cert=certs_from_pem(device.certificate.pem.encode("ascii"))[0],
        )
    raise ApplicationError("signing.remote_not_supported",
                           _("Thiết bị ký từ xa chưa được hỗ trợ ở bước này."), {"device": device.pk})


def pdf_check_latest(blob_id: int) -> PdfCheck | None:
    return PdfCheck.objects.filter(blob_id=blob_id).order_by("-checked_at", "-id").first()


def pdf_check_verdict_text(check: PdfCheck) -> str:
    """The Vietnamese verdict (hợp lệ / không hợp lệ / chưa xác định) of a stored check, in the current language."""
    try:
        return verdict_for(Indication(check.verdict))
    except ValueError:
        return verdict_for(Indication.INDETERMINATE)
