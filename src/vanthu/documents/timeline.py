"""A document's timeline is its audit trail, shown with Vietnamese labels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from vanthu.core.models import AuditEvent
from vanthu.documents.models import IncomingDocument

INCOMING_TARGET = "documents.incomingdocument"

EVENT_LABELS = {
    "incoming.created": _("Tiếp nhận văn bản"),
    "incoming.arrived": _("Văn bản điện tử đến"),
    "incoming.registered": _("Vào sổ văn bản đến"),
    "incoming.returned": _("Trả lại văn bản"),
    "incoming.presented": _("Trình lãnh đạo"),
    "incoming.updated": _("Cập nhật thông tin"),
    "incoming.file_added": _("Thêm tệp"),
    "incoming.directed": _("Lãnh đạo chỉ đạo"),
    "incoming.redirected": _("Chỉ đạo lại"),
    "incoming.closed_for_information": _("Lãnh đạo cho ý kiến: để biết, lưu"),
    "incoming.delegated": _("Giao chuyên viên xử lý"),
    "incoming.started": _("Bắt đầu xử lý"),
    "incoming.note": _("Ghi nhận tiến độ, ý kiến"),
    "incoming.assignment_done": _("Hoàn thành phần việc"),
    "incoming.assignment_read": _("Đã xem (để biết)"),
    "incoming.completed": _("Hoàn thành xử lý"),
    "incoming.reopened": _("Mở lại để xử lý tiếp"),
    "incoming.shared": _("Chia sẻ văn bản"),
    "incoming.recall_requested": _("Cơ quan ban hành đề nghị thu hồi"),
    "incoming.recalled": _("Đồng ý thu hồi, đã hủy bản nhận"),
    "incoming.recall_refused": _("Từ chối thu hồi"),
    "incoming.replaced": _("Văn bản đã được thay thế"),
}


def incoming_timeline(*, document: IncomingDocument) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(target_type=INCOMING_TARGET, target_id=str(document.pk))
        .select_related("actor")
        .order_by("id")
    )


def event_label(event_type: str) -> str:
    return str(EVENT_LABELS.get(event_type, event_type))
