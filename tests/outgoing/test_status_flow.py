"""Statuses back to the sender (QCVN 102 01–06): the recipient's moves show up per recipient, in the same
transaction; history kept, latest by timestamp, 02 terminal; only the issuing side reads them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.builders import AgencyKit
from tests.outgoing.test_distribution import (  # noqa: F401 -- fixtures
    delivery_to,
    issue_to,
    sealed_document,
    sealed_pdf,
    third_kit,
    trusted,
)
from vanthu.core.errors import ApplicationError, NotFoundError
from vanthu.documents.handling import (
    DirectionInput,
    Handler,
    assignment_complete,
    direction_create,
    incoming_reopen,
    processing_note_add,
)
from vanthu.documents.models import IncomingDocument
from vanthu.documents.outgoing.delivery_status import delivery_status_record
from vanthu.documents.outgoing.enums import delivery_status_label
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.documents.outgoing.selectors import (
    outgoing_delivery_list_for_user,
    outgoing_delivery_summary,
    outgoing_get_for_user,
)
from vanthu.documents.services import incoming_present, incoming_register, incoming_return
from vanthu.notifications.models import Notification
from vanthu.workflows.enums import HandlerRole

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trusted")]


@pytest.fixture
def issued(kit: AgencyKit, other_kit: AgencyKit, third_kit: AgencyKit,  # noqa: F811
           sealed_pdf: bytes) -> tuple[OutgoingDocument, dict[int, IncomingDocument]]:  # noqa: F811
    document = sealed_document(kit, sealed_pdf)
    return document, issue_to(kit, document, other_kit, third_kit)


def _shown(document: OutgoingDocument, recipient: AgencyKit) -> str:
    return delivery_to(document, recipient).status_code


def _history(document: OutgoingDocument, recipient: AgencyKit) -> list[str]:
    return [e.code for e in delivery_to(document, recipient).events.order_by("reported_at", "id")]


def test_each_move_of_the_recipient_reaches_the_sender(
    kit: AgencyKit, other_kit: AgencyKit, third_kit: AgencyKit,  # noqa: F811
    issued: tuple[OutgoingDocument, dict[int, IncomingDocument]],
) -> None:
    document, copies = issued
    copy = copies[other_kit.agency.pk]
    assert _shown(document, other_kit) == "01"
    incoming_register(actor=other_kit.clerk, document_id=copy.pk)
    assert _shown(document, other_kit) == "03"
    incoming_present(actor=other_kit.clerk, document_id=copy.pk, leader_id=other_kit.leader.user.pk)
    assert _shown(document, other_kit) == "03"  # presenting reports nothing
    direction_create(actor=other_kit.leader, document_id=copy.pk,
                     data=DirectionInput(lead=Handler(user_id=other_kit.specialist.user.pk)))
    assert _shown(document, other_kit) == "04"
    lead = copy.assignments.get(role=HandlerRole.LEAD)
    processing_note_add(actor=other_kit.specialist, assignment_id=lead.pk, text="Đang nghiên cứu")
    assert _shown(document, other_kit) == "05"
    assignment_complete(actor=other_kit.specialist, assignment_id=lead.pk, result_note="Đã triển khai")
    assert _shown(document, other_kit) == "06"
    incoming_reopen(actor=other_kit.leader, document_id=copy.pk, reason="Bổ sung số liệu")
    assert _shown(document, other_kit) == "05"
    assert _history(document, other_kit) == ["01", "03", "04", "05", "06", "05"]
    reopened = delivery_to(document, other_kit).events.order_by("-id").first()
    assert reopened is not None and reopened.description == "Bổ sung số liệu"
    assert other_kit.leader.user.full_name in reopened.staff
    # The other recipient did nothing: still "arrived".
    assert _shown(document, third_kit) == "01"
    assert outgoing_delivery_summary(document) == {"": 1, "01": 1, "05": 1}


def test_a_return_with_reason_is_terminal_and_tells_the_sender(
    kit: AgencyKit, other_kit: AgencyKit,
    issued: tuple[OutgoingDocument, dict[int, IncomingDocument]],
) -> None:
    document, copies = issued
    incoming_return(actor=other_kit.clerk, document_id=copies[other_kit.agency.pk].pk,
                    reason="Gửi nhầm cơ quan")
    delivery = delivery_to(document, other_kit)
    assert (delivery.status_code, delivery.status_description) == ("02", "Gửi nhầm cơ quan")
    notified = Notification.objects.filter(dedup_key=f"incoming:{delivery.incoming_id}:returned")
    assert sorted(notified.values_list("user_id", flat=True)) == sorted([kit.specialist.user.pk, kit.clerk.user.pk])
    assert all(n.body == "Gửi nhầm cơ quan" and document.reference in n.title for n in notified)
    # A later report (say, a package that went astray) is kept but does not reopen the delivery.
    delivery_status_record(delivery=delivery, code="05", reported_at=timezone.now() + dt.timedelta(minutes=5))
    assert _shown(document, other_kit) == "02" and _history(document, other_kit) == ["01", "02", "05"]


def test_reports_out_of_order_show_the_latest_by_timestamp(
    other_kit: AgencyKit, issued: tuple[OutgoingDocument, dict[int, IncomingDocument]],
) -> None:
    document, _copies = issued
    delivery = delivery_to(document, other_kit)
    base = timezone.now() + dt.timedelta(hours=1)
    delivery_status_record(delivery=delivery, code="04", reported_at=base)
    delivery_status_record(delivery=delivery, code="03", reported_at=base - dt.timedelta(minutes=10))
    assert _shown(document, other_kit) == "04"
    assert _history(document, other_kit) == ["01", "03", "04"]


def test_the_same_report_twice_changes_nothing(
    other_kit: AgencyKit, issued: tuple[OutgoingDocument, dict[int, IncomingDocument]],
) -> None:
    document, _copies = issued
    delivery = delivery_to(document, other_kit)
    # edXML timestamps carry no zone: read as Vietnam time.
    first = delivery_status_record(delivery=delivery, code="3", reported_at=dt.datetime(2099, 1, 2, 8, 0),
                                   staff="Văn thư")
    again = delivery_status_record(delivery=delivery, code="03", reported_at=dt.datetime(2099, 1, 2, 8, 0),
                                   staff="Văn thư")
    assert first.pk == again.pk and first.code == "03"
    assert first.reported_at == dt.datetime(2099, 1, 2, 1, 0, tzinfo=dt.UTC)
    assert _history(document, other_kit) == ["01", "03"]


def test_unknown_codes_are_kept_and_labelled_invalid_ones_refused(
    other_kit: AgencyKit, issued: tuple[OutgoingDocument, dict[int, IncomingDocument]],
) -> None:
    document, _copies = issued
    delivery = delivery_to(document, other_kit)
    delivery_status_record(delivery=delivery, code="09", reported_at=timezone.now() + dt.timedelta(minutes=1))
    assert _history(document, other_kit) == ["01", "09"]
    assert delivery_status_label("09") == "không xác định (09)"
    assert delivery_status_label("03") == "Đã tiếp nhận"
    for bad in ("", "abc", "123", "٠١"):
        with pytest.raises(ApplicationError) as exc:
            delivery_status_record(delivery=delivery, code=bad)
        assert exc.value.code == "invalid_status_code"


def test_only_the_issuing_side_reads_the_deliveries(
    kit: AgencyKit, other_kit: AgencyKit, third_kit: AgencyKit,  # noqa: F811
    issued: tuple[OutgoingDocument, dict[int, IncomingDocument]],
) -> None:
    document, _copies = issued
    for actor in (kit.clerk, kit.leader, kit.specialist):
        deliveries = outgoing_delivery_list_for_user(actor=actor, document_id=document.pk)
        assert len(deliveries) == 3
        assert [e.code for e in deliveries[0].events.all()] == ["01"]
    # The office unit received the document and reads it, but not who else got it; nor do recipient agencies.
    assert outgoing_get_for_user(actor=kit.specialist2, document_id=document.pk) == document
    for actor in (kit.specialist2, other_kit.clerk, other_kit.leader, third_kit.clerk):
        with pytest.raises(NotFoundError):
            outgoing_delivery_list_for_user(actor=actor, document_id=document.pk)
    for actor in (other_kit.clerk, third_kit.leader):
        with pytest.raises(NotFoundError):
            outgoing_get_for_user(actor=actor, document_id=document.pk)
