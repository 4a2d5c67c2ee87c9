"""The warnings of a received package: what a real system omits or writes differently from what we emit, tolerated
because it does not stop a clerk from registering the document (docs/subsystems/edxml.md, "Fatal or warning").

Every code here is stable: it is stored with the package and the incoming document and named in the docs. The
message is a Vietnamese msgid, made from the code and, for agency codes, the element path (which agency), so that
a stored warning can be shown again in the reader's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanthu.edxml.model import PackageWarning

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

_MESSAGES: dict[str, _StrPromise] = {
    # Agencies
    "organ_id_missing": _("Không có mã định danh của {where}"),
    "organ_id_nonstandard": _("Mã định danh của {where} không theo cấu trúc mã cơ quan nhà nước; giữ nguyên như "
                              "nhận được"),
    "organ_id_unusable": _("Mã định danh của {where} quá dài hoặc có ký tự không hợp lệ; không dùng được"),
    "organ_name_missing": _("Không có tên của {where}"),
    "recipient_missing": _("Gói tin không ghi nơi nhận"),
    # The document
    "document_id_missing": _("Gói tin không có mã văn bản liên thông; đã lập mã từ nơi gửi, ngày, số và ký hiệu"),
    "code_missing": _("Gói tin không có số, ký hiệu văn bản"),
    "promulgation_info_missing": _("Gói tin không có nơi và ngày ban hành"),
    "document_type_missing": _("Gói tin không có loại văn bản"),
    "signer_info_missing": _("Gói tin không có thông tin người ký"),
    "other_info_missing": _("Gói tin không có độ khẩn, số trang, số bản phát hành"),
    "response_for_document_id_missing": _("Văn bản được trả lời không có mã văn bản liên thông"),
    # Values
    "date_variant": _("Ngày tháng ghi theo định dạng khác năm/tháng/ngày; đã đọc được"),
    "date_month_first": _("Ngày tháng ghi tháng trước ngày; đã đọc theo cách ghi đó, cần kiểm tra lại"),
    "date_unreadable": _("Ngày tháng không đọc được; bỏ qua giá trị này"),
    "timestamp_variant": _("Thời điểm ghi theo định dạng khác chuẩn; đã đọc được"),
    "timestamp_missing": _("Không ghi thời điểm"),
    "timestamp_unreadable": _("Thời điểm không đọc được; bỏ qua giá trị này"),
    "raw_integer": _("Giá trị số không đọc được; giữ nguyên giá trị nhận được"),
    "unknown_priority": _("Độ khẩn không thuộc các mức đã biết; coi như thường"),
    "raw_paper": _("Dấu hiệu gửi kèm bản giấy không đọc được; coi như không gửi bản giấy"),
    "raw_flag": _("Dấu hiệu có/không không đọc được; coi như không"),
    "unknown_status_code": _("Mã trạng thái không thuộc các mã đã biết"),
    "status_reason_missing": _("Trạng thái trả lại hoặc từ chối không kèm lý do"),
    # Business
    "no_business": _("Gói tin không có thông tin nghiệp vụ; coi là văn bản mới"),
    "business_spelling": _("Thông tin nghiệp vụ ghi tên phần tử theo cách viết khác (Business)"),
    "business_reason_missing": _("Thu hồi, cập nhật hoặc thay thế không kèm lý do"),
    "business_target_missing": _("Thu hồi, cập nhật hoặc thay thế không ghi mã văn bản liên quan; dùng mã văn bản "
                                 "của gói tin"),
    "receiver_type_unknown": _("Loại thay đổi nơi nhận không đọc được; bỏ qua nơi nhận này"),
    "replacement_incomplete": _("Thông tin văn bản bị thay thế không có mã văn bản; bỏ qua"),
    # Form of the package
    "legacy_namespace": _("Gói tin theo lược đồ cũ (http://www.go.vn/eDoc)"),
    "namespace_unknown": _("Gói tin không dùng không gian tên của QCVN 102:2016"),
    "namespace_prefix_undeclared": _("Gói tin dùng tiền tố không gian tên chưa khai báo; đã tự bổ sung khai báo để "
                                     "đọc"),
    "sdk_variant": _("Gói tin theo biến thể của bộ công cụ mẫu (.NET SDK)"),
    # Attachments
    "no_cid_prefix": _("Mã tệp đính kèm không có tiền tố cid:"),
    "content_id_missing": _("Tệp đính kèm không có mã tệp; đã tự đặt mã"),
    "reference_without_content_id": _("Một mục của danh sách tệp không có mã tệp; bỏ qua mục này"),
    "unreferenced_attachment": _("Tệp đính kèm không có trong danh sách tệp của gói tin"),
    "raw_attachment": _("Tệp đính kèm gửi không nén"),
    "transfer_encoding_variant": _("Tệp đính kèm được mã hóa theo cách khác chuẩn; đã đọc được"),
    "zip_unreadable": _("Tệp đính kèm trông như tệp nén nhưng không giải nén được; giữ nguyên"),
    "content_type_missing": _("Tệp đính kèm không khai báo loại tệp; đã xác định theo tên và nội dung tệp"),
    "content_type_corrected": _("Loại tệp khai báo không dùng được; đã xác định theo tên và nội dung tệp"),
    "attachment_extension_added": _("Tên tệp đính kèm không có phần mở rộng; đã thêm theo loại tệp"),
    "unsafe_attachment_name": _("Tên tệp đính kèm có thư mục hoặc ký tự điều khiển; đã làm sạch"),
    "unnamed_attachment": _("Tệp đính kèm không có tên; đã đặt tên"),
    # Signature
    "signature_namespace": _("Chữ ký không đúng không gian tên XML-DSig, không kiểm tra được"),
    "signature_unverifiable": _("Chữ ký số của gói tin không kiểm tra được"),
}

WARNING_CODES = frozenset(_MESSAGES)
_AGENCY_ROLE = "vai trò cơ quan trong gói tin"  # translation context: "nơi nhận" here is one recipient


def _where(element: str) -> _StrPromise:
    """Which agency an element path is about."""
    if "/ResponseFor" in element:
        return pgettext_lazy(_AGENCY_ROLE, "cơ quan ban hành văn bản được trả lời")
    if "/From" in element:
        return pgettext_lazy(_AGENCY_ROLE, "nơi gửi")
    if "/To" in element:
        return pgettext_lazy(_AGENCY_ROLE, "nơi nhận")
    if "/TraceHeader" in element:
        return pgettext_lazy(_AGENCY_ROLE, "một bước chuyển gói tin")
    if "/Receiver" in element:
        return pgettext_lazy(_AGENCY_ROLE, "nơi nhận được cập nhật")
    if "/ReplacementInfo" in element:
        return pgettext_lazy(_AGENCY_ROLE, "nơi nhận văn bản bị thay thế")
    return pgettext_lazy(_AGENCY_ROLE, "cơ quan")


def warning_message(code: str, element: str) -> _StrPromise:
    """The message of a warning, in the active language; ``KeyError`` for a code this library does not know."""
    template = _MESSAGES[code]
    return format_lazy(template, where=_where(element)) if code.startswith("organ_") else template


def warning_make(code: str, element: str, value: str = "") -> PackageWarning:
    """A warning with its Vietnamese message. Raw values are cut at 200 characters (they are shown, not used)."""
    return PackageWarning(code=code, element=element, message=str(warning_message(code, element)),
                          value=value.strip()[:200])
