"""The hub's own status values (docs/standards/hub-api.md#open-points) and the two message types."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageType(models.TextChoices):
    EDOC = "edoc", _("Văn bản")
    STATUS = "status", _("Trạng thái")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ nhận")
    DELIVERED = "delivered", _("Đã chuyển")
    ACKED = "acked", _("Đã nhận")
    FAILED = "failed", _("Lỗi")


# Still in the recipient's queue: not yet fetched, or fetched and not yet acknowledged.
QUEUED = (DeliveryStatus.PENDING, DeliveryStatus.DELIVERED)


class FailureReason(models.TextChoices):
    UNKNOWN_RECIPIENT = "unknown_recipient", _("Đơn vị nhận không có trên trục")
    MAX_ATTEMPTS = "max_attempts", _("Nơi nhận báo lỗi quá số lần cho phép")


class AckStatus(models.TextChoices):
    """``updateStatus`` values: the transport acknowledgement, not the business status."""

    DONE = "done", _("Đã nhận xong")
    FAIL = "fail", _("Nhận lỗi")
    PROCESSING = "processing", _("Đang xử lý")
