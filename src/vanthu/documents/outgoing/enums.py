"""Choices of the outgoing-document life cycle (docs/domain/outgoing.md)."""

from django.db import models
from django.utils.translation import gettext
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


class DeliveryStatus(models.TextChoices):
    """QCVN 102 status codes a recipient reports back (docs/standards/status-codes.md); 13 is the sender's recall
    request."""

    ARRIVED = "01", _("Đã đến")
    RETURNED = "02", _("Bị trả lại")
    ACCEPTED = "03", _("Đã tiếp nhận")
    ASSIGNED = "04", _("Đã giao xử lý")
    PROCESSING = "05", _("Đang xử lý")
    COMPLETED = "06", _("Đã hoàn thành")
    RECALL_REQUESTED = "13", _("Đề nghị thu hồi")
    RECALL_AGREED = "15", _("Đồng ý thu hồi")
    RECALL_REFUSED = "16", _("Từ chối thu hồi")


# Once one of these is reported, later events are kept in the history but no longer change the status shown.
class TransportState(models.TextChoices):
    """Where the package of an EXTERNAL delivery is (docs/domain/outgoing.md#deliveries)."""

    NONE = "", _("—")
    QUEUED = "QUEUED", _("Chưa gửi")
    SENT = "SENT", _("Đã gửi")
    FAILED = "FAILED", _("Gửi lỗi")
    CANCELLED = "CANCELLED", _("Đã hủy gửi")


TERMINAL_STATUS_CODES: frozenset[str] = frozenset({"02", "15", "16"})


def delivery_status_label(code: str) -> str:
    """The Vietnamese label of a status code; codes never seen in the wild show as "không xác định (NN)"."""
    if not code:
        return gettext("Chưa có trạng thái")
    if code in DeliveryStatus.values:
        return str(DeliveryStatus(code).label)
    return gettext("không xác định (%(code)s)") % {"code": code}
