"""The connector's records: the directory of agencies on the hub, and every package sent or received.

An ``ExchangePackage`` is the outbox row (direction OUT: written in the transaction that decided to send, delivered
later by a worker) or the inbox row (direction IN: stored with what it caused, in one transaction, before the hub
is acknowledged). Its raw bytes are an immutable blob, so the exact ``.edxml`` can always be downloaded again.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from vanthu.core.models import Blob
from vanthu.core.text import normalise_text
from vanthu.documents.models import IncomingDocument
from vanthu.documents.outgoing.models import OutgoingDelivery, OutgoingDocument
from vanthu.exchange.enums import Direction, MessageType, PackageState, SignatureState, SignerTrust
from vanthu.organizations.models import Agency


class ExternalAgency(models.Model):
    """An agency reachable through the hub (another deployment, a ministry…), by its QCVN 102 code."""

    organ_id = models.CharField(_("mã định danh"), max_length=50, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=300)
    # The name without diacritics, case-folded (core.text): "bo tai chinh" finds "Bộ Tài chính".
    name_key = models.CharField(max_length=300, blank=True, db_index=True)
    parent_organ_id = models.CharField(_("mã cơ quan cấp trên"), max_length=50, blank=True)
    email = models.CharField(_("thư điện tử"), max_length=200, blank=True)
    hub_id = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(_("đang liên thông"), default=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "organ_id"]
        verbose_name = _("cơ quan liên thông")
        verbose_name_plural = _("cơ quan liên thông")

    def __str__(self) -> str:
        return f"{self.name} ({self.organ_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = normalise_text(self.name)[:300]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)


class ExchangePackage(models.Model):
    """One edXML package (document or status) that went out to the hub or came in from it."""

    direction = models.CharField(max_length=3, choices=Direction.choices)
    message_type = models.CharField(max_length=6, choices=MessageType.choices)
    state = models.CharField(max_length=12, choices=PackageState.choices, db_index=True)
    # OUT: the sending agency; IN: the agency of ours the package concerns (first recipient, or the sender of
    # the document a status package reports on).
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    blob = models.ForeignKey(Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    size = models.BigIntegerField(default=0)
    from_organ_id = models.CharField(max_length=50, blank=True)
    to_organ_ids = models.JSONField(default=list, blank=True)
    document_id = models.CharField(max_length=255, blank=True, db_index=True)
    business_doc_type = models.PositiveSmallIntegerField(default=0)
    status_code = models.CharField(max_length=2, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    hub_doc_id = models.CharField(max_length=64, blank=True, db_index=True)
    # OUT edoc: the document it carries to every EXTERNAL delivery in ``to_organ_ids``.
    outgoing = models.ForeignKey(OutgoingDocument, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="exchange_packages")
    # IN status: the delivery it reports on.
    delivery = models.ForeignKey(OutgoingDelivery, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="status_packages")
    # OUT status: the copy whose move it reports.
    incoming = models.ForeignKey(IncomingDocument, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="status_packages")
    signature_state = models.CharField(max_length=8, choices=SignatureState.choices, blank=True)
    signer_trust = models.CharField(max_length=9, choices=SignerTrust.choices, blank=True)
    signer_trust_reason = models.CharField(max_length=300, blank=True)
    signer_subject = models.CharField(max_length=500, blank=True)
    # IN: what the package omits or writes differently from QCVN 102, as read (exchange.warnings): a list of
    # {code, element, message, value}.
    warnings = models.JSONField(default=list, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=60, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "hub_doc_id"], name="exchange_hub_doc_unique",
                                    condition=~models.Q(hub_doc_id="")),
        ]
        indexes = [
            models.Index(fields=["direction", "state", "next_attempt_at"]),
            models.Index(fields=["agency", "direction", "-created_at"]),
            models.Index(fields=["direction", "from_organ_id", "document_id", "business_doc_type"]),
        ]
        verbose_name = _("gói tin liên thông")
        verbose_name_plural = _("gói tin liên thông")

    def __str__(self) -> str:
        return f"{self.direction} {self.message_type} {self.document_id or self.pk}"


class ExchangeReceipt(models.Model):
    """What a received document package became for one of our agencies (its ``IncomingDocument``)."""

    package = models.ForeignKey(ExchangePackage, on_delete=models.PROTECT, related_name="receipts")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    incoming = models.OneToOneField(IncomingDocument, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="exchange_receipt")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["package", "id"]
        constraints = [
            models.UniqueConstraint(fields=["package", "agency"], name="exchange_receipt_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.package_id} → {self.agency_id}"
