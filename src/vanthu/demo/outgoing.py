"""Outgoing documents of Tỉnh Demo in every state, really signed with the demo PKI (``vanthu demo-sign``).

Runs after ``vanthu demo-load`` and ``vanthu pki init`` (which registers the demo leaders' and agencies' key
devices, PIN ``123456``). Everything goes through the real services: drafting from the built-in ND30 templates
(and from a DOCX when LibreOffice is installed), the review route, the leader's PAdES signature, the number and
date filled into the signed PDF, the agency's signature with the seal, the issue to units and to other demo
agencies, and the recipients' own moves (register, assign, process, complete, return; agree to or refuse a
recall), so the statuses 01–06, 13, 15 and 16 flow back to the sender exactly as they do in use.

Signing needs the demo PKI's TSA and OCSP service: when nothing answers on its port, the service is started in
this process for the duration. KHÔNG DÙNG CHO MỤC ĐÍCH THẬT — the demo certificates have no legal value.
"""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError
from vanthu.demo.data import AGENCIES, PLACE, AgencySpec
from vanthu.demo.loader import demo_exists
from vanthu.demo.pdf import DemoLetter, demo_letter_pdf
from vanthu.documents.convert import office_available
from vanthu.documents.enums import Confidentiality, Priority
from vanthu.documents.inputs import UploadedContent
from vanthu.documents.models import DocumentType, IncomingDocument
from vanthu.documents.outgoing.distribution import ExternalRecipient
from vanthu.documents.outgoing.enums import OutgoingState, ReviewKind
from vanthu.documents.outgoing.inputs import OutgoingInput, Route, RouteStep, TemplateInput
from vanthu.documents.outgoing.models import DeliveryKind, OutgoingDelivery, OutgoingDocument
from vanthu.documents.outgoing.services import (
    outgoing_attachment_add,
    outgoing_cancel,
    outgoing_create,
    outgoing_issue,
    outgoing_mark_signed_on_paper,
    outgoing_number,
    outgoing_recall,
    outgoing_seal_batch_start,
    outgoing_sign_personal,
    outgoing_submit,
    outgoing_void,
    review_approve,
    review_return,
)
from vanthu.documents.recall import incoming_recall_agree, incoming_recall_refuse
from vanthu.documents.services import incoming_present, incoming_register, incoming_return
from vanthu.exchange.outbox import hub_configured
from vanthu.organizations.actor import Actor, actor_for
from vanthu.organizations.models import Agency, Unit, User
from vanthu.signing.config import signing_config_reset, tsa_url
from vanthu.signing.models import CertificateKind, KeyDevice, KeyDeviceKind, SigningJob, SigningJobState
from vanthu.signing.pki.builder import load_pki
from vanthu.signing.pki.register import DEMO_PIN
from vanthu.signing.pki.service import PkiService
from vanthu.signing.selectors import key_devices_for, seal_image_for, signature_image_for
from vanthu.signing.tasks import signing_job_wait
from vanthu.workflows.enums import HandlerRole
from vanthu.workflows.models import Assignment
from vanthu.workflows.services import (
    DirectionInput,
    Handler,
    assignment_complete,
    assignment_delegate,
    direction_create,
    processing_note_add,
)

S = OutgoingState
SENDERS = ("ubnd", "sotc", "sonv")  # the agencies whose outgoing work the demo shows, in this order
RECALL_AGREE, RECALL_REFUSE = "15", "16"


@dataclass(frozen=True)
class DemoSignSummary:
    created: bool  # False when the demo's outgoing documents were already there and nothing was done
    documents: int
    states: dict[str, int]  # OutgoingState value → count, over the demo agencies
    senders: tuple[str, ...]  # names of the agencies that drafted and signed
    docx: bool  # whether a DOCX draft was converted (LibreOffice installed)
    started_pki: bool  # whether the PKI service was started in this process
    seconds: float


# --- The documents ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """One outgoing document of the demo and how far it goes."""

    sender: int  # index into the agencies that can sign (SENDERS order, wrapping around)
    target: str  # OutgoingState value
    type_code: str
    subject: str
    body: str
    to_places: str
    signer: str = "head"  # or "deputy" (KT.)
    capacity: str = ""  # "TM." for a collective decision; deputies always sign KT.
    addressees: str = ""
    priority: int = Priority.NORMAL
    confidentiality: int = Confidentiality.NONE
    recipients: tuple[tuple[str, str], ...] = ()  # (agency slug, status code the recipient reaches)
    external: tuple[tuple[str, str], ...] = ()  # (QCVN 102 code, name): through the hub, when one is connected
    attachment: str = ""  # title of a phụ lục in a separate file
    docx: bool = False
    reason: str = ""  # of a return, cancel, void or recall
    summary: str = ""


CONG_VAN_CDS = (
    "Thực hiện Nghị quyết của Ban Chấp hành Đảng bộ tỉnh về chuyển đổi số đến năm 2025, định hướng đến năm 2030 "
    "và Kế hoạch chuyển đổi số tỉnh Demo năm {y}, Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành và Ủy ban "
    "nhân dân các huyện, thị xã thực hiện tốt một số nội dung sau:\n\n"
    "1. Xây dựng, ban hành kế hoạch chuyển đổi số của cơ quan, đơn vị trước ngày 15 của tháng tiếp theo; bảo đảm "
    "100% văn bản đi được ký số và gửi, nhận trên môi trường mạng, trừ văn bản mật theo quy định.\n\n"
    "2. Phân công một lãnh đạo phụ trách và một công chức đầu mối về chuyển đổi số; rà soát, cấp chứng thư số "
    "cho lãnh đạo và văn thư cơ quan theo Nghị định số 30/2020/NĐ-CP.\n\n"
    "3. Định kỳ hằng quý báo cáo kết quả thực hiện (theo Phụ lục kèm theo) về Ủy ban nhân dân tỉnh (qua Phòng "
    "Tổng hợp) để tổng hợp, báo cáo cấp có thẩm quyền./."
)

