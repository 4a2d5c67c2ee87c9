"""The statistics dashboard in Chromium, in Vietnamese: a leader opens it, drills down to a unit and to the
documents behind a number, and downloads the XLSX report, whose numbers are the screen's."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.browser.test_outgoing_flow_browser import _login
from tests.builders import make_agency_kit
from tests.outgoing.helpers import signed
from vanthu.documents.outgoing.distribution import outgoing_issue
from vanthu.documents.outgoing.services import outgoing_mark_sealed, outgoing_number
from vanthu.organizations.models import Agency
from vanthu.reports.rollup import stats_rebuild

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_drills_down_and_downloads_the_xlsx(browser: Any, live_server: Any) -> None:
    root, department = make_agency_kit(), make_agency_kit()
    Agency.objects.filter(pk=department.agency.pk).update(parent=root.agency)
    for personal in (True, True, False):
        document = signed(root, drafting_unit_id=root.finance.pk)
        outgoing_number(actor=root.clerk, document_id=document.pk)
        outgoing_mark_sealed(actor=root.clerk, document_id=document.pk, valid_signature=True,
                             valid_personal_signature=personal)
        if personal:
            outgoing_issue(actor=root.clerk, document_id=document.pk, agency_ids=[department.agency.pk])
    stats_rebuild(agency_ids=[root.agency.pk, department.agency.pk])
    today = timezone.localdate()
    base = live_server.url
    page = _login(browser, base, root.leader.user.username, viewport={"width": 390, "height": 844})
    page.goto(f"{base}/thong-ke/")
    page.select_option("#p-thang", value=str(today.month))
    page.select_option("#p-nam", value=str(today.year))
    page.get_by_role("button", name="Xem").click()
    page.wait_for_load_state()
    assert page.locator("#stats-title").inner_text().endswith(root.agency.name)
    assert page.locator('[data-figure="sent"] .fs-4').inner_text() == "2"
    assert page.locator('[data-figure="personal_rate"] .fs-4').inner_text() == "100,00 %"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the dashboard must not scroll sideways on a phone"

    # The unit row, then the documents behind its number.
    unit_row = page.locator(f'#stats-units tr[data-unit="{root.finance.pk}"]')
    assert unit_row.locator('[data-drill="sent"]').inner_text() == "2"
    unit_row.locator('[data-drill="sent"]').click()
    page.wait_for_load_state()
    assert page.locator("#stats-documents tbody tr").count() == 2
    page.go_back()
    page.wait_for_load_state()

    # The province's monthly report, as a screen and as XLSX.
    page.locator('[data-report="PROVINCE_MONTHLY"]').click()
    page.wait_for_load_state()
    total_row = page.locator("#report-table tbody tr", has_text="Tổng cộng")
    on_screen = [cell.strip() for cell in total_row.locator("td").all_inner_texts()]
    with page.expect_download() as download:
        page.locator("#report-xlsx").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert sheet is not None
    in_file = next(r for r in sheet.iter_rows(min_row=6, values_only=True) if r[1] == "Tổng cộng")
    assert on_screen[3] == str(in_file[3]) == "2", "documents sent electronically"
    assert on_screen[5] == "100,00 %" and in_file[5] == 1.0  # a spreadsheet percentage: the fraction
    page.context.close()
