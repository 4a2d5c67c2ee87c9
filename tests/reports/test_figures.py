"""Each figure of docs/domain/statistics.md on a hand-built month, the expected values worked out here.

The documents go through the real services; their timestamps are then moved to the planned moments (the services
stamp "now") and the month is computed from scratch, as ``vanthu stats rebuild`` does.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.builders import AgencyKit, arrived_document, make_agency_kit, pdf_bytes, registered_document
from tests.outgoing.helpers import outgoing_input, signed
from vanthu.core.calendar import VIETNAM
from vanthu.core.files import UploadedContent
from vanthu.core.periods import Period
from vanthu.documents.handling import DirectionInput, Handler, assignment_complete, direction_create
from vanthu.documents.models import IncomingDocument
from vanthu.documents.outgoing.distribution import outgoing_issue
from vanthu.documents.outgoing.models import OutgoingDelivery, OutgoingDocument
from vanthu.documents.outgoing.recall import outgoing_recall
from vanthu.documents.outgoing.services import (
    outgoing_create,
    outgoing_mark_sealed,
    outgoing_mark_signed_on_paper,
    outgoing_number,
    outgoing_submit,
    review_approve,
)
from vanthu.documents.services import incoming_register, incoming_return
from vanthu.reports.figures import Figures, figures_by_agency, figures_by_unit, rate
from vanthu.reports.metrics import documents_for
from vanthu.reports.rollup import stats_rebuild
from vanthu.workflows.models import Assignment

pytestmark = pytest.mark.django_db
NOV = (2026, 11)


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=VIETNAM)


def _move(model: Any, pk: int, **fields: Any) -> None:
    model.objects.filter(pk=pk).update(**fields)


def _directed(kit: AgencyKit, due: dt.date, **overrides: Any) -> IncomingDocument:
    document = registered_document(kit, **overrides)
    direction_create(actor=kit.leader, document_id=document.pk,
                     data=DirectionInput(lead=Handler(unit_id=kit.finance.pk), instruction="Xử lý"))
    _move(IncomingDocument, document.pk, due_date=due, arrived_at=at(2))
    return document


def _complete(kit: AgencyKit, document: IncomingDocument, when: dt.datetime) -> None:
    lead = Assignment.objects.get(incoming=document, role="LEAD", parent__isnull=True)
    assignment_complete(actor=kit.finance_head, assignment_id=lead.pk, result_note="Xong")
    _move(IncomingDocument, document.pk, completed_at=when)


def _issued(kit: AgencyKit, other: AgencyKit, when: dt.datetime, *, paper_signed: bool = False,
            **overrides: Any) -> OutgoingDocument:
    if paper_signed:
        document = outgoing_create(actor=kit.specialist, data=outgoing_input(kit, **overrides),
                                   upload=UploadedContent("du-thao.pdf", pdf_bytes("Du thao")))
        from tests.outgoing.helpers import simple_route

        outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
        review_approve(actor=kit.finance_head, document_id=document.pk)
        review_approve(actor=kit.office_head, document_id=document.pk)
        outgoing_mark_signed_on_paper(actor=kit.clerk, document_id=document.pk,
                                      scan=UploadedContent("ban-ky-tay.pdf", pdf_bytes("Ban ky tay")))
    else:
        document = signed(kit, **overrides)
    outgoing_number(actor=kit.clerk, document_id=document.pk)
    outgoing_mark_sealed(actor=kit.clerk, document_id=document.pk, valid_signature=True,
                         valid_personal_signature=not paper_signed)
    outgoing_issue(actor=kit.clerk, document_id=document.pk, agency_ids=[other.agency.pk])
    _move(OutgoingDocument, document.pk, issued_at=when)
    return OutgoingDocument.objects.get(pk=document.pk)


@pytest.fixture
def month(kit: AgencyKit, other_kit: AgencyKit) -> dict[str, Any]:
    """November 2026 of ``kit.agency``."""
    made: dict[str, Any] = {}
    # Incoming: three electronic arrivals, one returned; two on paper; one secret on paper.
    for day in (3, 4):
        made.setdefault("electronic", []).append(arrived_document(kit))
        _move(IncomingDocument, made["electronic"][-1].pk, arrived_at=at(day))
    returned = arrived_document(kit)
    incoming_return(actor=kit.clerk, document_id=returned.pk, reason="Gửi nhầm")
    _move(IncomingDocument, returned.pk, arrived_at=at(5), returned_at=at(5, 10))
    for day in (6, 7):
        paper = registered_document(kit)
        _move(IncomingDocument, paper.pk, arrived_at=at(day))
    secret = registered_document(kit, confidentiality=1, main_file=None)
    _move(IncomingDocument, secret.pk, arrived_at=at(8))
    registered = made["electronic"][0]
    incoming_register(actor=kit.clerk, document_id=registered.pk)
    # Deadlines in November: one met at 23:00 of its day, one missed by 30 minutes, one still open.
    on_time = _directed(kit, dt.date(2026, 11, 16))
    _complete(kit, on_time, at(16, 23, 0))
    late = _directed(kit, dt.date(2026, 11, 17))
    _complete(kit, late, at(18, 0, 30))
    _directed(kit, dt.date(2026, 11, 20))
    # Outgoing: the last minute of November, the first of December, hand-signed, recalled, paper-only, secret.
    made["last_minute"] = _issued(kit, other_kit, at(30, 23, 59))
    made["december"] = _issued(kit, other_kit, at(1, 0, 0, month=12))
    made["hand_signed"] = _issued(kit, other_kit, at(12), paper_signed=True)
    recalled = _issued(kit, other_kit, at(13))
    outgoing_recall(actor=kit.clerk, document_id=recalled.pk, reason="Sai số liệu")
    paper = signed(kit)
    outgoing_number(actor=kit.clerk, document_id=paper.pk)
    OutgoingDocument.objects.filter(pk=paper.pk).update(channel="PAPER")
    outgoing_issue(actor=kit.clerk, document_id=paper.pk, unit_ids=[kit.finance.pk], agency_ids=())
    _move(OutgoingDocument, paper.pk, issued_at=at(14))
    stats_rebuild(first=(2026, 10), last=(2026, 12), agency_ids=[kit.agency.pk, other_kit.agency.pk])
    return made


def _november(kit: AgencyKit) -> Figures:
    return figures_by_agency(Period.month(*NOV), agency_ids=[kit.agency.pk])[kit.agency.pk]


def test_incoming_figures(kit: AgencyKit, month: dict[str, Any]) -> None:
    figures = _november(kit)
    assert figures.received == 2, "electronic arrivals, the returned one excluded"
    assert figures.returned == 1
    assert figures.received_paper == 2 + 3, "two paper documents and the three directed ones (paper builders)"
    assert figures.received_secret == 1
    assert (figures.due, figures.on_time, figures.late) == (3, 1, 2)
    assert figures.processed_on_time_rate == Decimal("33.33")
    assert (figures.completed_due, figures.completed_on_time) == (2, 1)
    assert figures.overdue_open == 1, "due 20/11, still open at the end of November"


def test_outgoing_figures(kit: AgencyKit, month: dict[str, Any]) -> None:
    figures = _november(kit)
    assert figures.sent == 3, "last minute, hand-signed, recalled — not the one issued at 00:00 on 1 December"
    assert figures.sent_personal_signed == 2 and figures.sent_org_signed == 3
    assert figures.personal_signature_rate == Decimal("66.67") and figures.org_signature_rate == Decimal("100.00")
    assert figures.recalled == 1 and figures.sent_paper == 1 and figures.deliveries == 3
    december = figures_by_agency(Period.month(2026, 12), agency_ids=[kit.agency.pk])[kit.agency.pk]
    assert december.sent == 1


def test_a_secret_document_counts_as_issued_never_as_electronic(kit: AgencyKit, other_kit: AgencyKit) -> None:
    for actor in (kit.specialist, kit.clerk, kit.leader, kit.finance_head, kit.office_head):
        actor.user.can_handle_secret = True
        actor.user.save()
    document = signed(kit, confidentiality=1)
    outgoing_number(actor=kit.clerk, document_id=document.pk)
    outgoing_issue(actor=kit.clerk, document_id=document.pk, unit_ids=[kit.office.pk], agency_ids=())
    stats_rebuild(agency_ids=[kit.agency.pk])
    today = dt.date.today()
    figures = figures_by_agency(Period.month(today.year, today.month), agency_ids=[kit.agency.pk])
    mine = figures[kit.agency.pk]
    assert (mine.sent_secret, mine.sent, mine.sent_paper, mine.sent_internal) == (1, 0, 0, 0)
    assert mine.personal_signature_rate is None


def test_an_agency_with_no_documents_shows_no_rate(kit: AgencyKit, other_kit: AgencyKit,
                                                   month: dict[str, Any]) -> None:
    empty = make_agency_kit()
    stats_rebuild(first=NOV, last=NOV, agency_ids=[empty.agency.pk])
    figures = figures_by_agency(Period.month(*NOV), agency_ids=[empty.agency.pk])[empty.agency.pk]
    assert figures.sent == 0
    assert figures.personal_signature_rate is None and figures.processed_on_time_rate is None


def test_units_split_the_agency(kit: AgencyKit, month: dict[str, Any]) -> None:
    units = figures_by_unit(Period.month(*NOV), agency_id=kit.agency.pk)
    assert units[kit.finance.pk].due == 3


def test_the_drill_down_lists_the_documents_behind_each_number(kit: AgencyKit, month: dict[str, Any]) -> None:
    figures = _november(kit)
    period = Period.month(*NOV)
    for metric in ("received", "returned", "due", "on_time", "overdue_open", "sent", "sent_personal_signed",
                   "recalled", "received_secret"):
        assert documents_for(metric, agency_id=kit.agency.pk, period=period).count() == getattr(figures, metric)
    sent = set(documents_for("sent", agency_id=kit.agency.pk, period=period).values_list("pk", flat=True))
    assert month["last_minute"].pk in sent and month["december"].pk not in sent


def test_rates_round_half_up_from_summed_counts() -> None:
    assert rate(40334, 40770) == Decimal("98.93")
    assert rate(40481, 40770) == Decimal("99.29")
    assert rate(1, 8) == Decimal("12.50") and rate(1, 3) == Decimal("33.33") and rate(2, 3) == Decimal("66.67")
    assert rate(5, 0) is None
    a, b = Figures(), Figures()
    a.counts.update(sent=1, sent_personal_signed=1)
    b.counts.update(sent=99, sent_personal_signed=50)
    a.add(b)
    assert a.personal_signature_rate == Decimal("51.00"), "sum then divide, not the mean of 100 % and 50.5 %"


def test_deliveries_count_pairs_not_documents(kit: AgencyKit, other_kit: AgencyKit) -> None:
    third = make_agency_kit()
    document = signed(kit)
    outgoing_number(actor=kit.clerk, document_id=document.pk)
    outgoing_mark_sealed(actor=kit.clerk, document_id=document.pk, valid_signature=True,
                         valid_personal_signature=True)
    outgoing_issue(actor=kit.clerk, document_id=document.pk, agency_ids=[other_kit.agency.pk, third.agency.pk])
    assert OutgoingDelivery.objects.filter(document=document).count() == 2
    stats_rebuild(agency_ids=[kit.agency.pk])
    today = dt.date.today()
    mine = figures_by_agency(Period.month(today.year, today.month), agency_ids=[kit.agency.pk])[kit.agency.pk]
    assert (mine.sent, mine.deliveries) == (1, 2)