PLANS: tuple[Plan, ...] = (
    # Ủy ban nhân dân tỉnh.
    Plan(0, S.ISSUED, "CONG_VAN", "triển khai Kế hoạch chuyển đổi số tỉnh Demo năm {y}", CONG_VAN_CDS,
         "Như trên;\nBộ Thông tin và Truyền thông (để báo cáo);\nChủ tịch, các PCT UBND tỉnh;\nCVP, PCVP UBND tỉnh;",
         signer="deputy", priority=Priority.URGENT, external=(("000.00.00.G17", "Bộ Thông tin và Truyền thông"),),
         addressees="Các sở, ban, ngành tỉnh; Ủy ban nhân dân các huyện, thị xã",
         recipients=(("soyt", "06"), ("soxd", "05"), ("sokhdt", "04"), ("dongson", "03"), ("tayhoa", "02"),
                     ("bacthanh", "01")),
         attachment="Danh mục nhiệm vụ chuyển đổi số năm {y}",
         summary="Giao các sở, ngành, địa phương xây dựng kế hoạch và báo cáo kết quả chuyển đổi số hằng quý.",
         reason="Văn bản gửi nhầm: đơn vị đã nhận văn bản qua đường bưu chính, đề nghị không gửi trùng."),
    Plan(0, S.RECALLED, "QUYET_DINH", "Về việc thành lập Đoàn kiểm tra công tác văn thư, lưu trữ năm {y}",
         "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n\n"
         "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;\n\n"
         "Theo đề nghị của Giám đốc Sở Nội vụ.\n\n"
         "QUYẾT ĐỊNH:\n\n"
         "Điều 1. Thành lập Đoàn kiểm tra công tác văn thư, lưu trữ năm {y} tại các sở, ban, ngành và Ủy ban nhân "
         "dân các huyện, thị xã.\n\n"
         "Điều 2. Đoàn kiểm tra có nhiệm vụ kiểm tra việc soạn thảo, ký số, ban hành, quản lý văn bản và lập hồ sơ "
         "điện tử; tổng hợp kết quả, báo cáo Chủ tịch Ủy ban nhân dân tỉnh.\n\n"
         "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.",
         "Như Điều 3;\nSở Nội vụ;", capacity="TM.",
         recipients=(("sokhdt", "03"), ("soyt", "04")),
         reason="Thành phần Đoàn kiểm tra chưa đúng quy định; sẽ ban hành quyết định thay thế."),
    Plan(0, S.SEALED, "QUYET_DINH",
         "Về việc ban hành Quy chế quản lý, sử dụng chữ ký số trong các cơ quan nhà nước tỉnh Demo",
         "Căn cứ Luật Giao dịch điện tử ngày 22 tháng 6 năm 2023;\n\n"
         "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư.\n\n"
         "QUYẾT ĐỊNH:\n\n"
         "Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý, sử dụng chữ ký số trong các cơ quan nhà nước "
         "tỉnh Demo.\n\n"
         "Điều 2. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, Thủ trưởng các "
         "sở, ban, ngành chịu trách nhiệm thi hành Quyết định này.",
         "Như Điều 2;\nVăn phòng Chính phủ;", capacity="TM.", recipients=(("sonv", ""), ("sotc", ""))),
    Plan(0, S.AWAITING_SIGNATURE, "TO_TRINH",
         "Đề nghị thông qua Nghị quyết quy định mức chi bảo đảm cho công tác cải cách hành chính",
         "Thực hiện Luật Ban hành văn bản quy phạm pháp luật, Ủy ban nhân dân tỉnh kính trình Hội đồng nhân dân "
         "tỉnh xem xét, thông qua Nghị quyết quy định mức chi bảo đảm cho công tác cải cách hành chính trên địa "
         "bàn tỉnh Demo.\n\n"
         "Dự thảo Nghị quyết đã được lấy ý kiến các sở, ngành và thẩm định theo quy định. Ủy ban nhân dân tỉnh "
         "kính trình Hội đồng nhân dân tỉnh xem xét, quyết định./.",
         "Như trên;\nThường trực HĐND tỉnh;", capacity="TM.", addressees="Hội đồng nhân dân tỉnh Demo"),
    Plan(0, S.IN_REVIEW, "GIAY_MOI", "Dự Hội nghị tổng kết công tác văn thư, lưu trữ năm {y}",
         "Ủy ban nhân dân tỉnh tổ chức Hội nghị tổng kết công tác văn thư, lưu trữ năm {y} và triển khai nhiệm vụ "
         "năm {n}.\n\n"
         "Thời gian: 08 giờ 00, thứ Năm tuần sau. Địa điểm: Hội trường Ủy ban nhân dân tỉnh.\n\n"
         "Đề nghị các đại biểu bố trí thời gian tham dự đúng giờ./.",
         "Như trên;", signer="deputy", addressees="Lãnh đạo và văn thư các sở, ban, ngành tỉnh"),
    Plan(0, S.ISSUED, "CONG_VAN", "cung cấp thông tin phục vụ công tác bảo vệ bí mật nhà nước",
         "Để phục vụ công tác bảo vệ bí mật nhà nước năm {y}, Ủy ban nhân dân tỉnh đề nghị Phòng Tổng hợp rà "
         "soát, thống kê danh mục tài liệu mật đang quản lý và báo cáo bằng văn bản giấy./.",
         "Như trên;", confidentiality=Confidentiality.SECRET, addressees="Phòng Tổng hợp"),
    Plan(0, S.AWAITING_SIGNATURE, "CONG_VAN", "đôn đốc thực hiện các chỉ tiêu kinh tế - xã hội 6 tháng cuối năm {y}",
         "Kết quả 6 tháng đầu năm {y} cho thấy một số chỉ tiêu kinh tế - xã hội đạt thấp so với kế hoạch, nhất là "
         "giải ngân vốn đầu tư công và thu ngân sách nhà nước.\n\n"
         "Chủ tịch Ủy ban nhân dân tỉnh yêu cầu Thủ trưởng các sở, ban, ngành và Chủ tịch Ủy ban nhân dân các "
         "huyện, thị xã tập trung chỉ đạo, có giải pháp cụ thể để hoàn thành các chỉ tiêu được giao; báo cáo kết quả "
         "trước ngày 25 hằng tháng./.",
         "Như trên;", signer="deputy", docx=True,
         addressees="Các sở, ban, ngành tỉnh; Ủy ban nhân dân các huyện, thị xã"),
    Plan(0, S.DRAFTING, "THONG_BAO", "Lịch tiếp công dân định kỳ của lãnh đạo Ủy ban nhân dân tỉnh quý IV năm {y}",
         "Ủy ban nhân dân tỉnh thông báo lịch tiếp công dân định kỳ của Chủ tịch và các Phó Chủ tịch Ủy ban nhân "
         "dân tỉnh quý IV năm {y} tại Trụ sở Tiếp công dân tỉnh vào ngày 15 hằng tháng./.",
         "Ban Tiếp công dân tỉnh;", signer="deputy"),
    # Sở Tài chính.
    Plan(1, S.ISSUED, "TO_TRINH", "Đề nghị phê duyệt dự toán kinh phí thực hiện chuyển đổi số năm {n}",
         "Căn cứ Kế hoạch chuyển đổi số tỉnh Demo năm {n}, Sở Tài chính đã tổng hợp nhu cầu kinh phí của các sở, "
         "ngành và địa phương.\n\n"
         "Sở Tài chính kính trình Ủy ban nhân dân tỉnh xem xét, phê duyệt dự toán kinh phí thực hiện chuyển đổi số "
         "năm {n} với tổng số 12.500 triệu đồng, trong đó: chi đầu tư phát triển 9.800 triệu đồng; chi thường "
         "xuyên 2.700 triệu đồng./.",
         "Như trên;", addressees="Ủy ban nhân dân tỉnh Demo",
         recipients=(("ubnd", "05"), ("sokhdt", "03"))),
    Plan(1, S.NUMBERED, "THONG_BAO", "Kết quả thẩm định quyết toán dự án hoàn thành năm {y}",
         "Sở Tài chính thông báo kết quả thẩm định quyết toán các dự án hoàn thành sử dụng vốn ngân sách tỉnh năm "
         "{y} như sau: đã thẩm định 24 dự án, giá trị đề nghị quyết toán 315.420 triệu đồng; giá trị được duyệt "
         "311.870 triệu đồng./.",
         "Các chủ đầu tư;", signer="deputy"),
    Plan(1, S.SIGNED, "CONG_VAN", "hướng dẫn xây dựng dự toán ngân sách nhà nước năm {n}",
         "Căn cứ Luật Ngân sách nhà nước và hướng dẫn của Bộ Tài chính, Sở Tài chính hướng dẫn các cơ quan, đơn "
         "vị xây dựng dự toán ngân sách nhà nước năm {n} bảo đảm đúng thời hạn, đầy đủ thuyết minh cơ sở tính "
         "toán và gửi về Sở Tài chính trước ngày 20 tháng 7 năm {y}./.",
         "Như trên;", signer="deputy", addressees="Các sở, ban, ngành tỉnh"),
    Plan(1, S.CHANGES_REQUESTED, "CONG_VAN", "báo cáo tình hình thực hiện tiết kiệm chi thường xuyên năm {y}",
         "Đề nghị các cơ quan, đơn vị báo cáo kết quả thực hiện tiết kiệm 10% chi thường xuyên năm {y}./.",
         "Như trên;", signer="deputy", addressees="Các sở, ban, ngành tỉnh",
         reason="Đề nghị bổ sung biểu mẫu báo cáo và thời hạn gửi báo cáo cụ thể."),
    Plan(1, S.VOIDED, "GIAY_MOI", "Dự tập huấn nghiệp vụ quản lý tài chính, tài sản công năm {y}",
         "Sở Tài chính tổ chức lớp tập huấn nghiệp vụ quản lý tài chính, tài sản công năm {y} cho kế toán các cơ "
         "quan, đơn vị. Đề nghị các đơn vị cử cán bộ tham dự đầy đủ./.",
         "Như trên;", signer="deputy", addressees="Kế toán các cơ quan, đơn vị",
         reason="Hoãn lớp tập huấn; văn bản đã cấp số nhưng chưa phát hành."),
    Plan(1, S.DRAFTING, "QUYET_DINH", "Về việc giao bổ sung dự toán chi ngân sách năm {y}",
         "Điều 1. Giao bổ sung dự toán chi ngân sách năm {y} cho các đơn vị theo phụ lục kèm theo.\n\n"
         "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
         "Như Điều 2;"),
    # Sở Nội vụ.
    Plan(2, S.ISSUED, "GIAY_MOI", "Dự Hội nghị triển khai công tác tuyển dụng công chức năm {y}",
         "Sở Nội vụ tổ chức Hội nghị triển khai công tác tuyển dụng công chức năm {y}.\n\n"
         "Thời gian: 14 giờ 00, thứ Ba tuần sau. Địa điểm: Phòng họp tầng 3, Sở Nội vụ.\n\n"
         "Đề nghị các đơn vị cử lãnh đạo phụ trách công tác tổ chức cán bộ tham dự./.",
         "Như trên;", signer="deputy", addressees="Các sở, ban, ngành; Ủy ban nhân dân các huyện, thị xã",
         recipients=(("sotc", "06"), ("dongson", "04"), ("anlac", "01"))),
    Plan(2, S.CANCELLED, "QUYET_DINH", "Về việc cử công chức tham dự lớp bồi dưỡng quản lý nhà nước",
         "Điều 1. Cử các công chức có tên trong danh sách kèm theo tham dự lớp bồi dưỡng kiến thức quản lý nhà "
         "nước chương trình chuyên viên chính.\n\n"
         "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
         "Như Điều 2;", reason="Lớp bồi dưỡng đổi thời gian; sẽ soạn quyết định khác."),
    Plan(2, S.AWAITING_SIGNATURE, "CONG_VAN",
         "hướng dẫn đánh giá, xếp loại chất lượng cán bộ, công chức năm {y}",
         "Căn cứ Nghị định số 90/2020/NĐ-CP của Chính phủ về đánh giá, xếp loại chất lượng cán bộ, công chức, "
         "viên chức, Sở Nội vụ hướng dẫn các cơ quan, đơn vị tổ chức đánh giá, xếp loại năm {y} và gửi kết quả về "
         "Sở Nội vụ trước ngày 15 tháng 12 năm {y}./.",
         "Như trên;", addressees="Các sở, ban, ngành tỉnh"),
)

