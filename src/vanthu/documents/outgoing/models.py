"""Outgoing documents (văn bản đi), their draft versions, review steps and register rules."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vanthu.core.models import Blob
from vanthu.documents.enums import Channel, Confidentiality, Priority
from vanthu.documents.models import DocumentType, IncomingDocument, Register
from vanthu.documents.outgoing.enums import OutgoingState, ReviewKind, ReviewState, SigningCapacity, TransportState
from vanthu.organizations.models import Agency, Unit


class OutgoingDocument(models.Model):
    """Văn bản đi, from the first draft to issue (ND30 Điều 10–18)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="outgoing_documents")
    state = models.CharField(max_length=20, choices=OutgoingState.choices, db_index=True)
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.ELECTRONIC)

    drafter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafting_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị soạn thảo"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document_type = models.ForeignKey(DocumentType, verbose_name=_("loại văn bản"), on_delete=models.PROTECT)
    subject = models.CharField(_("trích yếu"), max_length=500)
    summary = models.TextField(_("tóm tắt nội dung"), blank=True)
    priority = models.PositiveSmallIntegerField(_("độ khẩn"), choices=Priority.choices, default=Priority.NORMAL)
    confidentiality = models.PositiveSmallIntegerField(
        _("độ mật"), choices=Confidentiality.choices, default=Confidentiality.NONE
    )

    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ký"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    signing_capacity = models.CharField(
        _("thẩm quyền ký"), max_length=5, choices=SigningCapacity.choices, blank=True, default=SigningCapacity.NONE
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)

    recipients = models.ManyToManyField(Agency, verbose_name=_("cơ quan nhận"), blank=True, related_name="+")
    to_places = models.TextField(_("nơi nhận"), max_length=2000, blank=True)
    is_internal = models.BooleanField(_("văn bản nội bộ"), default=False)
    copy_count = models.PositiveIntegerField(_("số lượng bản"), default=1)
    reply_to = models.ForeignKey(
        IncomingDocument, verbose_name=_("trả lời văn bản đến"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="replies",
    )

    # Number and date (ND30 Điều 15), set by the clerk after the signature.
    register = models.ForeignKey(Register, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    number_year = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    code_number = models.CharField(_("số"), max_length=20, blank=True)
    code_notation = models.CharField(_("ký hiệu"), max_length=50, blank=True)
    issued_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issued_at = models.DateTimeField(_("thời điểm phát hành"), null=True, blank=True)
    numbered_at = models.DateTimeField(null=True, blank=True)

    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)
    signed_on_paper = models.BooleanField(_("ký tay trên giấy"), default=False)
    # Facts for the monthly statistics, set by the signing code after validation.
    has_valid_personal_signature = models.BooleanField(default=False)
    has_valid_org_signature = models.BooleanField(default=False)

    # Recall and replacement (ND30 Điều 18): the recalled document is frozen; a replacement points to the old one.
    replaces = models.ForeignKey(
        "self", verbose_name=_("thay thế văn bản"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    recalled_at = models.DateTimeField(_("thời điểm thu hồi"), null=True, blank=True)
    recall_reason = models.TextField(_("lý do thu hồi"), blank=True)

    review_round = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(_("ghi chú"), blank=True)
    cancel_reason = models.TextField(_("lý do hủy"), blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["register", "number_year", "number"], name="outgoing_number_unique"),
        ]
        indexes = [
            models.Index(fields=["agency", "state", "-created_at"]),
            models.Index(fields=["agency", "register", "number_year", "number"]),
        ]
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")

    def __str__(self) -> str:
        return f"{self.reference or self.pk} — {self.subject[:60]}"

    @property
    def reference(self) -> str:
        """Số, ký hiệu as printed: ``05/QĐ-UBND``; empty before numbering."""
        if self.code_number and self.code_notation:
            return f"{self.code_number}/{self.code_notation}"
        return self.code_number

    @property
    def is_secret(self) -> bool:
        return self.confidentiality != Confidentiality.NONE


class OutgoingCoSigner(models.Model):
    """A competent signer besides ``OutgoingDocument.signer``: the leader of a co-issuing agency on a joint document
    (văn bản liên tịch) or a second leader of the agency. Co-signers sign in ``order`` before the main signer, each in
    their own signature field with their own ND30 block (``outgoing/signers.py``)."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="cosigners")
    order = models.PositiveSmallIntegerField(_("thứ tự ký"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ký"), on_delete=models.PROTECT,
                             related_name="+")
    # The agency the co-signer signs for: the drafting agency, or another agency of the deployment (joint document).
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    signing_capacity = models.CharField(
        _("thẩm quyền ký"), max_length=5, choices=SigningCapacity.choices, blank=True, default=SigningCapacity.NONE
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    # Set when their signature is stored; cleared when a new draft version (without signatures) is made.
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)

    class Meta:
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "order"], name="cosigner_order_unique"),
            models.UniqueConstraint(fields=["document", "user"], name="cosigner_user_unique"),
        ]
        indexes = [models.Index(fields=["user", "signed_at"])]
        verbose_name = _("người ký cùng")
        verbose_name_plural = _("người ký cùng")

    def __str__(self) -> str:
        return f"{self.document_id} #{self.order}: {self.user_id}"


class DraftVersion(models.Model):
    """One version of the draft: the PDF (and the DOCX/ODT it came from), never changed once stored."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    pdf = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    template = models.CharField(max_length=30, blank=True)
    # Where the number, date, personal signature and seal go: {"name": {"page": 0, "box": [x1, y1, x2, y2]}}.
    field_boxes = models.JSONField(default=dict, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="draft_version_unique")]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class ReviewStep(models.Model):
    """A step of the review route. Steps sharing a ``stage`` run in parallel; stages run in order."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="review_steps")
    round = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveSmallIntegerField()
    stage = models.PositiveSmallIntegerField()
    parallel_group = models.PositiveSmallIntegerField(null=True, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ReviewKind.choices)
    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING)
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.ForeignKey(DraftVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["document", "round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "round", "order"], name="review_step_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} r{self.round} #{self.order} {self.kind}"


class RegisterRule(models.Model):
    """Which outgoing register numbers a document type (ND30 Điều 15: registers per type are allowed)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    document_type = models.ForeignKey(DocumentType, on_delete=models.CASCADE, related_name="+")
    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "document_type", "register"], name="register_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document_type_id} → {self.register_id}"


