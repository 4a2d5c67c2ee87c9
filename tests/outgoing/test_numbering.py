from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from tests.builders import AgencyKit, make_agency_kit
from tests.outgoing.helpers import signed
from vanthu.core.errors import ApplicationError
from vanthu.documents.enums import Confidentiality, RegisterKind
from vanthu.documents.models import DocumentType
from vanthu.documents.outgoing.models import OutgoingDocument, RegisterRule
from vanthu.documents.outgoing.services import outgoing_assert_can_send_electronically, outgoing_number
from vanthu.documents.register_books import register_create


def _numbered(kit: AgencyKit, type_code: str = "QUYET_DINH", **overrides: object) -> OutgoingDocument:
    return outgoing_number(actor=kit.clerk, document_id=signed(kit, type_code, **overrides).pk)


@pytest.mark.django_db
def test_numbers_have_a_leading_zero_below_ten(kit: AgencyKit) -> None:
    codes = [_numbered(kit).code_number for _ in range(10)]
    assert codes[0] == "01" and codes[8] == "09" and codes[9] == "10"


@pytest.mark.django_db
def test_decision_symbol_is_type_then_agency(kit: AgencyKit) -> None:
    document = _numbered(kit, "QUYET_DINH")
    assert document.code_notation == f"QĐ-{kit.agency.abbreviation}"
    assert document.reference == f"01/QĐ-{kit.agency.abbreviation}"
    assert document.issued_date is not None and document.number_year == document.issued_date.year
    assert document.register is not None and document.register.kind == RegisterKind.OUTGOING


@pytest.mark.django_db
def test_official_letter_symbol_is_agency_then_drafting_unit(kit: AgencyKit) -> None:
    document = _numbered(kit, "CONG_VAN")
    assert document.code_notation == f"{kit.agency.abbreviation}-KHTC"


@pytest.mark.django_db
def test_secret_documents_have_their_own_series_and_are_never_sent(kit: AgencyKit) -> None:
    for actor in (kit.specialist, kit.clerk):
        actor.user.can_handle_secret = True
        actor.user.save()
    normal = _numbered(kit)
    secret = _numbered(kit, confidentiality=Confidentiality.SECRET)
    assert normal.number == 1 and secret.number == 1
    assert secret.register is not None and secret.register.kind == RegisterKind.SECRET_OUTGOING
    assert secret.channel == "PAPER"
    outgoing_assert_can_send_electronically(normal)
    for level in (Confidentiality.SECRET, Confidentiality.TOP_SECRET, Confidentiality.ULTRA_SECRET):
        secret.confidentiality = level
        with pytest.raises(ApplicationError) as exc:
            outgoing_assert_can_send_electronically(secret)
        assert exc.value.message == "Văn bản mật không được gửi qua mạng"


@pytest.mark.django_db
def test_register_rule_gives_a_document_type_its_own_series(kit: AgencyKit) -> None:
    book = register_create(actor=kit.admin, agency=kit.agency, kind=RegisterKind.OUTGOING,
                           name="Sổ quyết định")
    RegisterRule.objects.create(agency=kit.agency, document_type=DocumentType.objects.get(code="QUYET_DINH"),
                                register=book)
    decision = _numbered(kit, "QUYET_DINH")
    letter = _numbered(kit, "CONG_VAN")
    assert decision.register == book and decision.number == 1
    assert letter.register != book and letter.number == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("pg-many-connections")  # 50 connections each: never two at once (max 100)
def test_fifty_concurrent_number_issues_get_fifty_consecutive_numbers() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are a PostgreSQL property; SQLite serialises writers")
    kit = make_agency_kit()
    docs = [signed(kit) for _ in range(50)]
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def number(doc_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            outgoing_number(actor=kit.clerk, document_id=doc_id)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=number, args=(d.pk,)) for d in docs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    rows = OutgoingDocument.objects.filter(pk__in=[d.pk for d in docs])
    assert sorted(n or 0 for n in rows.values_list("number", flat=True)) == list(range(1, 51))
    assert len(set(rows.values_list("code_number", flat=True))) == 50
