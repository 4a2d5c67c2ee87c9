from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vanthu.core.models import Blob
from vanthu.documents.enums import (
    Channel,
    Confidentiality,
    FileRole,
    IncomingState,
    Priority,
    RegisterKind,
)
from vanthu.organizations.models import Agency


class DocumentType(models.Model):
    """Loại văn bản: the ND30 Điều 7 catalogue with the QCVN 102 list-B codes (editable)."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(_("tên loại"), max_length=100)
    abbreviation = models.CharField(_("viết tắt"), max_length=10, blank=True)
    qcvn_type = models.PositiveSmallIntegerField(default=18)
    qcvn_type_detail = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")

    def __str__(self) -> str:
        return str(self.name)


class Register(models.Model):
    """Sổ đăng ký: a book with one yearly number series (ND30 Điều 22 for incoming)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="registers")
    kind = models.CharField(max_length=20, choices=RegisterKind.choices)
    name = models.CharField(_("tên sổ"), max_length=200)
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency", "kind", "name"]
        verbose_name = _("sổ văn bản")
        verbose_name_plural = _("sổ văn bản")

    def __str__(self) -> str:
        return str(self.name)


class RegisterCounter(models.Model):
    """The last number issued in a register for a year; locked with SELECT … FOR UPDATE when numbering."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["register", "year"], name="counter_register_year")]

    def __str__(self) -> str:
        return f"{self.register_id}/{self.year}: {self.last_number}"


class IncomingDocument(models.Model):
    """Văn bản đến. Field names follow docs/standards/nd30.md#input-fields, docs/standards/edxml.md#messageheader."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="incoming_documents")
    state = models.CharField(max_length=20, choices=IncomingState.choices, db_index=True)
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.PAPER)

    # Registration (số đến).
    register = models.ForeignKey(Register, null=True, blank=True, on_delete=models.PROTECT)
    arrival_year = models.PositiveSmallIntegerField(null=True, blank=True)
    arrival_number = models.PositiveIntegerField(_("số đến"), null=True, blank=True)
    arrival_date = models.DateTimeField(_("ngày đến"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("thời điểm nhận"))

    # Identification of the document itself.
    document_type = models.ForeignKey(DocumentType, verbose_name=_("loại văn bản"), on_delete=models.PROTECT)
    code_number = models.CharField(_("số"), max_length=50, blank=True)
    code_notation = models.CharField(_("ký hiệu"), max_length=50, blank=True)
    issued_date = models.DateField(_("ngày ban hành"))
    issuer = models.ForeignKey(
        Agency, verbose_name=_("cơ quan ban hành"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    organ_name = models.CharField(_("cơ quan ban hành"), max_length=200)
    organ_id = models.CharField(_("mã định danh cơ quan ban hành"), max_length=50, blank=True)
    subject = models.CharField(_("trích yếu"), max_length=500)
    description = models.TextField(_("ghi chú, mô tả"), max_length=500, blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=30, default="Tiếng Việt")
    page_amount = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_full_name = models.CharField(_("người ký"), max_length=100, blank=True)
    priority = models.PositiveSmallIntegerField(_("độ khẩn"), choices=Priority.choices, default=Priority.NORMAL)
    confidentiality = models.PositiveSmallIntegerField(
        _("độ mật"), choices=Confidentiality.choices, default=Confidentiality.NONE
    )
    to_places = models.TextField(_("nơi nhận"), max_length=1000, blank=True)
    document_id = models.CharField(_("mã văn bản liên thông"), max_length=255, blank=True, db_index=True)
    due_date = models.DateField(_("hạn xử lý"), null=True, blank=True, db_index=True)
    requested_due_date = models.DateField(_("hạn trả lời theo văn bản"), null=True, blank=True)
    # Received through the exchange: how the package deviated from QCVN 102 ({code, element, message, value}).
    exchange_warnings = models.JSONField(default=list, blank=True)

    # Handling.
    presented_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    forwarded_at = models.DateTimeField(_("ngày chuyển"), null=True, blank=True)
    completed_at = models.DateTimeField(_("ngày hoàn thành"), null=True, blank=True)
    result_note = models.TextField(_("kết quả xử lý"), blank=True)
    reply_reference = models.CharField(_("số, ký hiệu văn bản trả lời"), max_length=100, blank=True)
    returned_reason = models.TextField(_("lý do trả lại"), blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả lại"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A replacing document (edXML BussinessDocType 3, ND30 Điều 18) points to the copy it replaces.
    replaces = models.ForeignKey(
        "self", verbose_name=_("thay thế văn bản"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="replaced_by",
    )

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-arrived_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "arrival_year", "arrival_number"], name="incoming_arrival_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "state", "-arrived_at"]),
            models.Index(fields=["agency", "-arrived_at", "-id"]),
            models.Index(fields=["agency", "due_date"]),
        ]
        verbose_name = _("văn bản đến")
        verbose_name_plural = _("văn bản đến")

    def __str__(self) -> str:
        return f"{self.reference} — {self.subject[:60]}"

    @property
    def reference(self) -> str:
        """Số, ký hiệu as printed: ``15/QĐ-UBND``."""
        if self.code_number and self.code_notation:
            return f"{self.code_number}/{self.code_notation}"
        return self.code_number or self.code_notation

    @property
    def is_secret(self) -> bool:
        return self.confidentiality != Confidentiality.NONE


class DocumentFile(models.Model):
    """A file of a document: the main file or an attachment. The bytes live in an immutable blob."""

    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=12, choices=FileRole.choices)
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, help_text="Extracted text, indexed for search.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incoming", "role", "id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class DocumentShare(models.Model):
    """An explicit share of a document with a user of the same agency."""

    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incoming", "user"], name="share_unique")]

    def __str__(self) -> str:
        return f"{self.incoming_id} → {self.user_id}"


# Outgoing documents live in their own package; imported here so Django registers them under "documents".
from vanthu.documents.outgoing.models import (  # noqa: E402, F401
    DraftVersion,
    OutgoingDocument,
    RegisterRule,
    ReviewStep,
)