ATTACHMENT_ROWS = (
    "1. Ban hành kế hoạch chuyển đổi số của cơ quan, đơn vị - hạn: tháng thứ nhất",
    "2. Cấp chứng thư số cho lãnh đạo, văn thư - hạn: tháng thứ hai",
    "3. Gửi, nhận văn bản điện tử có ký số - hạn: thường xuyên",
    "4. Báo cáo kết quả thực hiện - hạn: ngày 20 tháng cuối quý",
)


# --- People -------------------------------------------------------------------------------------------------------


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _actor(username: str) -> Actor:
    user = _user(username)
    if user is None:
        raise ApplicationError("demo.user_missing", _("Không tìm thấy tài khoản mẫu %(name)s.") % {"name": username})
    return actor_for(user)


def _head_login(spec: AgencySpec) -> str:
    return "chutich" if spec.head == "Chủ tịch" else "giamdoc"


@dataclass
class Sender:
    """A demo agency that drafts, signs and issues: its people and their demo key devices."""

    spec: AgencySpec
    agency: Agency
    clerk: Actor
    head: Actor
    deputy: Actor
    format_checker: Actor
    unit_leader: Actor
    specialist: Actor
    devices: dict[str, KeyDevice] = field(default_factory=dict)  # "head", "deputy", "agency"

    @property
    def units(self) -> list[Unit]:
        """The agency's units except the clerk's office, which keeps the archive copy anyway."""
        units = Unit.objects.filter(agency=self.agency, is_active=True)
        if self.clerk.unit_id is not None:
            units = units.exclude(pk=self.clerk.unit_id)
        return list(units.order_by("id"))


