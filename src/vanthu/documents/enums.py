from django.db import models
from django.utils.translation import gettext_lazy as _


class IncomingState(models.TextChoices):
    ARRIVED = "ARRIVED", _("Chờ tiếp nhận")
    RETURNED = "RETURNED", _("Đã trả lại")
    REGISTERED = "REGISTERED", _("Đã vào sổ")
    PRESENTED = "PRESENTED", _("Chờ chỉ đạo")
    ASSIGNED = "ASSIGNED", _("Đã giao xử lý")
    IN_PROGRESS = "IN_PROGRESS", _("Đang xử lý")
    COMPLETED = "COMPLETED", _("Hoàn thành")
    RECALL_PENDING = "RECALL_PENDING", _("Đang bị thu hồi")
    RECALLED = "RECALLED", _("Đã thu hồi")


# States in which a document no longer counts as open work (docs/domain/incoming.md#deadlines-and-overdue).
CLOSED_STATES = (IncomingState.COMPLETED, IncomingState.RETURNED, IncomingState.RECALLED)


class Channel(models.TextChoices):
    PAPER = "PAPER", _("Văn bản giấy")
    ELECTRONIC = "ELECTRONIC", _("Văn bản điện tử")


class Priority(models.IntegerChoices):
    """edXML ``OtherInfo/Priority``."""

    NORMAL = 0, _("Thường")
    URGENT = 1, _("Khẩn")
    VERY_URGENT = 2, _("Thượng khẩn")
    FLASH = 3, _("Hỏa tốc")
    FLASH_TIMED = 4, _("Hỏa tốc hẹn giờ")


class Confidentiality(models.IntegerChoices):
    NONE = 0, _("Thường")
    SECRET = 1, _("Mật")
    TOP_SECRET = 2, _("Tối mật")
    ULTRA_SECRET = 3, _("Tuyệt mật")


class FileRole(models.TextChoices):
    MAIN = "MAIN", _("Tệp chính")
    ATTACHMENT = "ATTACHMENT", _("Tệp đính kèm")


class RegisterKind(models.TextChoices):
    INCOMING = "INCOMING", _("Sổ văn bản đến")
    OUTGOING = "OUTGOING", _("Sổ văn bản đi")
    SECRET_INCOMING = "SECRET_INCOMING", _("Sổ văn bản đến mật")
    SECRET_OUTGOING = "SECRET_OUTGOING", _("Sổ văn bản đi mật")
