"""Signing services: certificates, key devices, signature and seal images, the trust store, stored PDF checks.

Every write is audited. PINs and passphrases are never stored: a PKCS#12 container is re-encrypted under the
owner's passphrase (which is also the PIN typed when signing), a PKCS#11 device is stored as a locator.
"""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from asn1crypto import pem
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pyhanko_certvalidator import ValidationContext

from vanthu.core.audit import audit_record
from vanthu.core.blobs import blob_read, blob_store
from vanthu.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from vanthu.core.models import Blob
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import Agency, User
from vanthu.signing.errors import CertificateNotOwnedError
from vanthu.signing.keys import KeySource, Pkcs11KeySource, Pkcs12KeySource, pkcs12_protect
from vanthu.signing.models import (
    Certificate,
    CertificateKind,
    KeyDevice,
    KeyDeviceKind,
    PdfCheck,
    SealImage,
    SignatureImage,
    TrustedRoot,
)

PKCS12_MAX_BYTES = 100 * 1024
IMAGE_MAX_BYTES = 1024 * 1024
IMAGE_MAX_PIXELS = 2000
SEAL_MIN_MM, SEAL_MAX_MM = Decimal(20), Decimal(60)
PNG = "image/png"


def fingerprint(cert: asn1_x509.Certificate) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def _pem(cert: asn1_x509.Certificate) -> str:
    armored: bytes = pem.armor("CERTIFICATE", cert.dump())
    return armored.decode("ascii")


@transaction.atomic
def certificate_register(
    *, actor: Actor | None, cert: asn1_x509.Certificate, owner_user: User | None = None,
    owner_agency: Agency | None = None,
) -> Certificate:
    """Record a signing certificate for a user (personal) or an agency (organisation). Idempotent per cert."""
    existing = Certificate.objects.filter(fingerprint_sha256=fingerprint(cert)).first()
    if existing is not None:
        return existing
    row = Certificate.objects.create(
        kind=CertificateKind.PERSONAL if owner_user is not None else CertificateKind.ORGANISATION,
        owner_user=owner_user, owner_agency=owner_agency,
        pem=_pem(cert),
        subject=cert.subject.human_friendly[:500], issuer=cert.issuer.human_friendly[:500],
        serial=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before, not_after=cert.not_valid_after,
        fingerprint_sha256=fingerprint(cert),
    )
    audit_record(
        actor=actor.user if actor else None, event_type="signing.certificate_registered", target=row,
        agency=owner_agency, data={"serial": row.serial, "kind": row.kind},
    )
    return row


def certificate_assert_usable_by(*, actor: Actor, cert: asn1_x509.Certificate, kind: str) -> Certificate:
    """The certificate must be registered to the acting user (personal) or to the actor's agency (organisation,
    used by the agency's clerk). Anything else is refused with ``signing.certificate_not_owned``."""
    row = Certificate.objects.filter(fingerprint_sha256=fingerprint(cert), kind=kind).first()
    if row is None:
        raise CertificateNotOwnedError()
    if kind == CertificateKind.PERSONAL and row.owner_user_id != actor.user.pk:
        raise CertificateNotOwnedError()
    if kind == CertificateKind.ORGANISATION and (
        row.owner_agency_id is None or row.owner_agency_id != actor.agency_id or not actor.is_clerk
    ):
        raise CertificateNotOwnedError()
    return row


# --- Key devices -------------------------------------------------------------------------------------------------


