"""The rollups kept current by the changes themselves equal a from-scratch recomputation, whatever sequence of
operations happened (hypothesis), and a closed month stays frozen."""

from __future__ import annotations

import contextlib
import functools
import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import AgencyKit, arrived_document, make_agency_kit, registered_document
from tests.outgoing.helpers import signed
from vanthu.core.errors import ApplicationError
from vanthu.core.periods import Period
from vanthu.documents.enums import IncomingState
from vanthu.documents.handling import (
    DirectionInput,
    Handler,
    assignment_complete,
    direction_create,
    incoming_reopen,
)
from vanthu.documents.models import IncomingDocument
from vanthu.documents.outgoing.distribution import outgoing_issue
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.documents.outgoing.recall import outgoing_recall
from vanthu.documents.outgoing.services import outgoing_mark_sealed, outgoing_number
from vanthu.documents.services import incoming_register, incoming_return
from vanthu.reports.models import COUNT_FIELDS, MonthlyStat, StatDirty, StatMonthClosing
from vanthu.reports.rollup import stat_compute, stats_rebuild, stats_refresh_dirty
from vanthu.workflows.models import Assignment

pytestmark = pytest.mark.django_db

OPERATIONS = ("paper", "arrive", "register", "return", "direct", "complete", "reopen", "issue", "recall")


def _pick(rows: list[Any], index: int) -> Any | None:
    return rows[index % len(rows)] if rows else None


def _apply(op: str, index: int, kit: AgencyKit, other: AgencyKit) -> None:
    incoming = list(IncomingDocument.objects.filter(agency=kit.agency).order_by("id"))
    if op == "paper":
        registered_document(kit)
    elif op == "arrive":
        arrived_document(kit)
    elif op == "register" and (doc := _pick([d for d in incoming if d.state == IncomingState.ARRIVED], index)):
        incoming_register(actor=kit.clerk, document_id=doc.pk)
    elif op == "return" and (doc := _pick([d for d in incoming if d.state == IncomingState.ARRIVED], index)):
        incoming_return(actor=kit.clerk, document_id=doc.pk, reason="Gửi nhầm")
    elif op == "direct" and (doc := _pick([d for d in incoming if d.state == IncomingState.REGISTERED], index)):
        direction_create(actor=kit.leader, document_id=doc.pk, data=DirectionInput(
            lead=Handler(unit_id=(kit.finance if index % 2 else kit.office).pk), due_in_working_days=index % 7 + 1))
    elif op == "complete" and (doc := _pick([d for d in incoming if d.state == IncomingState.ASSIGNED], index)):
        lead = Assignment.objects.get(incoming=doc, role="LEAD", parent__isnull=True, state__in=["PENDING",
                                                                                                 "IN_PROGRESS"])
        head = kit.finance_head if lead.unit_id == kit.finance.pk else kit.office_head
        assignment_complete(actor=head, assignment_id=lead.pk, result_note="Xong")
    elif op == "reopen" and (doc := _pick([d for d in incoming if d.state == IncomingState.COMPLETED], index)):
        incoming_reopen(actor=kit.leader, document_id=doc.pk, reason="Bổ sung")
    elif op == "issue":
        document = signed(kit)
        outgoing_number(actor=kit.clerk, document_id=document.pk)
        outgoing_mark_sealed(actor=kit.clerk, document_id=document.pk, valid_signature=True,
                             valid_personal_signature=index % 3 != 0)
        # An invalid personal signature: not issued electronically, which the figures must reflect too.
        with contextlib.suppress(ApplicationError):
            outgoing_issue(actor=kit.clerk, document_id=document.pk, agency_ids=[other.agency.pk])
    elif op == "recall":
        issued = list(OutgoingDocument.objects.filter(agency=kit.agency, state=OutgoingState.ISSUED).order_by("id"))
        if doc := _pick(issued, index):
            outgoing_recall(actor=kit.clerk, document_id=doc.pk, reason="Sai sót")


def _stored(agency_ids: list[int]) -> dict[tuple[int, int | None, int, int], dict[str, int]]:
    return {(row.agency_id, row.unit_id, row.year, row.month): {f: getattr(row, f) for f in COUNT_FIELDS}
            for row in MonthlyStat.objects.filter(agency_id__in=agency_ids)}


