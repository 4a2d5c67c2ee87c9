"""The statistics screens: who sees which scope, the drill-down to the documents, the reports and their files."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tests.builders import AgencyKit, make_agency_kit, registered_document
from tests.outgoing.helpers import signed
from vanthu.documents.outgoing.distribution import outgoing_issue
from vanthu.documents.outgoing.services import outgoing_mark_sealed, outgoing_number
from vanthu.organizations.actor import actor_for
from vanthu.organizations.models import Agency
from vanthu.organizations.services import membership_create, user_create
from vanthu.reports.models import MonthlyStat, ReportSettings, StatMonthClosing, StatReport
from vanthu.reports.rollup import stats_rebuild

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _login(client: Client, user: Any) -> Client:
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def _issue(kit: AgencyKit, to: AgencyKit, personal: bool = True) -> None:
    document = signed(kit)
    outgoing_number(actor=kit.clerk, document_id=document.pk)
    outgoing_mark_sealed(actor=kit.clerk, document_id=document.pk, valid_signature=True,
                         valid_personal_signature=personal)
    outgoing_issue(actor=kit.clerk, document_id=document.pk, agency_ids=[to.agency.pk])


@pytest.fixture
def province() -> dict[str, Any]:
    """A root agency (the province) with two departments under it, and a statistics viewer at the root."""
    root, first, second = make_agency_kit(), make_agency_kit(), make_agency_kit()
    Agency.objects.filter(pk__in=[first.agency.pk, second.agency.pk]).update(parent=root.agency)
    viewer = user_create(actor=None, username="thongke.tinh", full_name="Cán bộ thống kê", password=None)
    membership_create(actor=None, user=viewer, agency=root.agency, roles=["STATS_VIEWER"])
    _issue(first, second)
    _issue(first, second)
    _issue(second, first, personal=True)
    registered_document(first)
    stats_rebuild(agency_ids=[root.agency.pk, first.agency.pk, second.agency.pk])
    today = timezone.localdate()
    return {"root": root, "first": first, "second": second, "viewer": viewer,
            "query": f"ky=thang&nam={today.year}&thang={today.month}"}


def test_the_province_viewer_sees_the_subtree(client: Client, province: dict[str, Any]) -> None:
    response = _login(client, province["viewer"]).get(f"/thong-ke/?{province['query']}")
    assert response.status_code == 200
    board = response.context["board"]
    assert board.total.sent == 3 and board.total.personal_signature_rate == Decimal("100.00")
    assert {r.node.id for r in board.rows} == {province["first"].agency.pk, province["second"].agency.pk}
    body = response.content.decode()
    assert "100,00 %" in body and 'id="stats-trend"' in body


def test_a_department_leader_sees_only_its_department(client: Client, province: dict[str, Any]) -> None:
    first = province["first"]
    _login(client, first.leader.user)
    board = client.get(f"/thong-ke/?{province['query']}").context["board"]
    assert board.root.id == first.agency.pk and board.total.sent == 2
    assert client.get(f"/thong-ke/co-quan/{province['second'].agency.pk}/").status_code == 404
    assert client.get(f"/thong-ke/co-quan/{province['root'].agency.pk}/").status_code == 404


def test_a_specialist_has_no_statistics(client: Client, province: dict[str, Any]) -> None:
    _login(client, province["first"].specialist.user)
    assert client.get("/thong-ke/").status_code == 403
    assert client.get(f"/thong-ke/bao-cao/OUTGOING/{province['first'].agency.pk}/").status_code == 404


def test_the_leader_drills_down_to_the_documents_behind_a_number(client: Client, province: dict[str, Any]) -> None:
    first = province["first"]
    _login(client, first.leader.user)
    response = client.get(f"/thong-ke/co-quan/{first.agency.pk}/van-ban/?{province['query']}&so-lieu=sent")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2


def test_the_province_viewer_sees_counts_but_never_the_documents(client: Client, province: dict[str, Any]) -> None:
    first = province["first"]
    _login(client, province["viewer"])
    assert client.get(f"/thong-ke/co-quan/{first.agency.pk}/?{province['query']}").status_code == 200
    assert client.get(f"/thong-ke/co-quan/{first.agency.pk}/van-ban/?so-lieu=sent").status_code == 404


def test_the_xlsx_holds_the_numbers_of_the_screen(client: Client, province: dict[str, Any]) -> None:
    root = province["root"]
    _login(client, province["viewer"])
    url = f"/thong-ke/bao-cao/PROVINCE_MONTHLY/{root.agency.pk}/?{province['query']}"
    screen = client.get(url)
    [total] = screen.context["table"].totals
    assert total.cells[1] == "Tổng cộng"
    xlsx = load_workbook(io.BytesIO(client.get(url + "&format=xlsx").content))
    sheet = xlsx.active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(min_row=6)]
    in_file = next(r for r in rows if r[1].value == "Tổng cộng")
    assert in_file[3].value == total.cells[3] == 3
    # A rate is a spreadsheet percentage: the fraction, shown with a % sign.
    assert in_file[5].value == pytest.approx(float(total.cells[5]) / 100) and in_file[5].number_format == "0.00%"
    assert "100,00 %" in screen.content.decode()


def test_the_pdf_report_uses_vietnamese_number_formatting(client: Client, province: dict[str, Any]) -> None:
    import subprocess

    _login(client, province["first"].leader.user)
    pdf = client.get(f"/thong-ke/bao-cao/OUTGOING/{province['first'].agency.pk}/?{province['query']}&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert "BÁO CÁO VĂN BẢN ĐI" in text and "100,00 %" in text


def test_the_dashboard_does_not_grow_queries_with_agencies(client: Client, province: dict[str, Any]) -> None:
    _login(client, province["viewer"])
    with CaptureQueriesContext(connection) as few:
        client.get(f"/thong-ke/?{province['query']}")
    for _ in range(3):
        extra = make_agency_kit()
        Agency.objects.filter(pk=extra.agency.pk).update(parent=province["root"].agency)
    stats_rebuild(agency_ids=list(Agency.objects.values_list("pk", flat=True)))
    with CaptureQueriesContext(connection) as many:
        client.get(f"/thong-ke/?{province['query']}")
    assert len(many) == len(few)


def test_reports_are_generated_and_kept_for_their_agency(client: Client, province: dict[str, Any]) -> None:
    first = province["first"]
    today = timezone.localdate()
    _login(client, first.leader.user)
    client.post("/thong-ke/lap-bao-cao/", {"kind": "OUTGOING", "agency": first.agency.pk, "ky": "thang",
                                           "nam": today.year, "thang": today.month})
    report = StatReport.objects.get(agency=first.agency, kind="OUTGOING")
    assert client.get(f"/thong-ke/bao-cao-da-lap/{report.pk}/xlsx/").status_code == 200
    _login(client, province["second"].leader.user)
    assert client.get(f"/thong-ke/bao-cao-da-lap/{report.pk}/xlsx/").status_code == 404
    client.post("/thong-ke/lap-bao-cao/", {"kind": "OUTGOING", "agency": first.agency.pk, "ky": "thang",
                                           "nam": today.year, "thang": today.month})
    assert StatReport.objects.filter(agency=first.agency).count() == 1, "not for another agency"


def test_the_report_screen_escapes_names_and_aligns_figures_right(client: Client, province: dict[str, Any]) -> None:
    Agency.objects.filter(pk=province["first"].agency.pk).update(name="Sở <Thử> & nghiệm")
    _login(client, province["viewer"])
    body = client.get(f"/thong-ke/bao-cao/PROVINCE_MONTHLY/{province['root'].agency.pk}/?{province['query']}")
    html = body.content.decode()
    assert '<td class="vt-left">Sở &lt;Thử&gt; &amp; nghiệm</td>' in html and "<Thử>" not in html
    assert '<td class="vt-right">100,00 %</td>' in html


@pytest.mark.parametrize(("kind", "query", "stem"), [
    ("PROVINCE_MONTHLY", "ky=thang&nam=2026&thang=11", "bao-cao-thang-tinh-2026-11"),
    ("INCOMING_HANDLING", "ky=quy&nam=2026&quy=3", "bao-cao-giai-quyet-van-ban-den-quy-3-2026"),
    ("OUTGOING", "ky=thang&nam=2026&thang=2", "bao-cao-van-ban-di-2026-02"),
])
def test_report_downloads_are_named_in_plain_vietnamese(client: Client, province: dict[str, Any], kind: str,
                                                        query: str, stem: str) -> None:
    _login(client, province["viewer"])
    for fmt in ("xlsx", "pdf"):
        response = client.get(f"/thong-ke/bao-cao/{kind}/{province['root'].agency.pk}/?{query}&format={fmt}")
        assert response["Content-Disposition"] == f'attachment; filename="{stem}.{fmt}"'


def test_a_kept_report_downloads_under_the_same_name(client: Client, province: dict[str, Any]) -> None:
    first = province["first"]
    _login(client, first.leader.user)
    client.post("/thong-ke/lap-bao-cao/", {"kind": "OUTGOING", "agency": first.agency.pk, "ky": "thang",
                                           "nam": 2026, "thang": 10})
    report = StatReport.objects.get(agency=first.agency, kind="OUTGOING")
    response = client.get(f"/thong-ke/bao-cao-da-lap/{report.pk}/pdf/")
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-van-ban-di-2026-10.pdf"'


def test_the_threshold_and_month_closing_are_for_the_province(client: Client, province: dict[str, Any]) -> None:
    _login(client, province["viewer"])
    client.post("/thong-ke/cau-hinh/", {"threshold": "98,5"})
    assert ReportSettings.objects.get(agency=province["root"].agency).threshold == Decimal("98.50")
    client.post("/thong-ke/cau-hinh/", {"close_month": "2026-10"})
    assert StatMonthClosing.objects.filter(year=2026, month=10).exists()
    _login(client, province["first"].specialist.user)
    assert client.post("/thong-ke/cau-hinh/", {"threshold": "10"}).status_code == 403
    _login(client, province["first"].leader.user)
    client.post("/thong-ke/cau-hinh/", {"close_month": "2026-09"})
    assert not StatMonthClosing.objects.filter(year=2026, month=9).exists(), "leaders do not close months"


def test_a_unit_leader_sees_the_unit(client: Client, province: dict[str, Any]) -> None:
    first = province["first"]
    actor = actor_for(first.finance_head.user)
    _login(client, actor.user)
    response = client.get(f"/thong-ke/?{province['query']}")
    assert response.status_code == 200
    assert [unit.pk for unit, _f in response.context["board"].units] in ([], [first.finance.pk])
    assert MonthlyStat.objects.exists()