def _personal_device(actor: Actor) -> KeyDevice | None:
    if signature_image_for(actor.user) is None:
        return None
    return key_devices_for(actor=actor, kind=CertificateKind.PERSONAL).filter(kind=KeyDeviceKind.PKCS12).first()


def _sender(spec: AgencySpec) -> Sender | None:
    """The agency's people, if it exists and the demo PKI registered its devices and images; else ``None``."""
    agency = Agency.objects.filter(organ_id=spec.organ_id).first()
    if agency is None or spec.level == "COMMUNE" or seal_image_for(agency) is None:
        return None
    s, head_login = spec.slug, _head_login(spec)
    unit = spec.units[1]
    sender = Sender(
        spec=spec, agency=agency, clerk=_actor(f"vanthu.{s}"), head=_actor(f"{head_login}.{s}"),
        deputy=_actor(f"pho{head_login}.{s}"), format_checker=_actor(f"chanhvanphong.{s}"),
        unit_leader=_actor(f"truongphong.{unit.slug}.{s}"), specialist=_actor(f"chuyenvien.{unit.slug}.{s}"),
    )
    agency_device = key_devices_for(actor=sender.clerk, kind=CertificateKind.ORGANISATION).filter(
        kind=KeyDeviceKind.PKCS12).first()
    head_device, deputy_device = _personal_device(sender.head), _personal_device(sender.deputy)
    if agency_device is None or head_device is None or deputy_device is None:
        return None
    sender.devices = {"head": head_device, "deputy": deputy_device, "agency": agency_device}
    return sender


