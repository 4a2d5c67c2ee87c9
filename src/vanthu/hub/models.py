"""The hub's own database: connected systems, the agency directory, stored packages and per-recipient deliveries."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vanthu.hub.enums import DeliveryStatus, FailureReason, MessageType


class ConnectedSystem(models.Model):
    """A system (mã trung tâm liên thông) calling the hub, e.g. one Vanthu province deployment hosting many agencies.

    ``secret`` is kept as given: verifying an HMAC needs the key itself, so it cannot be hashed. It is set only by
    ``vanthu hub system add`` (argument or environment) and never logged or printed.
    """

    system_id = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=255, blank=True)
    secret = models.CharField(max_length=255)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hệ thống kết nối")
        verbose_name_plural = _("hệ thống kết nối")

    def __str__(self) -> str:
        return self.system_id

    def __repr__(self) -> str:
        return f"<ConnectedSystem {self.system_id}>"


class HubAgency(models.Model):
    """An agency in the hub's directory, hosted by one connected system (the only system that may send as it).

    ``code`` is kept as received (trimmed); ``code_key`` is its upper-case form, which routing and ownership compare,
    since codes are compared case-insensitively (docs/standards/agency-codes.md). ``version`` grows on every change so
    that
    ``getSynchronizeUnit`` callers can tell what moved.
    """

    code = models.CharField(max_length=50)
    code_key = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=500)
    parent_code = models.CharField(max_length=50, blank=True)
    old_code = models.CharField(max_length=50, blank=True)
    mail = models.CharField(max_length=254, blank=True)
    mobile = models.CharField(max_length=50, blank=True)
    fax = models.CharField(max_length=50, blank=True)
    system = models.ForeignKey(ConnectedSystem, on_delete=models.PROTECT, related_name="agencies")
    deleted = models.BooleanField(default=False)
    modified_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["system", "deleted"])]
        verbose_name = _("đơn vị trên trục")
        verbose_name_plural = _("danh bạ đơn vị trên trục")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Package(models.Model):
    """One accepted edXML package, its exact bytes stored in the database (durable with the delivery rows)."""

    hub_id = models.CharField(max_length=32, unique=True)
    from_code = models.CharField(max_length=50)
    from_key = models.CharField(max_length=50)
    sender_system = models.ForeignKey(ConnectedSystem, on_delete=models.PROTECT, related_name="sent_packages",
                                      db_index=False)  # leads the (sender_system, message_type, id) index
    message_type = models.CharField(max_length=10, choices=MessageType.choices)
    service_type = models.CharField(max_length=20, default="eDoc")
    document_id = models.CharField(max_length=100, blank=True)
    business_doc_type = models.SmallIntegerField(default=0)
    status_code = models.CharField(max_length=10, blank=True)
    body = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        # Few indexes on purpose: every one is written by each sendEdoc.
        indexes = [
            models.Index(fields=["from_key", "sha256"]),
            models.Index(fields=["sender_system", "message_type", "id"]),
        ]
        verbose_name = _("gói tin")
        verbose_name_plural = _("gói tin")

    def __str__(self) -> str:
        return self.hub_id


class Delivery(models.Model):
    """One recipient's copy of a package: its place in that recipient's queue.

    A recipient code the directory does not know is kept too (``recipient_agency`` empty, status ``failed``), so
    the sender sees it in ``getSentEdocList`` (open point 8).
    """

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="deliveries",
                                db_index=False)  # leads the unique (package, recipient_code) index
    recipient_code = models.CharField(max_length=50)
    recipient_agency = models.ForeignKey(  # leads the (recipient_agency, status, id) index
        HubAgency, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries", db_index=False
    )
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    failure_reason = models.CharField(max_length=20, choices=FailureReason.choices, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    hidden_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    acked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient_agency", "status", "id"])]
        constraints = [
            models.UniqueConstraint(fields=["package", "recipient_code"], name="hub_delivery_once_per_recipient"),
        ]
        verbose_name = _("lượt chuyển gói tin")
        verbose_name_plural = _("lượt chuyển gói tin")

    def __str__(self) -> str:
        return f"{self.package_id} → {self.recipient_code} ({self.status})"


class HubEvent(models.Model):
    """Append-only record of every change the hub makes, written in the transaction of the change.

    Not hash-chained like the product's audit log: a chain head would serialise every ``sendEdoc`` (ADR 0007).
    """

    created_at = models.DateTimeField()
    system = models.ForeignKey(ConnectedSystem, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    event_type = models.CharField(max_length=64)
    target = models.CharField(max_length=100)
    data = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["target", "id"])]
        verbose_name = _("sự kiện trục")
        verbose_name_plural = _("nhật ký trục")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.event_type} {self.target}"
