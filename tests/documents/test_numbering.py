from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from tests.builders import AgencyKit, arrived_document, make_agency_kit, registered_document
from vanthu.documents.enums import RegisterKind
from vanthu.documents.models import IncomingDocument, RegisterCounter
from vanthu.documents.numbering import format_number, number_next, register_default
from vanthu.documents.services import incoming_register


@pytest.mark.django_db
def test_arrival_numbers_are_consecutive_per_register(kit: AgencyKit) -> None:
    numbers = [registered_document(kit).arrival_number for _ in range(3)]
    assert numbers == [1, 2, 3]


@pytest.mark.django_db
def test_secret_documents_use_their_own_series(kit: AgencyKit) -> None:
    kit.clerk.user.can_handle_secret = True
    kit.clerk.user.save()
    normal = registered_document(kit)
    secret = registered_document(kit, confidentiality=1, main_file=None)
    assert normal.arrival_number == 1 and secret.arrival_number == 1
    assert secret.register is not None and secret.register.kind == RegisterKind.SECRET_INCOMING


@pytest.mark.django_db
def test_series_restarts_each_year(kit: AgencyKit) -> None:
    register = register_default(agency=kit.agency, kind=RegisterKind.INCOMING)
    with transaction.atomic():
        assert number_next(register=register, year=2025) == 1
        assert number_next(register=register, year=2025) == 2
        assert number_next(register=register, year=2026) == 1
    assert RegisterCounter.objects.get(register=register, year=2025).last_number == 2


@pytest.mark.django_db
def test_rolled_back_registration_leaves_no_gap(kit: AgencyKit) -> None:
    register = register_default(agency=kit.agency, kind=RegisterKind.INCOMING)
    with pytest.raises(RuntimeError), transaction.atomic():
        number_next(register=register, year=2026)
        raise RuntimeError("crash in the middle of registration")
    with transaction.atomic():
        assert number_next(register=register, year=2026) == 1


def test_numbers_print_with_a_leading_zero_below_ten() -> None:
    assert [format_number(n) for n in (1, 9, 10, 123)] == ["01", "09", "10", "123"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("pg-many-connections")  # 50 connections each: never two at once (max 100)
def test_fifty_concurrent_registrations_get_fifty_consecutive_numbers() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are a PostgreSQL property; SQLite serialises writers")
    kit = make_agency_kit()
    docs = [arrived_document(kit, issued_date=dt.date(2026, 11, 2)) for _ in range(50)]
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def register(doc_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            incoming_register(actor=kit.clerk, document_id=doc_id)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(d.pk,)) for d in docs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    rows = IncomingDocument.objects.filter(pk__in=[d.pk for d in docs])
    numbers = sorted(rows.values_list("arrival_number", flat=True))
    assert numbers == list(range(1, 51))
