from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    PRESENTED = "PRESENTED", _("Văn bản trình tôi")
    ASSIGNED = "ASSIGNED", _("Văn bản giao tôi hoặc đơn vị tôi")
    DEADLINE_NEAR = "DEADLINE_NEAR", _("Sắp đến hạn xử lý (đôn đốc)")
    OVERDUE = "OVERDUE", _("Quá hạn xử lý")
    RETURNED = "RETURNED", _("Văn bản bị trả lại")
    COMPLETED = "COMPLETED", _("Văn bản đã hoàn thành")
    EXCHANGE_FAILED = "EXCHANGE_FAILED", _("Liên thông văn bản: gửi lỗi, gói tin lỗi")
