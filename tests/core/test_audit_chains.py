"""One audit chain per agency: agencies no longer wait for each other, and verification still sees everything."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from tests.builders import make_agency_kit
from tests.core.audit_kit import attacker_delete, attacker_update, chain_of, chain_rows, write_events
from vanthu.core.audit import GENESIS, SHARED_CHAIN, _digest, audit_record
from vanthu.core.models import AuditChainHead, AuditEvent
from vanthu.organizations.models import Agency
from vanthu.signing.audit.verify import audit_verify

DEADLINE_SECONDS = 30


def _kinds() -> list[str]:
    return [problem.kind for problem in audit_verify()]


@pytest.mark.django_db
def test_each_agency_appends_to_its_own_chain_and_agencyless_events_to_the_shared_one() -> None:
    a, b = make_agency_kit().agency, make_agency_kit().agency
    events = write_events(a, 2) + write_events(b, 3) + write_events(None, 1)
    assert [e.chain for e in events] == [a.pk, a.pk, b.pk, b.pk, b.pk, SHARED_CHAIN]
    first_of_b = chain_rows(b.pk)[0]
    assert first_of_b.prev_hash == GENESIS
    assert chain_rows(b.pk)[1].prev_hash == first_of_b.hash
    head = AuditChainHead.objects.get(chain=b.pk)
    assert (head.count, head.last_event_id, head.last_hash) == (len(chain_rows(b.pk)), events[4].pk, events[4].hash)
    assert list(audit_verify()) == []


@pytest.mark.django_db
def test_a_transaction_keeps_appending_to_the_chain_of_its_first_event() -> None:
    a, b = make_agency_kit().agency, make_agency_kit().agency
    with transaction.atomic():
        first = audit_record(actor=None, event_type="test.a", target=("test.item", 1), agency=a)
        second = audit_record(actor=None, event_type="test.b", target=("test.item", 2), agency=b)
    later = write_events(b, 1)[0]
    assert (first.chain, second.chain, later.chain) == (a.pk, a.pk, b.pk)
    assert second.agency_id == b.pk  # the event still names its agency
    assert list(audit_verify()) == []


@pytest.mark.django_db
def test_an_edit_in_one_agency_chain_is_reported_with_that_agency_and_leaves_the_others_intact() -> None:
    a, b = make_agency_kit().agency, make_agency_kit().agency
    write_events(a, 3)
    victim = write_events(b, 3)[1]
    attacker_update(victim.pk, data={"i": 99})
    problems = list(audit_verify())
    assert [(p.kind, p.event_id) for p in problems] == [("edited", victim.pk)]


@pytest.mark.django_db
def test_findings_are_translated_for_english_readers() -> None:
    agency = make_agency_kit().agency
    victim = write_events(agency, 2)[0]
    attacker_update(victim.pk, data={"i": 7})
    with translation.override("en"):
        assert [p.problem for p in audit_verify()] == [
            f"Event #{victim.pk} was edited: its content does not match its hash."]


@pytest.mark.django_db
def test_a_row_slipped_into_a_chain_without_moving_its_head_is_reported_as_inserted() -> None:
    agency = make_agency_kit().agency
    last = write_events(agency, 2)[-1]
    forged = AuditEvent(created_at=last.created_at, agency=agency, event_type="test.forged", target_type="test.item",
                        target_id="x", data={}, prev_hash=last.hash, chain=agency.pk)
    forged.hash = _digest(last.hash, forged)
    forged.save()
    problems = list(audit_verify())
    assert [p.kind for p in problems] == ["rows_added"]
    assert "1 sự kiện đã được chèn ngoài luồng ghi nhật ký" in problems[0].problem


@pytest.mark.django_db
def test_a_whole_chain_deleted_is_reported_with_its_size() -> None:
    agency = make_agency_kit().agency
    rows = write_events(agency, 2)
    chain_count = len(chain_rows(chain_of(agency)))
    attacker_delete(*[row.pk for row in chain_rows(chain_of(agency))])
    problems = [p for p in audit_verify() if p.kind == "truncated"]
    assert len(problems) == 1
    assert f"Toàn bộ {chain_count} sự kiện của chuỗi của cơ quan {agency.name}" in problems[0].problem
    assert problems[0].event_id == rows[-1].pk


@pytest.mark.django_db
def test_a_deleted_head_is_reported() -> None:
    agency = make_agency_kit().agency
    write_events(agency, 1)
    AuditChainHead.objects.filter(chain=agency.pk).delete()
    assert _kinds() == ["head_missing"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_transactions_touching_two_agencies_in_opposite_orders_do_not_deadlock() -> None:
    """Holding one head per transaction is what prevents it: with a head per event, each of these would wait for
    the head the other holds."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are a PostgreSQL property; SQLite serialises writers")
    a, b = make_agency_kit().agency, make_agency_kit().agency
    both_hold_one = threading.Barrier(2, timeout=DEADLINE_SECONDS)
    errors: list[BaseException] = []

    def write(first: Agency, second: Agency) -> None:
        try:
            with transaction.atomic():
                audit_record(actor=None, event_type="test.first", target=("test.item", 1), agency=first)
                both_hold_one.wait()
                audit_record(actor=None, event_type="test.second", target=("test.item", 2), agency=second)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=pair) for pair in ((a, b), (b, a))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    assert errors == []
    assert list(audit_verify()) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_a_writer_of_one_agency_does_not_wait_for_another_agencys_open_transaction() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are a PostgreSQL property; SQLite serialises writers")
    busy, free = make_agency_kit().agency, make_agency_kit().agency
    write_events(free, 1)
    holding, finished = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold_busy_head() -> None:
        try:
            with transaction.atomic():
                audit_record(actor=None, event_type="test.busy", target=("test.item", 1), agency=busy)
                holding.set()
                finished.wait(DEADLINE_SECONDS)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_busy_head)
    holder.start()
    try:
        assert holding.wait(DEADLINE_SECONDS)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '3s'")  # one head for everybody would time out here
            audit_record(actor=None, event_type="test.free", target=("test.item", 2), agency=free)
    finally:
        finished.set()
        holder.join(DEADLINE_SECONDS)
    assert errors == []
    assert AuditChainHead.objects.get(chain=free.pk).count == len(chain_rows(free.pk))


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_concurrent_first_writers_of_an_agency_create_one_head() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are a PostgreSQL property; SQLite serialises writers")
    agency = Agency.objects.create(name="Sở Mới lập", abbreviation="SML", organ_id="000.00.77.H77")
    start = threading.Barrier(8, timeout=DEADLINE_SECONDS)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            start.wait()
            write_events(agency, 1)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    assert errors == []
    assert AuditChainHead.objects.get(chain=agency.pk).count == 8
    assert list(audit_verify()) == []


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_partition_stay_in_the_shared_chain_and_verify() -> None:
    """The migration must not re-hash anything: it would be the very rewrite the log forbids."""
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0002_initial")])
    try:
        executor.loader.build_graph()
        old = executor.loader.project_state([("core", "0002_initial")]).apps
        agency = Agency.objects.create(name="Sở Cũ", abbreviation="SC", organ_id="000.00.66.H66")
        _legacy_chain(old, agency.pk, 3)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    rows = chain_rows(SHARED_CHAIN)
    assert [row.agency_id for row in rows] == [agency.pk] * 3
    assert AuditChainHead.objects.get(chain=SHARED_CHAIN).last_event_id == rows[-1].pk
    assert list(audit_verify()) == []
    appended = write_events(agency, 1)[0]
    assert appended.chain == agency.pk
    assert list(audit_verify()) == []


def _legacy_chain(old_apps: object, agency_id: int, count: int) -> None:
    """Rows and head as the single-chain code wrote them (same canonical content and digest)."""
    from django.utils import timezone

    event_model = old_apps.get_model("core", "AuditEvent")  # type: ignore[attr-defined]
    head_model = old_apps.get_model("core", "AuditChainHead")  # type: ignore[attr-defined]
    prev = GENESIS
    for i in range(count):
        event = event_model(created_at=timezone.now(), agency_id=agency_id, event_type="legacy.event",
                            target_type="test.item", target_id=str(i), data={"i": i}, prev_hash=prev)
        event.hash = prev = _digest(prev, event)
        event.save()
    head_model.objects.create(pk=1, last_hash=prev, count=count)