@dataclass
class Recipient:
    """A receiving agency: its clerk, its head and the unit (or, in a commune, the civil servant) it assigns."""

    agency: Agency
    clerk: Actor
    head: Actor
    unit_leader: Actor | None
    specialist: Actor

    def lead(self) -> Handler:
        if self.unit_leader is not None and self.unit_leader.unit_id is not None:
            return Handler(unit_id=self.unit_leader.unit_id)
        return Handler(user_id=self.specialist.user.pk)


def _recipient(slug: str) -> Recipient | None:
    spec = next((a for a in AGENCIES if a.slug == slug), None)
    agency = Agency.objects.filter(organ_id=spec.organ_id).first() if spec else None
    if spec is None or agency is None:
        return None
    s = spec.slug
    if spec.level == "COMMUNE":
        leader, specialist = None, _actor(f"congchuc.{spec.units[1].slug}.{s}")
    else:
        unit = spec.units[1]
        leader, specialist = _actor(f"truongphong.{unit.slug}.{s}"), _actor(f"chuyenvien.{unit.slug}.{s}")
    return Recipient(agency=agency, clerk=_actor(f"vanthu.{s}"), head=_actor(f"{_head_login(spec)}.{s}"),
                     unit_leader=leader, specialist=specialist)


# --- The demo PKI service ----------------------------------------------------------------------------------------


def _manifest(directory: Path) -> dict[str, object]:
    try:
        data: dict[str, object] = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ApplicationError(
            "demo.no_pki", _("Chưa có PKI demo tại %(dir)s: chạy `vanthu pki init` trước.") % {"dir": directory},
        ) from exc
    return data


def _service_answers(crl_url: str) -> bool:
    """True when the demo PKI service answers on its port; False when nothing listens there."""
    try:
        with urllib.request.urlopen(crl_url, timeout=5) as response:  # noqa: S310 - our own loopback URL
            return bool(response.status == 200)
    except urllib.error.HTTPError as exc:
        raise ApplicationError(
            "demo.pki_port_busy",
            _("Cổng của dịch vụ PKI demo (%(url)s) đang được chương trình khác dùng.") % {"url": crl_url},
        ) from exc
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def demo_pki_running(directory: Path) -> Iterator[bool]:
    """Make sure the demo PKI's TSA/OCSP/CRL service answers while the block runs: use the running one (``vanthu
    pki serve``), else serve it from a thread of this process until the block ends. Yields whether it was started
    here. The signing code's TSA is the demo one unless the installation configured its own."""
    manifest = _manifest(directory)
    services = manifest.get("services")
    urls = services if isinstance(services, dict) else {}
    crl, tsa = str(urls.get("crl_url", "")), str(urls.get("tsa_url", ""))
    service: PkiService | None = None
    if not _service_answers(crl):
        location = urlsplit(crl)
        service = PkiService(host=location.hostname or "127.0.0.1", port=location.port or 80)
        try:
            service.mount(load_pki(directory))
            service.start()
        except BaseException:
            service.stop()
            raise
    previous_tsa = getattr(settings, "VANTHU_TSA_URL", "")
    own_tsa = not tsa_url()
    if own_tsa:
        settings.VANTHU_TSA_URL = tsa
        signing_config_reset()
    try:
        yield service is not None
    finally:
        if own_tsa:
            settings.VANTHU_TSA_URL = previous_tsa
            signing_config_reset()
        if service is not None:
            service.stop()


# --- Files ---------------------------------------------------------------------------------------------------------


def _docx_paragraph(text: str, *, bold: bool = False, italic: bool = False, center: bool = False,
                    size: int = 14, body: bool = False) -> str:
    props = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    if body:  # ND30: justified, first line indented 1-1.27 cm, 6 pt between paragraphs
        props = '<w:pPr><w:spacing w:after="120"/><w:ind w:firstLine="680"/><w:jc w:val="both"/></w:pPr>'
    if not text:
        return f"<w:p>{props}</w:p>"
    run = ('<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
           f'{"<w:b/>" if bold else ""}{"<w:i/>" if italic else ""}<w:sz w:val="{size * 2}"/></w:rPr>')
    return f'<w:p>{props}<w:r>{run}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _docx_row(left: list[str], right: list[str], widths: tuple[int, int]) -> str:
    cells = "".join(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{"".join(paras)}</w:tc>'
                    for paras, w in ((left, widths[0]), (right, widths[1])))
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return f"<w:tbl><w:tblGrid>{grid}</w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr></w:tbl>"