class OutgoingAttachment(models.Model):
    """A phụ lục or attachment in a separate PDF file; it gets the agency's text-only signature when sealed."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="attachments")
    order = models.PositiveSmallIntegerField(default=1)
    filename = models.CharField(max_length=255)
    original = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    stamped = models.ForeignKey(Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    page_count = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "order", "id"]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.filename}"


class DeliveryKind(models.TextChoices):
    UNIT = "UNIT", _("Đơn vị trong cơ quan")
    AGENCY = "AGENCY", _("Cơ quan trên hệ thống")
    EXTERNAL = "EXTERNAL", _("Cơ quan liên thông")


class RecallState(models.TextChoices):
    NONE = "", _("Không")
    REQUESTED = "REQUESTED", _("Đang đề nghị thu hồi")
    AGREED = "AGREED", _("Đồng ý thu hồi")
    REFUSED = "REFUSED", _("Từ chối thu hồi")


class OutgoingDelivery(models.Model):
    """One recipient of an issued document and what it reported back (QCVN 102 status codes 01–06, 13/15/16)."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=8, choices=DeliveryKind.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    external_organ_id = models.CharField(max_length=50, blank=True)
    external_name = models.CharField(max_length=200, blank=True)
    # The recipient's copy (same deployment): an incoming document waiting for acceptance.
    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_deliveries"
    )
    status_code = models.CharField(_("trạng thái"), max_length=2, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    status_description = models.TextField(blank=True)
    recall_state = models.CharField(max_length=10, choices=RecallState.choices, blank=True, default="")
    # EXTERNAL deliveries: the package's transport through the hub (the exchange connector keeps it current).
    transport_state = models.CharField(_("trạng thái gửi"), max_length=10, choices=TransportState.choices,
                                       blank=True, default=TransportState.NONE, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "unit"], name="delivery_unit_unique",
                                    condition=models.Q(unit__isnull=False)),
            models.UniqueConstraint(fields=["document", "agency"], name="delivery_agency_unique",
                                    condition=models.Q(agency__isnull=False)),
        ]
        indexes = [models.Index(fields=["incoming"])]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.unit_id or self.agency_id or self.external_organ_id}"


class DeliveryStatusEvent(models.Model):
    """The full status history of one recipient, in the order reported (duplicates and gaps are kept)."""

    delivery = models.ForeignKey(OutgoingDelivery, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=2)
    description = models.TextField(blank=True)
    reported_at = models.DateTimeField()
    staff = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivery", "reported_at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.code}"
