"""Certificates, key devices and the images shown in signature appearances."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vanthu.core.models import Blob
from vanthu.organizations.models import Agency, User


class CertificateKind(models.TextChoices):
    PERSONAL = "PERSONAL", _("Cá nhân")
    ORGANISATION = "ORGANISATION", _("Cơ quan, tổ chức")


class Certificate(models.Model):
    """An X.509 signing certificate owned by exactly one user (personal) or one agency (organisation)."""

    kind = models.CharField(_("loại"), max_length=12, choices=CertificateKind.choices)
    owner_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="signing_certificates"
    )
    owner_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="signing_certificates"
    )
    pem = models.TextField()
    subject = models.CharField(_("chủ thể"), max_length=500)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    serial = models.CharField(_("số hiệu"), max_length=100)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    fingerprint_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chứng thư số")
        constraints = [
            models.CheckConstraint(
                name="signing_certificate_one_owner",
                condition=(
                    Q(kind="PERSONAL", owner_user__isnull=False, owner_agency__isnull=True)
                    | Q(kind="ORGANISATION", owner_agency__isnull=False, owner_user__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class KeyDeviceKind(models.TextChoices):
    PKCS12 = "PKCS12", _("Tệp PKCS#12")
    PKCS11 = "PKCS11", _("Thiết bị PKCS#11 (USB token, HSM)")
    REMOTE = "REMOTE", _("Ký từ xa")


class KeyDevice(models.Model):
    """Where the private key of a certificate lives. Never holds a PIN or a passphrase in clear."""

    kind = models.CharField(_("loại"), max_length=8, choices=KeyDeviceKind.choices)
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="key_devices")
    label = models.CharField(_("tên gọi"), max_length=100, blank=True)
    # PKCS#12 re-encrypted under the owner's passphrase (PBES2, AES-256); decrypted only in memory.
    pkcs12_encrypted = models.BinaryField(null=True, blank=True)
    # PKCS#11 locator: module path, token label, key label.
    pkcs11_module = models.CharField(max_length=300, blank=True)
    pkcs11_token_label = models.CharField(max_length=100, blank=True)
    pkcs11_key_label = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Our own lock-out (signing.pinguard), on top of a token's: wrong PINs in a row, and until when it is locked.
    failed_pin_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thiết bị ký")

    def __str__(self) -> str:
        return f"{self.kind}:{self.label or self.certificate_id}"


class SignatureImage(models.Model):
    """A user's handwritten signature: blue strokes on a transparent PNG."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signature_images")
    image = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chữ ký hình ảnh")

    def __str__(self) -> str:
        return f"signature-image:{self.user_id}"


class SealImage(models.Model):
    """An agency's seal: red on a transparent PNG, printed at its real diameter."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="seal_images")
    image = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    dpi = models.PositiveIntegerField(default=300)
    diameter_mm = models.DecimalField(_("đường kính (mm)"), max_digits=4, decimal_places=1, default=40)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("con dấu hình ảnh")

    def __str__(self) -> str:
        return f"seal-image:{self.agency_id}"


class TrustedRoot(models.Model):
    """A root CA the validation trusts: imported by a system administrator (the Vietnamese root CAs), or the
    demo root in demo mode (``is_demo``)."""

    pem = models.TextField()
    subject = models.CharField(_("chủ thể"), max_length=500)
    fingerprint_sha256 = models.CharField(max_length=64, unique=True)
    not_after = models.DateTimeField(_("hiệu lực đến"))
    is_active = models.BooleanField(_("đang dùng"), default=True)
    is_demo = models.BooleanField(_("CA demo"), default=False)
    added_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("CA gốc tin cậy")

    def __str__(self) -> str:
        return self.subject


class PdfCheck(models.Model):
    """The validation report of one stored PDF (a blob), kept so pages and statistics do not re-validate."""

    blob = models.ForeignKey(Blob, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=20)  # hợp lệ / không hợp lệ / chưa xác định as the ETSI indication
    signature_count = models.PositiveSmallIntegerField(default=0)
    has_valid_personal = models.BooleanField(default=False)
    has_valid_organisation = models.BooleanField(default=False)
    report = models.JSONField(default=dict)
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["blob", "-checked_at"])]

    def __str__(self) -> str:
        return f"{self.blob_id}: {self.verdict}"


class SigningJobState(models.TextChoices):
    QUEUED = "QUEUED", _("Đang chờ")
    RUNNING = "RUNNING", _("Đang ký")
    DONE = "DONE", _("Hoàn tất")
    FAILED = "FAILED", _("Có lỗi")


class SigningJob(models.Model):
    """A batch of agency signatures run by the worker, with progress for the UI's progress bar."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    key_device = models.ForeignKey(KeyDevice, on_delete=models.PROTECT, related_name="+")
    document_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [{"document_id": 1, "code": "...", "message": "..."}]
    state = models.CharField(max_length=8, choices=SigningJobState.choices, default=SigningJobState.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"signing-job:{self.pk} {self.done}/{self.total}"
