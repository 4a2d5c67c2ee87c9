"""Choices of the outgoing-document life cycle (DOMAIN.md §4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingState(models.TextChoices):
    DRAFTING = "DRAFTING", _("Đang dự thảo")
    IN_REVIEW = "IN_REVIEW", _("Đang xem xét")
    CHANGES_REQUESTED = "CHANGES_REQUESTED", _("Yêu cầu chỉnh sửa")
    AWAITING_SIGNATURE = "AWAITING_SIGNATURE", _("Chờ ký")
    SIGNED = "SIGNED", _("Đã ký")
    NUMBERED = "NUMBERED", _("Đã cấp số")
    SEALED = "SEALED", _("Đã ký số cơ quan")
    ISSUED = "ISSUED", _("Đã ban hành")
    RECALLED = "RECALLED", _("Đã thu hồi")
    CANCELLED = "CANCELLED", _("Đã hủy")
    VOIDED = "VOIDED", _("Đã hủy số")


class SigningCapacity(models.TextChoices):
    """ND30 Phụ lục I, mục II.9: thẩm quyền ký."""

    NONE = "", _("Ký trực tiếp")
    KT = "KT.", _("KT. (ký thay)")
    TM = "TM.", _("TM. (thay mặt)")
    Q = "Q.", _("Q. (quyền)")
    TL = "TL.", _("TL. (thừa lệnh)")
    TUQ = "TUQ.", _("TUQ. (thừa ủy quyền)")


class ReviewKind(models.TextChoices):
    CONTENT = "CONTENT", _("Duyệt nội dung")
    COMMENT = "COMMENT", _("Góp ý")
    FORMAT = "FORMAT", _("Kiểm tra thể thức")


class ReviewState(models.TextChoices):
    PENDING = "PENDING", _("Chờ xem xét")
    APPROVED = "APPROVED", _("Đã đồng ý")
    RETURNED = "RETURNED", _("Đã trả lại")


class TemplateKind(models.TextChoices):
    """Built-in ND30 Phụ lục I templates; the value is the DocumentType code."""

    CONG_VAN = "CONG_VAN", _("Công văn")
    QUYET_DINH = "QUYET_DINH", _("Quyết định")
    TO_TRINH = "TO_TRINH", _("Tờ trình")
    THONG_BAO = "THONG_BAO", _("Thông báo")
    GIAY_MOI = "GIAY_MOI", _("Giấy mời")