def _secret(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def _require_agency_keeper(actor: Actor) -> Agency:
    """Clerks and agency administrators look after the agency's certificate and seal."""
    if actor.agency is None or not (actor.is_clerk or actor.is_agency_admin):
        raise PermissionDeniedError(
            "forbidden", _("Chỉ văn thư hoặc quản trị cơ quan được quản lý chứng thư số và con dấu của cơ quan."))
    return actor.agency


def certificate_check_usable_now(key_source: KeySource) -> None:
    """Validity period, chain to a trusted root and revocation (OCSP/CRL), as checked before any signature."""
    from vanthu.signing.config import signing_validation_context
    from vanthu.signing.signers import async_check_certificate_usable, run_with_context

    context = signing_validation_context()
    run_with_context(async_check_certificate_usable(
        cert=key_source.certificate, chain=key_source.chain, validation_context=context), context)


def _certificate_for_device(actor: Actor, cert: asn1_x509.Certificate, for_agency: bool) -> Certificate:
    """Register (or find) the certificate for its owner, refusing a certificate of the wrong kind or one that is
    already registered to someone else."""
    from vanthu.signing.validation.certificates import certificate_kind
    from vanthu.signing.validation.report import CertificateKind as SubjectKind

    subject_kind = certificate_kind(cert)
    if for_agency and subject_kind is not SubjectKind.ORGANISATION:
        raise ApplicationError("signing.certificate_kind",
                               _("Đây là chứng thư số cá nhân, không dùng làm chứng thư số của cơ quan."))
    if not for_agency and subject_kind is not SubjectKind.PERSONAL:
        raise ApplicationError("signing.certificate_kind",
                               _("Đây là chứng thư số của cơ quan, tổ chức, không dùng làm chứng thư số cá nhân."))
    existing = Certificate.objects.filter(fingerprint_sha256=fingerprint(cert)).first()
    if for_agency:
        agency = actor.agency
        assert agency is not None
        if existing is not None and existing.owner_agency_id != agency.pk:
            raise CertificateNotOwnedError()
        return certificate_register(actor=actor, cert=cert, owner_agency=agency)
    if existing is not None and existing.owner_user_id != actor.user.pk:
        raise CertificateNotOwnedError()
    return certificate_register(actor=actor, cert=cert, owner_user=actor.user)


def _check_pkcs12_container(data: bytes) -> None:
    if len(data) > PKCS12_MAX_BYTES:
        raise ApplicationError("signing.pkcs12_too_large",
                               _("Tệp chứng thư số quá lớn (tối đa %(kb)d KB).") % {"kb": PKCS12_MAX_BYTES // 1024})
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        pfx["auth_safe"]["content_type"].native  # noqa: B018 -- parse eagerly
    except (ValueError, TypeError, KeyError) as exc:
        raise ApplicationError("signing.not_pkcs12",
                               _("Tệp tải lên không phải chứng thư số PKCS#12 (.p12, .pfx).")) from exc


def key_device_import_pkcs12(
    *, actor: Actor, pkcs12_bytes: bytes, passphrase: str | bytes, label: str = "", for_agency: bool = False,
) -> KeyDevice:
    """Import a PKCS#12 file (.p12/.pfx) as a key device: the user's own personal certificate, or — for a clerk or
    agency administrator with ``for_agency`` — the agency's organisation certificate.

    The certificate must be usable now (validity, trusted chain, not revoked). The container is re-encrypted
    (PBES2/AES-256) under the same passphrase, which the owner types as the PIN when signing; the original bytes
    are not kept."""
    if for_agency:
        _require_agency_keeper(actor)
    _check_pkcs12_container(pkcs12_bytes)
    secret = _secret(passphrase)
    source = Pkcs12KeySource(pkcs12_bytes=pkcs12_bytes, passphrase=secret)  # wrong passphrase → signing.wrong_pin
    certificate_check_usable_now(source)
    protected = pkcs12_protect(pkcs12_bytes=pkcs12_bytes, passphrase=secret)
    with transaction.atomic():
        row = _certificate_for_device(actor, source.certificate, for_agency)
        device = KeyDevice.objects.create(
            kind=KeyDeviceKind.PKCS12, certificate=row, label=label.strip()[:100] or row.subject[:100],
            pkcs12_encrypted=protected,
        )
        audit_record(actor=actor.user, event_type="signing.key_device_added", target=device,
                     agency=row.owner_agency,
                     data={"kind": device.kind, "certificate": row.pk, "serial": row.serial, "for_agency": for_agency})
    return device


def pkcs11_modules_allowed() -> list[str]:
    return list(getattr(settings, "VANTHU_PKCS11_MODULES", []) or [])


def key_device_register_pkcs11(
    *, actor: Actor, module_path: str, token_label: str, key_label: str, pin: str, for_agency: bool = False,
    label: str = "",
) -> KeyDevice:
    """Register a key on a PKCS#11 token or HSM. The module must be on the administrator's allow-list
    (``VANTHU_PKCS11_MODULES``: loading a library is running its code). The certificate is read from the token
    (object with the key's label) after one login with ``pin``; the PIN is not stored."""
    if for_agency:
        _require_agency_keeper(actor)
    if module_path not in pkcs11_modules_allowed():
        raise ApplicationError("signing.pkcs11_module_not_allowed",
                               _("Thư viện PKCS#11 này chưa được quản trị hệ thống cho phép."),
                               {"module": module_path})
    if not token_label.strip() or not key_label.strip():
        raise ApplicationError("signing.pkcs11_labels", _("Phải nhập nhãn thiết bị (token) và nhãn khóa."))
    source = Pkcs11KeySource(module_path=module_path, token_label=token_label.strip(),
                             key_label=key_label.strip(), pin=pin)
    cert = source.certificate  # one login: wrong PIN → signing.wrong_pin
    certificate_check_usable_now(source)
    with transaction.atomic():
        row = _certificate_for_device(actor, cert, for_agency)
        device = KeyDevice.objects.create(
            kind=KeyDeviceKind.PKCS11, certificate=row, label=label.strip()[:100] or f"{token_label}/{key_label}",
            pkcs11_module=module_path, pkcs11_token_label=token_label.strip(), pkcs11_key_label=key_label.strip(),
        )
        audit_record(actor=actor.user, event_type="signing.key_device_added", target=device,
                     agency=row.owner_agency,
                     data={"kind": device.kind, "certificate": row.pk, "serial": row.serial, "for_agency": for_agency})
    return device


def _may_manage_device(actor: Actor, device: KeyDevice) -> bool:
    cert = device.certificate
    if cert.kind == CertificateKind.PERSONAL:
        return cert.owner_user_id == actor.user.pk
    return (cert.owner_agency_id is not None and cert.owner_agency_id == actor.agency_id
            and (actor.is_clerk or actor.is_agency_admin))


@transaction.atomic
def key_device_deactivate(*, actor: Actor, device_id: int) -> KeyDevice:
    """Stop using a key device (its owner; for the agency's device a clerk or agency administrator)."""
    device = KeyDevice.objects.select_for_update().select_related("certificate").filter(pk=device_id).first()
    if device is None or not _may_manage_device(actor, device):
        raise NotFoundError("not_found", _("Không tìm thấy thiết bị ký."))
    if device.is_active:
        device.is_active = False
        device.save(update_fields=["is_active"])
        audit_record(actor=actor.user, event_type="signing.key_device_deactivated", target=device,
                     agency=device.certificate.owner_agency, data={"kind": device.kind})
    return device


# --- Signature and seal images -----------------------------------------------------------------------------------


def _check_png(png: bytes) -> Image.Image:
    """A real PNG with an alpha channel (transparent background), at most 1 MB and 2000 px a side."""
    if len(png) > IMAGE_MAX_BYTES:
        raise ApplicationError("signing.image_too_large", _("Ảnh quá lớn (tối đa 1 MB)."))
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ApplicationError("signing.image_not_png", _("Ảnh phải là tệp PNG."))
    try:
        image = Image.open(io.BytesIO(png))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ApplicationError("signing.image_not_png", _("Ảnh phải là tệp PNG.")) from exc
    if image.format != "PNG":
        raise ApplicationError("signing.image_not_png", _("Ảnh phải là tệp PNG."))
    width, height = image.size
    if width > IMAGE_MAX_PIXELS or height > IMAGE_MAX_PIXELS or width < 10 or height < 10:
        raise ApplicationError("signing.image_size",
                               _("Kích thước ảnh phải từ 10 đến %(px)d điểm ảnh mỗi chiều.") % {"px": IMAGE_MAX_PIXELS})
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if not has_alpha:
        raise ApplicationError("signing.image_not_transparent", _("Ảnh phải có nền trong suốt (PNG có kênh alpha)."))
    alpha = image.convert("RGBA").getchannel("A")
    low, _high = alpha.getextrema()
    if low == 255:
        raise ApplicationError("signing.image_not_transparent", _("Ảnh phải có nền trong suốt (PNG có kênh alpha)."))
    return image


@transaction.atomic
def signature_image_upload(*, actor: Actor, png: bytes) -> SignatureImage:
    """The user's handwritten signature (blue on a transparent PNG); the previous one stops being used."""
    _check_png(png)
    blob = blob_store(content=png, content_type=PNG)
    SignatureImage.objects.filter(user=actor.user, is_active=True).update(is_active=False)
    row = SignatureImage.objects.create(user=actor.user, image=blob)
    audit_record(actor=actor.user, event_type="signing.signature_image_uploaded", target=row,
                 agency=actor.agency, data={"sha256": blob.sha256})
    return row


@transaction.atomic
def seal_image_upload(*, actor: Actor, png: bytes, diameter_mm: float | Decimal | str) -> SealImage:
    """The agency's seal (red on a transparent PNG) and its real diameter (20–60 mm); a clerk or agency
    administrator of the agency uploads it; the previous one stops being used."""
    agency = _require_agency_keeper(actor)
    try:
        diameter = Decimal(str(diameter_mm)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise ApplicationError("signing.seal_diameter", _("Đường kính con dấu phải từ 20 đến 60 mm.")) from exc
    if not SEAL_MIN_MM <= diameter <= SEAL_MAX_MM:
        raise ApplicationError("signing.seal_diameter", _("Đường kính con dấu phải từ 20 đến 60 mm."))
    image = _check_png(png)
    dpi_info = image.info.get("dpi")
    dpi = round(float(dpi_info[0])) if dpi_info else 300
    blob = blob_store(content=png, content_type=PNG)
    SealImage.objects.filter(agency=agency, is_active=True).update(is_active=False)
    row = SealImage.objects.create(agency=agency, image=blob, dpi=max(dpi, 1), diameter_mm=diameter)
    audit_record(actor=actor.user, event_type="signing.seal_image_uploaded", target=row, agency=agency,
                 data={"sha256": blob.sha256, "diameter_mm": str(diameter)})
    return row


# --- Trust store -------------------------------------------------------------------------------------------------


def _require_sysadmin(actor: Actor) -> None:
    if not actor.is_sysadmin:
        raise PermissionDeniedError("forbidden", _("Chỉ quản trị hệ thống được quản lý CA gốc tin cậy."))


def _is_ca(cert: asn1_x509.Certificate) -> bool:
    constraints = cert.basic_constraints_value
    return bool(constraints is not None and constraints["ca"].native)


def trust_root_save(*, cert: asn1_x509.Certificate, user: User | None, is_demo: bool = False) -> TrustedRoot:
    """Store one CA certificate as a trust anchor unless it is already there (callers check who may)."""
    from vanthu.signing.config import signing_config_reset

    row = TrustedRoot.objects.filter(fingerprint_sha256=fingerprint(cert)).first()
    if row is not None:
        return row
    row = TrustedRoot.objects.create(
        pem=_pem(cert), subject=cert.subject.human_friendly[:500], fingerprint_sha256=fingerprint(cert),
        not_after=cert.not_valid_after, is_demo=is_demo, added_by=user,
    )
    audit_record(actor=user, event_type="signing.trust_root_imported", target=row,
                 data={"subject": row.subject, "sha256": row.fingerprint_sha256, "demo": is_demo})
    transaction.on_commit(signing_config_reset)
    return row


@transaction.atomic
def trust_root_import(*, actor: Actor, data: bytes) -> list[TrustedRoot]:
    """Trust one or more CA certificates (a PEM bundle or one DER certificate); system administrators only.
    Idempotent: a certificate already in the store is returned as it is. Every certificate must be a CA
    (basicConstraints cA=TRUE); one that is not refuses the whole file."""
    from vanthu.signing.validation.trust import certificates_parse

    _require_sysadmin(actor)
    try:
        certs = certificates_parse(data)
        for cert in certs:
            cert.native  # noqa: B018 -- parse eagerly
    except (ValueError, TypeError, KeyError) as exc:
        raise ApplicationError("trust_root_unreadable",
                               _("Không đọc được chứng thư số: cần tệp PEM hoặc DER.")) from exc
    if not certs:
        raise ApplicationError("trust_root_unreadable", _("Không đọc được chứng thư số: cần tệp PEM hoặc DER."))
    not_ca = [cert.subject.human_friendly for cert in certs if not _is_ca(cert)]
    if not_ca:
        raise ApplicationError("trust_root_not_ca",
                               _("Chứng thư “%(subject)s” không phải của tổ chức cung cấp dịch vụ chứng thực (CA).")
                               % {"subject": not_ca[0]}, {"subjects": not_ca})
    return [trust_root_save(cert=cert, user=actor.user) for cert in certs]


@transaction.atomic
def trust_root_set_active(*, actor: Actor, root_id: int, active: bool) -> TrustedRoot:
    _require_sysadmin(actor)
    row = TrustedRoot.objects.select_for_update().filter(pk=root_id).first()
    if row is None:
        raise NotFoundError("not_found", _("Không tìm thấy CA gốc."))
    if row.is_active != active:
        row.is_active = active
        row.save(update_fields=["is_active"])
        audit_record(actor=actor.user, event_type="signing.trust_root_activated" if active
                     else "signing.trust_root_deactivated", target=row, data={"subject": row.subject})
    return row


# --- Stored PDF checks -------------------------------------------------------------------------------------------


def pdf_check_facts(report: Any) -> dict[str, Any]:
    """Verdict (the ETSI indication), signature count, and whether a valid personal / organisation signature is
    among them — a signature counts by the kind of its certificate."""
    from vanthu.signing.validation.export import report_as_dict
    from vanthu.signing.validation.report import CertificateKind as SubjectKind
    from vanthu.signing.validation.report import Indication

    def valid_of(kind: SubjectKind) -> bool:
        return any(sig.certificate_kind is kind and sig.indication is Indication.TOTAL_PASSED
                   for sig in report.signatures)

    return {
        "verdict": report.indication.value,
        "signature_count": len(report.signatures),
        "has_valid_personal": valid_of(SubjectKind.PERSONAL),
        "has_valid_organisation": valid_of(SubjectKind.ORGANISATION),
        "report": report_as_dict(report),
    }


def pdf_check(*, blob: Blob, refresh: bool = False, validation_context: ValidationContext | None = None) -> PdfCheck:
    """Validate the PDF in ``blob`` against our trust store (revocation fetched now) and keep the result.

    ``PdfCheck.verdict`` is the ETSI indication (TOTAL_PASSED / TOTAL_FAILED / INDETERMINATE); the Vietnamese
    verdict and every detail are in ``report`` (``report_as_dict``). A stored check of the same blob is returned
    unless ``refresh``. The validation (network) runs outside any transaction; only the insert is atomic. A caller
    that has just signed may pass the context of that operation (its OCSP/CRL answers are reused)."""
    from vanthu.signing.config import signing_validation_context
    from vanthu.signing.validation import pdf_validate

    if not refresh:
        stored = PdfCheck.objects.filter(blob=blob).order_by("-checked_at", "-id").first()
        if stored is not None:
            return stored
    context = validation_context or signing_validation_context()
    report = pdf_validate(pdf=blob_read(blob), validation_context=context)
    return PdfCheck.objects.create(blob=blob, **pdf_check_facts(report))
