"""Test builders: a small agency with every role, built through the real services."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from vanthu.core.files import UploadedContent
from vanthu.documents.inputs import IncomingInput
from vanthu.documents.models import DocumentType, IncomingDocument
from vanthu.documents.services import incoming_create, incoming_receive_electronic
from vanthu.organizations.actor import Actor, actor_for
from vanthu.organizations.models import Agency, Unit, User
from vanthu.organizations.services import agency_create, membership_create, unit_create, user_create

_seq = itertools.count(1)


def pdf_bytes(text: str = "Van ban thu nghiem", pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for page in range(pages):
        pdf.drawString(72, 760, f"{text} - trang {page + 1}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@dataclass
class AgencyKit:
    agency: Agency
    office: Unit  # Văn phòng
    finance: Unit  # Phòng Tài chính
    clerk: Actor
    leader: Actor
    deputy: Actor
    office_head: Actor
    finance_head: Actor
    specialist: Actor  # in finance
    specialist2: Actor  # in office
    admin: Actor


def _actor(user: User) -> Actor:
    return actor_for(user)


def make_agency_kit(code_suffix: int | None = None) -> AgencyKit:
    n = code_suffix if code_suffix is not None else next(_seq)
    agency = agency_create(
        actor=None, name=f"Sở Thử nghiệm {n}", abbreviation=f"STN{n}",
        organ_id=f"000.00.{n % 100:02d}.H{n % 90 + 10:02d}",
        level_code="DEPARTMENT",
    )
    office = unit_create(actor=None, agency=agency, name="Văn phòng", abbreviation="VP")
    finance = unit_create(actor=None, agency=agency, name="Phòng Kế hoạch - Tài chính", abbreviation="KHTC")

    def person(name: str, roles: list[str], unit: Unit | None) -> Actor:
        user = user_create(actor=None, username=f"u{n}_{name}", full_name=f"Người {name} {n}",
                           password="Mat-khau-dai-123", email=f"{name}{n}@example.vn")
        membership_create(actor=None, user=user, agency=agency, roles=roles, unit=unit)
        return _actor(user)

    return AgencyKit(
        agency=agency, office=office, finance=finance,
        clerk=person("vanthu", ["CLERK"], office),
        leader=person("giamdoc", ["LEADER"], None),
        deputy=person("phogiamdoc", ["LEADER"], None),
        office_head=person("chanhvanphong", ["UNIT_LEADER"], office),
        finance_head=person("truongphong", ["UNIT_LEADER"], finance),
        specialist=person("chuyenvien", ["SPECIALIST"], finance),
        specialist2=person("chuyenvien2", ["SPECIALIST"], office),
        admin=person("quantri", ["AGENCY_ADMIN"], office),
    )


def incoming_input(**overrides: object) -> IncomingInput:
    n = next(_seq)
    values: dict[str, object] = {
        "document_type_id": DocumentType.objects.get(code="CONG_VAN").pk,
        "code_number": f"{n:02d}",
        "code_notation": "UBND-VP",
        "issued_date": dt.date(2026, 11, 2),
        "organ_name": "Ủy ban nhân dân tỉnh Demo",
        "subject": f"Về việc triển khai kế hoạch chuyển đổi số năm 2026 (lần {n})",
        "main_file": UploadedContent("congvan.pdf", pdf_bytes()),
    }
    values.update(overrides)
    return IncomingInput(**values)  # type: ignore[arg-type]


def registered_document(kit: AgencyKit, **overrides: object) -> IncomingDocument:
    return incoming_create(actor=kit.clerk, data=incoming_input(**overrides))


def arrived_document(kit: AgencyKit, **overrides: object) -> IncomingDocument:
    return incoming_receive_electronic(agency=kit.agency, data=incoming_input(**overrides),
                                       received_by=kit.clerk.user)
