from __future__ import annotations

import datetime as dt

import pytest

from tests.builders import AgencyKit, arrived_document, registered_document
from vanthu.documents.duplicates import normalize_notation
from vanthu.documents.services import incoming_register


def test_notation_normalisation_ignores_case_spaces_and_d_stroke() -> None:
    assert normalize_notation("qđ - ubnd") == normalize_notation("QĐ-UBND") == "QD-UBND"


@pytest.mark.django_db
def test_same_number_notation_issuer_and_date_is_flagged(kit: AgencyKit) -> None:
    first = registered_document(kit, code_number="05", code_notation="QĐ-UBND", issued_date=dt.date(2026, 3, 5))
    second = registered_document(kit, code_number="5", code_notation="qđ-ubnd", issued_date=dt.date(2026, 3, 5))
    assert second.duplicate_of_id == first.pk


@pytest.mark.django_db
def test_different_issuer_is_not_a_duplicate(kit: AgencyKit) -> None:
    registered_document(kit, code_number="05", code_notation="QĐ-UBND", issued_date=dt.date(2026, 3, 5))
    other = registered_document(kit, code_number="05", code_notation="QĐ-UBND", issued_date=dt.date(2026, 3, 5),
                                organ_name="Sở Tài chính")
    assert other.duplicate_of_id is None


@pytest.mark.django_db
def test_same_document_id_is_flagged_on_acceptance(kit: AgencyKit) -> None:
    first = registered_document(kit, document_id="000.00.00.H49,2026/03/05,15/CT-UBND")
    arrival = arrived_document(kit, document_id="000.00.00.H49,2026/03/05,15/CT-UBND", code_number="99")
    accepted = incoming_register(actor=kit.clerk, document_id=arrival.pk)
    assert accepted.duplicate_of_id == first.pk


@pytest.mark.django_db
def test_duplicates_in_another_agency_are_not_reported(kit: AgencyKit, other_kit: AgencyKit) -> None:
    registered_document(other_kit, code_number="07", code_notation="TB-UBND", issued_date=dt.date(2026, 3, 5))
    mine = registered_document(kit, code_number="07", code_notation="TB-UBND", issued_date=dt.date(2026, 3, 5))
    assert mine.duplicate_of_id is None
