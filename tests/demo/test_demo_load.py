from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from vanthu.core.models import AuditEvent, Holiday
from vanthu.core.periods import Period
from vanthu.demo.data import DEMO_PASSWORD
from vanthu.demo.loader import DemoSummary, demo_load, demo_logins
from vanthu.documents.enums import IncomingState
from vanthu.documents.models import DocumentFile, DocumentType, IncomingDocument, Register
from vanthu.documents.registers import BookKind, register_book
from vanthu.documents.selectors import overdue_q
from vanthu.organizations.actor import actor_for
from vanthu.organizations.enums import AgencyKind, RoleCode
from vanthu.organizations.models import Agency, Membership, Role, User
from vanthu.signing.audit.verify import audit_verify

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """The full demo, loaded once for the module and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load()
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    return {"agencies": Agency.objects.count(), "users": User.objects.count(),
            "documents": IncomingDocument.objects.count(), "files": DocumentFile.objects.count(),
            "audit": AuditEvent.objects.count()}


def test_every_incoming_state_is_present(demo: DemoSummary) -> None:
    states = Counter(IncomingDocument.objects.values_list("state", flat=True))
    expected = {IncomingState.ARRIVED, IncomingState.RETURNED, IncomingState.REGISTERED, IncomingState.PRESENTED,
                IncomingState.ASSIGNED, IncomingState.IN_PROGRESS, IncomingState.COMPLETED}
    assert expected <= set(states)
    assert 190 <= demo.documents == sum(states.values()) <= 210


def test_some_open_documents_are_overdue(demo: DemoSummary) -> None:
    overdue = IncomingDocument.objects.filter(overdue_q(timezone.localdate())).count()
    assert 0 < overdue < demo.documents // 3


def test_history_spreads_over_the_last_months_in_number_order(demo: DemoSummary) -> None:
    province = Agency.objects.get(organ_id="000.00.00.H99")
    rows = [d for d in IncomingDocument.objects.filter(agency=province, arrival_number__isnull=False,
                                                           confidentiality=0)
            .order_by("arrival_number").values_list("arrival_date", flat=True) if d is not None]
    assert rows == sorted(rows)
    today = timezone.localdate()
    oldest = timezone.localtime(rows[0]).date()
    assert (today - oldest).days >= 30 or oldest.month == 1


def test_organisation_has_the_province_tree(demo: DemoSummary) -> None:
    province = Agency.objects.get(organ_id="000.00.00.H99")
    assert province.level is not None and province.level.code == "PROVINCE"
    departments = Agency.objects.filter(parent=province, level__code="DEPARTMENT")
    codes = sorted(str(code) for code in departments.values_list("organ_id", flat=True))
    assert codes == [f"000.00.0{i}.H99" for i in range(1, 6)]
    districts = Agency.objects.filter(parent=province, level__code="DISTRICT")
    assert {d.name for d in districts} == {"Ủy ban nhân dân huyện Đông Sơn", "Ủy ban nhân dân huyện Tây Hòa",
                                          "Ủy ban nhân dân thị xã Bắc Thành"}
    assert Agency.objects.filter(parent__in=districts, level__code="COMMUNE").count() == 6
    press = Agency.objects.get(name="Báo Demo")
    assert press.kind == AgencyKind.PRESS and press.organ_id is None
    assert Membership.objects.get(user__username="baodemo").role_codes() == {RoleCode.GUEST}


def test_every_role_has_a_login_with_the_demo_password(demo: DemoSummary) -> None:
    logins = demo_logins()
    usernames = {row.username for row in logins}
    assert {"admin", "vanthu.ubnd", "chutich.ubnd", "phochutich.ubnd", "truongphong.th.ubnd",
            "chuyenvien.th.ubnd", "quantri.ubnd", "vanthu.sotc", "baodemo"} <= usernames
    used_roles = set(Role.objects.filter(membership__isnull=False).values_list("code", flat=True))
    assert used_roles == set(RoleCode.values) - {RoleCode.SYSADMIN}
    assert User.objects.get(username="chutich.ubnd").check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    assert next(r for r in logins if r.username == "vanthu.sotc").agency == "Sở Tài chính"


def test_documents_have_generated_pdfs_with_vietnamese_text(demo: DemoSummary) -> None:
    doc = IncomingDocument.objects.filter(confidentiality=0).order_by("id").first()
    assert doc is not None
    main = doc.files.get(role="MAIN")
    assert main.content_type == "application/pdf" and main.page_count == 1
    from vanthu.core.blobs import blob_read
    from vanthu.core.files import text_extract

    text = text_extract(content=blob_read(main.blob), content_type=main.content_type)
    if text:  # pdftotext present
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
    assert DocumentType.objects.filter(pk=doc.document_type_id).exists()


def test_secret_documents_are_in_the_secret_register_only(demo: DemoSummary) -> None:
    secret = IncomingDocument.objects.filter(confidentiality__gt=0)
    assert secret.exists()
    assert not DocumentFile.objects.filter(incoming__in=secret).exists()
    assert set(secret.values_list("register__kind", flat=True)) == {"SECRET_INCOMING"}


def test_holidays_are_seeded_for_this_and_next_year(demo: DemoSummary) -> None:
    year = timezone.localdate().year
    assert Holiday.objects.filter(date__year=year).exists()
    assert Holiday.objects.filter(date__year=year + 1).exists()


def test_audit_chain_is_intact_after_loading(demo: DemoSummary) -> None:
    assert list(audit_verify()) == []


def test_register_book_of_the_province_prints(demo: DemoSummary) -> None:
    clerk = actor_for(User.objects.get(username="vanthu.ubnd"))
    register = Register.objects.get(agency=clerk.agency, kind="INCOMING")
    book = register_book(actor=clerk, register_id=register.pk, kind=BookKind.HANDLING,
                         period=Period.year(timezone.localdate().year))
    assert len(book.rows) > 20
    assert any(getattr(row, "reply_reference", "") for row in book.rows)


def test_loading_twice_changes_nothing(demo: DemoSummary) -> None:
    before = _counts()
    again = demo_load()
    assert not again.created
    assert _counts() == before
    assert (again.agencies, again.users, again.documents) == (demo.agencies, demo.users, demo.documents)


def test_reset_wipes_and_reloads(demo: DemoSummary) -> None:
    summary = demo_load(reset=True, documents=14)
    assert summary.created and summary.documents == 14 + 3  # plus the three secret ones
    assert DocumentType.objects.filter(code="CONG_VAN").exists()  # data migrations re-run after the wipe
    assert Role.objects.filter(code=RoleCode.CLERK).exists()
    assert list(audit_verify()) == []
