"""Builders for outgoing-document tests."""

from __future__ import annotations

from tests.builders import AgencyKit, pdf_bytes
from vanthu.core.files import UploadedContent
from vanthu.documents.models import DocumentType
from vanthu.documents.outgoing.enums import ReviewKind
from vanthu.documents.outgoing.inputs import OutgoingInput, Route, RouteStep
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.documents.outgoing.services import (
    outgoing_create,
    outgoing_mark_signed,
    outgoing_submit,
    review_approve,
)


def outgoing_input(kit: AgencyKit, type_code: str = "QUYET_DINH", **overrides: object) -> OutgoingInput:
    values: dict[str, object] = {
        "document_type_id": DocumentType.objects.get(code=type_code).pk,
        "subject": "Về việc ban hành Kế hoạch chuyển đổi số năm 2026",
        "signer_id": kit.leader.user.pk,
        "signer_title": "Giám đốc",
        "to_places": "Các phòng thuộc Sở;\nLưu: VT, KHTC.",
    }
    values.update(overrides)
    return OutgoingInput(**values)  # type: ignore[arg-type]


def draft(kit: AgencyKit, type_code: str = "QUYET_DINH", **overrides: object) -> OutgoingDocument:
    return outgoing_create(actor=kit.specialist, data=outgoing_input(kit, type_code, **overrides),
                           upload=UploadedContent("du-thao.pdf", pdf_bytes("Du thao")))


def simple_route(kit: AgencyKit) -> Route:
    return Route((RouteStep(kit.finance_head.user.pk, ReviewKind.CONTENT),
                  RouteStep(kit.office_head.user.pk, ReviewKind.FORMAT)))


def signed(kit: AgencyKit, type_code: str = "QUYET_DINH", **overrides: object) -> OutgoingDocument:
    """A draft taken through review and the leader's signature: ready for the clerk's number."""
    document = draft(kit, type_code, **overrides)
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
    review_approve(actor=kit.finance_head, document_id=document.pk)
    review_approve(actor=kit.office_head, document_id=document.pk)
    return outgoing_mark_signed(actor=kit.leader, document_id=document.pk)
