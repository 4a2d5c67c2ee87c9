"""Codes of the exchange connector (docs/standards/edxml.md, docs/standards/status-codes.md,
docs/standards/hub-api.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Direction(models.TextChoices):
    OUT = "OUT", _("Gửi đi")
    IN = "IN", _("Nhận về")


class MessageType(models.TextChoices):
    EDOC = "edoc", pgettext_lazy("loại gói tin", "Văn bản")
    STATUS = "status", pgettext_lazy("loại gói tin", "Trạng thái")


class PackageState(models.TextChoices):
    # Outbox
    QUEUED = "QUEUED", _("Chưa gửi")
    SENT = "SENT", _("Đã gửi")
    FAILED = "FAILED", _("Gửi lỗi")
    CANCELLED = "CANCELLED", _("Đã hủy gửi")
    # Inbox
    PROCESSED = "PROCESSED", _("Đã xử lý")
    IGNORED = "IGNORED", _("Bỏ qua")
    QUARANTINED = "QUARANTINED", _("Cách ly (gói tin lỗi)")


class SignatureState(models.TextChoices):
    ABSENT = "absent", _("Không có chữ ký gói tin")
    VALID = "valid", _("Chữ ký gói tin hợp lệ")
    INVALID = "invalid", _("Chữ ký gói tin không hợp lệ")


class SignerTrust(models.TextChoices):
    """Whether the certificate of a valid package signature chains to our trust anchors (``exchange.trust``)."""

    TRUSTED = "trusted", _("Chứng thư số được tin cậy")
    UNTRUSTED = "untrusted", _("Chứng thư số không được tin cậy")
    UNDETERMINED = "unknown", _("Chưa xác định được độ tin cậy của chứng thư số")


class BusinessType(models.IntegerChoices):
    """edXML ``BussinessDocType``."""

    NEW = 0, _("Văn bản mới")
    RECALL = 1, _("Thu hồi")
    UPDATE = 2, _("Cập nhật")
    REPLACE = 3, _("Thay thế")