def demo_docx(*, agency: Agency, unit_abbr: str, subject: str, addressees: str, paragraphs: list[str],
              capacity: str, title: str, signer_name: str) -> bytes:
    """A công văn as a drafter would type it in Word (ND30 Phụ lục I): header and signer block in borderless
    two-column tables, a blank number and date for the clerk."""
    year = timezone.localdate().year
    parent = agency.parent.name.upper() if agency.parent else ""
    header_left = ([_docx_paragraph(parent, center=True, size=13)] if parent else []) + [
        _docx_paragraph(agency.name.upper(), bold=True, center=True, size=13),
        _docx_paragraph(f"Số:        /{agency.abbreviation}-{unit_abbr}", center=True, size=13),
        _docx_paragraph(f"V/v {subject}", center=True, size=12),
    ]
    header_right = [
        _docx_paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, center=True, size=12),
        _docx_paragraph("Độc lập - Tự do - Hạnh phúc", bold=True, center=True, size=13),
        _docx_paragraph(f"{agency.place_name or PLACE}, ngày      tháng      năm {year}", italic=True, center=True),
    ]
    body = [_docx_paragraph(f"Kính gửi: {addressees}", center=True), _docx_paragraph(""),
            *(_docx_paragraph(p, body=True) for p in paragraphs)]
    places = [_docx_paragraph("Nơi nhận:", bold=True, italic=True, size=12), _docx_paragraph("- Như trên;", size=11),
              _docx_paragraph(f"- Lưu: VT, {unit_abbr}.", size=11)]
    signer = [*([_docx_paragraph(capacity.upper(), bold=True, center=True)] if capacity else []),
              _docx_paragraph(title.upper(), bold=True, center=True),
              *(_docx_paragraph("") for _ in range(5)), _docx_paragraph(signer_name, bold=True, center=True)]
    margins = '<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701" w:header="0" w:footer="0"/>'
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        f"{_docx_row(header_left, header_right, (4100, 5500))}{_docx_paragraph('')}{''.join(body)}"
        f"{_docx_row(places, signer, (4500, 5000))}"
        f'<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>{margins}</w:sectPr></w:body></w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>'))
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def attachment_pdf(*, title: str, note: str, rows: tuple[str, ...]) -> bytes:
    """A phụ lục in a separate file (ND30 Phụ lục I): the title, "(Kèm theo …)" and the list; the agency's
    signature stamp goes to its top right corner when the document is sealed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from vanthu.documents.registers.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, serif_fonts_register

    serif_fonts_register()
    def centred(name: str, font: str) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=14, leading=18, alignment=1)

    story = [
        Spacer(1, 12 * mm),
        Paragraph("PHỤ LỤC", centred("t", SERIF_BOLD)),
        Paragraph(escape(title.upper()), centred("s", SERIF_BOLD)),
        Paragraph(escape(note), centred("n", SERIF_ITALIC)),
        Spacer(1, 8 * mm),
        *(Paragraph(escape(row), ParagraphStyle("r", fontName=SERIF, fontSize=13, leading=20)) for row in rows),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm, title=title).build(story)
    return buffer.getvalue()


# --- Building ------------------------------------------------------------------------------------------------------


class OutgoingLoader:
    def __init__(self, senders: list[Sender]) -> None:
        self.senders = senders
        today = timezone.localdate()
        self.years = {"y": today.year, "n": today.year + 1}
        self.types = {t.code: t for t in DocumentType.objects.all()}
        self.docx = office_available()
        self.recipients: dict[str, Recipient | None] = {}

    def text(self, text: str) -> str:
        return text.format(**self.years)

    def _recipient(self, slug: str, sender: Sender) -> Recipient | None:
        if slug not in self.recipients:
            self.recipients[slug] = _recipient(slug)
        found = self.recipients[slug]
        return found if found is not None and found.agency.pk != sender.agency.pk else None

    def _signer(self, plan: Plan, sender: Sender) -> tuple[Actor, str, str, str]:
        """(signer, capacity, title, authority) per ND30 Phụ lục I: a deputy signs KT. for the head."""
        if plan.signer == "deputy":
            return sender.deputy, "KT.", sender.spec.deputy, sender.spec.head
        if plan.capacity == "TM." and sender.spec.head == "Chủ tịch":  # a collective body: TM. ỦY BAN NHÂN DÂN
            return sender.head, "TM.", sender.spec.head, "Ủy ban nhân dân"
        return sender.head, "", sender.spec.head, ""

    def _draft(self, plan: Plan, sender: Sender) -> OutgoingDocument:
        signer, capacity, title, authority = self._signer(plan, sender)
        recipients = [r for slug, _code in plan.recipients if (r := self._recipient(slug, sender)) is not None]
        data = OutgoingInput(
            document_type_id=self.types[plan.type_code].pk, subject=self.text(plan.subject),
            summary=plan.summary, priority=plan.priority, confidentiality=plan.confidentiality,
            signer_id=signer.user.pk, signing_capacity=capacity, signer_title=title,
            recipient_ids=tuple(r.agency.pk for r in recipients),
            to_places="\n".join([*plan.to_places.splitlines(),
                                 *(f"{r.agency.name};" for r in recipients if r.agency.name not in plan.to_places)]),
        )
        drafter = sender.specialist
        if plan.docx and self.docx:
            unit_abbr = drafter.unit.abbreviation if drafter.unit else "VP"
            source = demo_docx(agency=sender.agency, unit_abbr=unit_abbr, subject=data.subject,
                               addressees=plan.addressees, paragraphs=self.text(plan.body).split("\n\n"),
                               capacity=f"{capacity} {sender.spec.head}" if capacity else "", title=title,
                               signer_name=signer.user.full_name)
            return outgoing_create(actor=drafter, data=data, source=UploadedContent("du-thao-cong-van.docx", source),
                                   note=_("Dự thảo soạn bằng Word"))
        template = TemplateInput(body=self.text(plan.body), addressees=plan.addressees, authority=authority,
                                 place_name=sender.agency.place_name or PLACE)
        return outgoing_create(actor=drafter, data=data, template=template)

    def _route(self, sender: Sender) -> Route:
        return Route((RouteStep(sender.unit_leader.user.pk, ReviewKind.CONTENT),
                      RouteStep(sender.format_checker.user.pk, ReviewKind.FORMAT)))

    def build(self, plan: Plan) -> OutgoingDocument:
        sender = self.senders[plan.sender % len(self.senders)]
        document = self._draft(plan, sender)
        pk = document.pk
        if plan.target == S.DRAFTING:
            return document
        if plan.target == S.CANCELLED:
            return outgoing_cancel(actor=sender.specialist, document_id=pk, reason=plan.reason)
        if plan.attachment:
            note = f"(Kèm theo {document.document_type.name} của {sender.agency.name})"
            pdf = attachment_pdf(title=self.text(plan.attachment), note=note, rows=ATTACHMENT_ROWS)
            outgoing_attachment_add(actor=sender.specialist, document_id=pk,
                                    upload=UploadedContent("phu-luc-01.pdf", pdf))
        outgoing_submit(actor=sender.specialist, document_id=pk, route=self._route(sender))
        if plan.target == S.CHANGES_REQUESTED:
            return review_return(actor=sender.unit_leader, document_id=pk, comment=plan.reason)
        review_approve(actor=sender.unit_leader, document_id=pk, comment=_("Đồng ý nội dung."))
        if plan.target == S.IN_REVIEW:
            return OutgoingDocument.objects.get(pk=pk)
        review_approve(actor=sender.format_checker, document_id=pk, comment=_("Đúng thể thức."))
        if plan.target == S.AWAITING_SIGNATURE:
            return OutgoingDocument.objects.get(pk=pk)
        self._sign(plan, sender, pk)
        if plan.target == S.SIGNED:
            return OutgoingDocument.objects.get(pk=pk)
        document = outgoing_number(actor=sender.clerk, document_id=pk)
        if plan.target == S.NUMBERED:
            return document
        if plan.target == S.VOIDED:
            return outgoing_void(actor=sender.clerk, document_id=pk, reason=plan.reason)
        if not plan.confidentiality:
            self._seal(sender, pk)
        if plan.target == S.SEALED:
            return OutgoingDocument.objects.get(pk=pk)
        self._issue(plan, sender, pk)
        if plan.target == S.RECALLED:
            self._recall(plan, sender, pk)
        return OutgoingDocument.objects.get(pk=pk)

    def _sign(self, plan: Plan, sender: Sender, pk: int) -> None:
        if plan.confidentiality:
            # Secret documents are signed by hand (never on the network); the clerk keeps the scan.
            signer, capacity, title, _authority = self._signer(plan, sender)
            document = OutgoingDocument.objects.get(pk=pk)
            unit_abbr = sender.specialist.unit.abbreviation if sender.specialist.unit else "VP"
            scan = DemoLetter(
                parent=sender.agency.parent.name if sender.agency.parent else "", issuer=sender.agency.name,
                reference=f"      /{sender.agency.abbreviation}-{unit_abbr}", place=sender.agency.place_name or PLACE,
                issued=timezone.localdate(), type_name="", subject=f"V/v {document.subject}",
                addressee=plan.addressees, paragraphs=(self.text(plan.body),), recipients=("Như trên;", "Lưu: VT."),
                signer_position=f"{capacity} {title}".strip(), signer_name=signer.user.full_name,
            )
            outgoing_mark_signed_on_paper(actor=sender.clerk, document_id=pk,
                                          scan=UploadedContent("ban-quet-da-ky.pdf", demo_letter_pdf(scan)))
            return
        signer, *_rest = self._signer(plan, sender)
        outgoing_sign_personal(actor=signer, document_id=pk, key_device_id=sender.devices[plan.signer].pk,
                               pin=DEMO_PIN)

    def _seal(self, sender: Sender, pk: int) -> None:
        """Ký số cơ quan through the batch (the clerk's "ký số hàng loạt"), which the demo also shows as a job."""
        job = outgoing_seal_batch_start(actor=sender.clerk, document_ids=[pk],
                                        key_device_id=sender.devices["agency"].pk, pin=DEMO_PIN)
        signing_job_wait(job.pk, timeout=300)
        job = SigningJob.objects.get(pk=job.pk)
        if job.state != SigningJobState.DONE:
            messages = "; ".join(str(e.get("message", "")) for e in job.errors or [])
            raise ApplicationError("demo.seal_failed", _("Ký số cơ quan văn bản mẫu không thành công: %(errors)s")
                                   % {"errors": messages or job.get_state_display()})

    def _issue(self, plan: Plan, sender: Sender, pk: int) -> None:
        units = [u.pk for u in sender.units]
        if plan.confidentiality:
            outgoing_issue(actor=sender.clerk, document_id=pk, unit_ids=units[:1], agency_ids=(),
                           note=_("Phát hành bản giấy (văn bản mật)."))
            return
        recipients = [(r, code) for slug, code in plan.recipients if (r := self._recipient(slug, sender))]
        external = [ExternalRecipient(code, name) for code, name in plan.external] if hub_configured() else []
        outgoing_issue(actor=sender.clerk, document_id=pk, unit_ids=units,
                       agency_ids=tuple(r.agency.pk for r, _code in recipients), external=external)
        copies = {d.agency_id: d.incoming_id for d in OutgoingDelivery.objects.filter(
            document_id=pk, kind=DeliveryKind.AGENCY, incoming__isnull=False)}
        for recipient, code in recipients:
            copy_id = copies.get(recipient.agency.pk)
            if copy_id is not None:
                self._recipient_moves(recipient, copy_id, code, plan.reason)

    def _recipient_moves(self, recipient: Recipient, copy_id: int, code: str, reason: str) -> None:
        """The recipient's own work on its copy, up to the QCVN 102 status ``code`` the sender then sees."""
        if code == "02":
            incoming_return(actor=recipient.clerk, document_id=copy_id, reason=reason)
            return
        if code not in ("03", "04", "05", "06"):
            return
        incoming_register(actor=recipient.clerk, document_id=copy_id)
        if code == "03":
            return
        incoming_present(actor=recipient.clerk, document_id=copy_id, leader_id=recipient.head.user.pk)
        direction_create(actor=recipient.head, document_id=copy_id, data=DirectionInput(
            lead=recipient.lead(), due_in_working_days=10, instruction=_("Giao chủ trì tham mưu, triển khai.")))
        if code == "04":
            return
        lead = Assignment.objects.get(incoming_id=copy_id, role=HandlerRole.LEAD, parent__isnull=True)
        if lead.unit_id is not None and recipient.unit_leader is not None:
            [lead] = assignment_delegate(actor=recipient.unit_leader, assignment_id=lead.pk,
                                         user_ids=[recipient.specialist.user.pk])
        processing_note_add(actor=recipient.specialist, assignment_id=lead.pk,
                            text=_("Đang tổng hợp, xây dựng kế hoạch triển khai."))
        if code == "06":
            assignment_complete(actor=recipient.specialist, assignment_id=lead.pk,
                                result_note=_("Đã triển khai thực hiện, lưu hồ sơ công việc."))

    def _recall(self, plan: Plan, sender: Sender, pk: int) -> None:
        """The leader orders the recall (13); the first recipient agrees (15), the others refuse (16)."""
        outgoing_recall(actor=sender.head, document_id=pk, reason=plan.reason)
        copies = IncomingDocument.objects.filter(
            pk__in=OutgoingDelivery.objects.filter(document_id=pk, kind=DeliveryKind.AGENCY).values("incoming_id"))
        for index, copy in enumerate(copies.order_by("id")):
            recipient = next(r for r in self.recipients.values() if r is not None and r.agency.pk == copy.agency_id)
            if index == 0:
                incoming_recall_agree(actor=recipient.clerk, document_id=copy.pk)
            else:
                incoming_recall_refuse(actor=recipient.clerk, document_id=copy.pk,
                                       reason=_("Văn bản đã được triển khai thực hiện; đề nghị ban hành văn bản "
                                                "điều chỉnh thay vì thu hồi."))


# --- Entry points -------------------------------------------------------------------------------------------------


def _demo_agencies() -> list[Agency]:
    return list(Agency.objects.filter(organ_id__in=[a.organ_id for a in AGENCIES]))


def demo_outgoing_exists() -> bool:
    return OutgoingDocument.objects.filter(agency__in=_demo_agencies()).exists()


def demo_senders() -> list[Sender]:
    """The demo agencies ready to sign (demo PKI registered for their leaders and the agency), SENDERS first."""
    ordered = sorted(AGENCIES, key=lambda a: (SENDERS.index(a.slug) if a.slug in SENDERS else len(SENDERS)))
    found: list[Sender] = []
    for spec in ordered:
        sender = _sender(spec)
        if sender is not None:
            found.append(sender)
        if len(found) == len(SENDERS):
            break
    return found


def _summary(*, created: bool, started: float, senders: list[Sender], docx: bool,
             started_pki: bool) -> DemoSignSummary:
    states = Counter(OutgoingDocument.objects.filter(agency__in=_demo_agencies()).values_list("state", flat=True))
    return DemoSignSummary(created=created, documents=sum(states.values()), states=dict(states),
                           senders=tuple(s.agency.name for s in senders), docx=docx, started_pki=started_pki,
                           seconds=time.monotonic() - started)


def demo_sign(*, pki_dir: Path | None = None) -> DemoSignSummary:
    """Create the demo's outgoing documents in every state (see the module docstring). Does nothing when demo
    outgoing documents already exist.

    Each step is its own transaction, as in use: the agency signatures run as batches in a background thread,
    which must see the committed documents. A failure midway leaves the documents made so far (the message says
    to start again with ``make demo-reset``)."""
    started = time.monotonic()
    if not demo_exists():
        raise ApplicationError("demo.not_loaded", _("Chưa có dữ liệu Tỉnh Demo: chạy `vanthu demo-load` trước."))
    if demo_outgoing_exists():
        return _summary(created=False, started=started, senders=[], docx=False, started_pki=False)
    directory = Path(pki_dir or settings.VANTHU_DEMO_PKI_DIR)
    senders = demo_senders()
    if not senders:
        raise ApplicationError(
            "demo.pki_not_registered",
            _("Chứng thư số demo chưa được đăng ký cho người dùng Tỉnh Demo: chạy `vanthu pki init` trước."),
        )
    loader = OutgoingLoader(senders)
    with demo_pki_running(directory) as started_pki:
        for plan in PLANS:
            if plan.docx and not loader.docx:
                continue
            try:
                loader.build(plan)
            except ApplicationError as exc:
                raise ApplicationError(
                    "demo.sign_failed",
                    _("Dừng tạo văn bản đi mẫu ở văn bản “%(subject)s”: %(reason)s Chạy `make demo-reset` để làm "
                      "lại từ đầu.") % {"subject": loader.text(plan.subject), "reason": exc.message},
                ) from exc
    from vanthu.reports.rollup import stats_rebuild

    stats_rebuild()  # the demo's issue dates are planned history, not "now"
    return _summary(created=True, started=started, senders=senders, docx=loader.docx, started_pki=started_pki)
