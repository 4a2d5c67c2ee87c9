"""The incoming flow walked in Chromium, in Vietnamese, by four different people."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.builders import AgencyKit, make_agency_kit, pdf_bytes
from vanthu.documents.enums import IncomingState
from vanthu.documents.models import IncomingDocument

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mat-khau-dai-123"


def _login(browser: Any, base: str, username: str, **context: Any) -> Any:
    page = browser.new_context(locale="vi-VN", accept_downloads=True, **context).new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)
    return page


def test_clerk_leader_unit_head_and_specialist_complete_a_document(
    browser: Any, live_server: Any, tmp_path: Any
) -> None:
    kit: AgencyKit = make_agency_kit()
    base = live_server.url
    scan = tmp_path / "cong-van-so-15.pdf"
    scan.write_bytes(pdf_bytes("Cong van ve chuyen doi so", pages=2))

    # Văn thư: enter the paper document; it is registered with số đến 1.
    clerk = _login(browser, base, kit.clerk.user.username)
    clerk.goto(f"{base}/van-ban-den/moi/")
    clerk.select_option("#id_document_type", label="Công văn")
    clerk.fill("#id_code_number", "15")
    clerk.fill("#id_code_notation", "UBND-VP")
    clerk.fill("#id_issued_date", "02/11/2026")
    clerk.fill("#id_organ_name", "Ủy ban nhân dân tỉnh Demo")
    clerk.fill("#id_subject", "Về việc đẩy mạnh chuyển đổi số trong cơ quan nhà nước")
    clerk.set_input_files("#id_main_file", str(scan))
    clerk.locator("form").filter(has=clerk.locator("#id_subject")).get_by_role("button", name="Vào sổ").click()
    clerk.wait_for_url(re.compile(r".*/van-ban-den/\d+/$"))
    document = IncomingDocument.objects.get(agency=kit.agency)
    assert document.arrival_number == 1
    # The PDF preview renders the scan in the page.
    clerk.wait_for_selector("canvas")
    clerk.select_option("#action-present select[name=leader]", label=str(kit.leader.user))
    clerk.locator("#action-present").get_by_role("button", name="Trình lãnh đạo").click()
    clerk.wait_for_load_state()
    document.refresh_from_db()
    assert document.state == IncomingState.PRESENTED

    # Lãnh đạo: lead unit, co-operating unit, 5 working days.
    leader = _login(browser, base, kit.leader.user.username)
    leader.goto(f"{base}/van-ban-den/{document.pk}/")
    leader.select_option("#action-direct select[name=lead]", value=f"unit:{kit.finance.pk}")
    leader.select_option("#action-direct select[name=cooperating]", value=[f"unit:{kit.office.pk}"])
    leader.fill("#action-direct textarea[name=instruction]", "Giao Phòng KHTC chủ trì, Văn phòng phối hợp.")
    leader.fill("#action-direct input[name=due_days]", "5")
    leader.locator("#action-direct").get_by_role("button", name="Chỉ đạo").click()
    leader.wait_for_load_state()
    document.refresh_from_db()
    assert document.state == IncomingState.ASSIGNED and document.due_date is not None

    # Trưởng phòng: pass the unit's part to a specialist.
    head = _login(browser, base, kit.finance_head.user.username)
    head.goto(f"{base}/van-ban-den/{document.pk}/")
    head.locator("#action-delegate select").select_option(label=[str(kit.specialist.user)])
    head.locator("#action-delegate").get_by_role("button", name="Giao chuyên viên").click()
    head.wait_for_load_state()
    document.refresh_from_db()
    assert document.state == IncomingState.IN_PROGRESS

    # Chuyên viên, on a phone-sized screen: complete with the reply document.
    specialist = _login(browser, base, kit.specialist.user.username, viewport={"width": 390, "height": 844})
    specialist.goto(f"{base}/van-ban-den/{document.pk}/")
    overflow = specialist.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the document page must not scroll sideways on a phone"
    specialist.locator("#action-complete textarea").fill("Đã tham mưu văn bản trả lời.")
    specialist.locator("#action-complete input[type=text]").fill("45/KHTC")
    specialist.locator("#action-complete").get_by_role("button", name="Hoàn thành").click()
    specialist.wait_for_load_state()
    document.refresh_from_db()
    assert document.state == IncomingState.COMPLETED
    assert specialist.get_by_text("Hoàn thành").first.is_visible()

    # Văn thư: the register export holds the row.
    clerk.goto(f"{base}/so-van-ban/")
    with clerk.expect_download() as download_info:
        clerk.get_by_text("Xuất Excel (XLSX)").click()
    with open(download_info.value.path(), "rb") as fh:
        workbook = load_workbook(io.BytesIO(fh.read()))
    cells = [str(c) for row in workbook.active.iter_rows(values_only=True) for c in row if c is not None]
    assert any("chuyển đổi số trong cơ quan nhà nước" in c for c in cells)
    assert any("15/UBND-VP" in c for c in cells)