def _from_scratch(agency_ids: list[int], months: set[tuple[int, int]]) -> dict[tuple[int, int | None, int, int],
                                                                               dict[str, int]]:
    expected: dict[tuple[int, int | None, int, int], dict[str, int]] = {}
    for year, month in months:
        by_key = stat_compute(period=Period.month(year, month), agency_ids=agency_ids)
        for agency_id in agency_ids:
            total = dict.fromkeys(COUNT_FIELDS, 0)
            for (a, unit_id), counts in by_key.items():
                if a != agency_id:
                    continue
                for name in COUNT_FIELDS:
                    total[name] += counts[name]
                if unit_id is not None and any(counts.values()):
                    expected[(agency_id, unit_id, year, month)] = counts
            expected[(agency_id, None, year, month)] = total
    return expected


def _nonzero(rows: dict[Any, dict[str, int]]) -> dict[Any, dict[str, int]]:
    """An agency-month with nothing to count may have a row of zeros or no row: the same figures."""
    return {key: counts for key, counts in rows.items() if any(counts.values())}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 50)), min_size=1, max_size=12))
def test_rollups_kept_current_equal_a_recomputation(steps: list[tuple[str, int]]) -> None:
    with transaction.atomic():
        kit, other = make_agency_kit(), make_agency_kit()
        for op, index in steps:
            _apply(op, index, kit, other)
            stats_refresh_dirty()
        assert not StatDirty.objects.exists()
        ids = [kit.agency.pk, other.agency.pk]
        stored = _nonzero(_stored(ids))
        months = {(year, month) for (_a, _u, year, month) in stored}
        assert stored == _nonzero(_from_scratch(ids, months))
        transaction.set_rollback(True)


def test_every_change_marks_its_month_and_the_refresh_clears_the_mark(kit: AgencyKit) -> None:
    document = registered_document(kit)
    today = timezone.localdate()
    assert StatDirty.objects.filter(agency=kit.agency, year=today.year, month=today.month).exists()
    stats_refresh_dirty()
    row = MonthlyStat.objects.get(agency=kit.agency, unit=None, year=today.year, month=today.month)
    assert row.received_paper == 1
    incoming_return_document = arrived_document(kit)
    incoming_return(actor=kit.clerk, document_id=incoming_return_document.pk, reason="Sai")
    stats_refresh_dirty()
    row = MonthlyStat.objects.get(agency=kit.agency, unit=None, year=today.year, month=today.month)
    assert (row.received, row.received_paper, row.returned) == (0, 1, 1), document.pk


def test_a_closed_month_is_frozen(kit: AgencyKit) -> None:
    registered_document(kit)
    stats_refresh_dirty()
    today = timezone.localdate()
    StatMonthClosing.objects.create(year=today.year, month=today.month, closed_by=kit.leader.user)
    registered_document(kit)
    stats_refresh_dirty()
    row = MonthlyStat.objects.get(agency=kit.agency, unit=None, year=today.year, month=today.month)
    assert row.received_paper == 1, "the second document arrived after the month was closed"


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("pg-many-connections")
def test_concurrent_registrations_refreshes_and_rebuilds_agree_with_a_recomputation() -> None:
    """Twenty registrations, each followed by its own refresh, and rebuilds of the same month, all at once: no
    deadlock, no duplicate row, and the stored month equals the recomputation."""
    if connection.vendor != "postgresql":
        pytest.skip("row and advisory locks under real concurrency are a PostgreSQL property")
    kit = make_agency_kit()
    docs = [arrived_document(kit) for _ in range(20)]
    barrier = threading.Barrier(len(docs) + 4)
    errors: list[BaseException] = []

    def run(work: Any) -> None:
        try:
            barrier.wait(timeout=30)
            work()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    today = timezone.localdate()
    works = [functools.partial(incoming_register, actor=kit.clerk, document_id=d.pk) for d in docs]
    works += [functools.partial(stats_rebuild, first=(today.year, today.month), last=(today.year, today.month),
                                agency_ids=[kit.agency.pk]) for _ in range(4)]
    threads = [threading.Thread(target=run, args=(w,)) for w in works]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    stats_refresh_dirty()
    assert not StatDirty.objects.exists()
    row = MonthlyStat.objects.get(agency=kit.agency, unit=None, year=today.year, month=today.month)
    assert row.received == 20, "twenty electronic arrivals, each registered"
    stored = _nonzero(_stored([kit.agency.pk]))
    assert stored == _nonzero(_from_scratch([kit.agency.pk], {(today.year, today.month)}))
