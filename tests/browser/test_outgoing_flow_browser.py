"""The outgoing flow walked in Chromium, in Vietnamese, with the real test PKI: a specialist drafts from a DOCX, the
route reviews it, the leader signs on a phone, the clerk numbers, seals and issues to a unit and to another agency,
that agency accepts and assigns, and the sender watches the statuses come back. The issued PDF is then downloaded
from the page and checked with pyHanko."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.builders import AgencyKit, make_agency_kit
from tests.outgoing.office_docs import docx_bytes, nd30_blocks
from tests.outgoing.signing_kit import SigningSetup, signing_setup
from tests.signing.signing_helpers import assert_pdfsig_valid, assert_pyhanko_valid
from vanthu.documents.convert import office_available
from vanthu.documents.enums import IncomingState
from vanthu.documents.handling import processing_note_add
from vanthu.documents.models import IncomingDocument
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.models import DraftVersion, OutgoingDelivery, OutgoingDocument
from vanthu.signing.pki.testing import TestPki
from vanthu.workflows.enums import HandlerRole
from vanthu.workflows.models import Assignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mat-khau-dai-123"  # tests.builders gives every kit member this password
SUBJECT = "Về việc phê duyệt Kế hoạch chuyển đổi số năm 2026"
T = TypeVar("T")


def _off_the_loop(call: Callable[[], T]) -> T:
    """Run a service in another thread: Playwright's event loop runs in this one, and the signing and notification
    code starts event loops of its own."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _login(browser: Any, base: str, username: str, **context: Any) -> Any:
    page = browser.new_context(locale="vi-VN", accept_downloads=True, **context).new_page()
    page.set_default_timeout(30000)
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)
    return page


def _state(document_id: int) -> str:
    return OutgoingDocument.objects.get(pk=document_id).state


def _delivery_badge(page: Any, agency_name: str) -> str:
    row = page.locator("#document-deliveries tr", has_text=agency_name)
    return str(row.locator(".badge").first.inner_text()).strip()


def test_draft_from_docx_to_issued_and_accepted_by_the_other_agency(
    browser: Any, live_server: Any, test_pki: TestPki, settings: Any, tmp_path: Path
) -> None:
    if not office_available():
        pytest.skip("needs LibreOffice (soffice) to convert the DOCX draft")
    kit: AgencyKit = make_agency_kit()
    other: AgencyKit = make_agency_kit()
    signing: SigningSetup = _off_the_loop(lambda: signing_setup(kit, test_pki, settings))
    base = live_server.url
    leader_name = kit.leader.user.full_name
    draft = tmp_path / "du-thao-quyet-dinh.docx"
    draft.write_bytes(docx_bytes(nd30_blocks(signer_name=leader_name, body_paragraphs=3)))

    # Chuyên viên: a new draft from the DOCX, signed by the leader, for the other agency.
    specialist = _login(browser, base, kit.specialist.user.username)
    specialist.goto(f"{base}/van-ban-di/soan-thao/")
    specialist.select_option("#id_document_type", label="Quyết định")
    specialist.fill("#id_subject", SUBJECT)
    specialist.select_option("#id_signer", value=str(kit.leader.user.pk))
    specialist.fill("#id_signer_title", "Giám đốc")
    specialist.select_option("#id_recipients", value=[str(other.agency.pk)])
    specialist.locator("input[name=source_kind][value=office]").check()
    specialist.set_input_files("#id_main_file", str(draft))
    specialist.locator("#outgoing-save").click()
    specialist.wait_for_url(re.compile(r".*/van-ban-di/\d+/$"))
    document = OutgoingDocument.objects.get(agency=kit.agency)
    first = DraftVersion.objects.get(document=document)
    assert first.source is not None and first.field_boxes["located"], "LibreOffice converted; boxes were found"

    # The route: the finance head reviews the content, the office head checks the format.
    # The builder offers two content steps and the format check; the blank second step is left out.
    steps = specialist.locator("#action-submit li.vt-route-step")
    steps.nth(0).locator("select[name=route-reviewer]").select_option(value=str(kit.finance_head.user.pk))
    steps.nth(2).locator("select[name=route-reviewer]").select_option(value=str(kit.office_head.user.pk))
    specialist.locator("#action-submit").get_by_role("button", name="Trình", exact=True).click()
    specialist.wait_for_load_state()
    assert _state(document.pk) == OutgoingState.IN_REVIEW

    for reviewer in (kit.finance_head, kit.office_head):
        page = _login(browser, base, reviewer.user.username)
        page.goto(f"{base}/van-ban-di/{document.pk}/")
        page.locator("#action-approve").click()
        page.wait_for_load_state()
        page.context.close()
    assert _state(document.pk) == OutgoingState.AWAITING_SIGNATURE

    # Lãnh đạo, on a phone: ký số with the key device and its PIN.
    leader = _login(browser, base, kit.leader.user.username, viewport={"width": 390, "height": 844})
    leader.goto(f"{base}/van-ban-di/{document.pk}/")
    overflow = leader.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the document page must not scroll sideways on a phone"
    leader.select_option("#id_sign-key_device", value=str(signing.leader_device.pk))
    leader.fill("#id_sign-pin", signing.leader_pin)
    leader.locator("#action-sign").get_by_role("button", name="Ký số").click()
    leader.wait_for_load_state()
    assert leader.get_by_text("Đã ký số văn bản.").is_visible()
    assert _state(document.pk) == OutgoingState.SIGNED
    leader.context.close()

    # Văn thư: number, seal, issue to a unit of the agency and to the other agency.
    clerk = _login(browser, base, kit.clerk.user.username)
    clerk.goto(f"{base}/van-ban-di/{document.pk}/")
    clerk.locator("#action-number").get_by_role("button", name="Cấp số").click()
    clerk.wait_for_load_state()
    assert _state(document.pk) == OutgoingState.NUMBERED
    clerk.select_option("#id_seal-key_device", value=str(signing.agency_device.pk))
    clerk.fill("#id_seal-pin", signing.agency_pin)
    clerk.locator("#action-seal").get_by_role("button", name="Ký số cơ quan").click()
    clerk.wait_for_load_state()
    assert _state(document.pk) == OutgoingState.SEALED
    clerk.select_option("#id_issue-units", value=[str(kit.finance.pk)])
    clerk.select_option("#id_issue-agencies", value=[str(other.agency.pk)])
    clerk.locator("#action-issue").get_by_role("button", name="Ban hành").click()
    clerk.wait_for_load_state()
    document.refresh_from_db()
    assert document.state == OutgoingState.ISSUED and document.reference.endswith(f"/QĐ-{kit.agency.abbreviation}")
    assert _delivery_badge(clerk, other.agency.name) == "01 Đã đến"
    copy = OutgoingDelivery.objects.get(document=document, agency=other.agency).incoming
    assert copy is not None and copy.state == IncomingState.ARRIVED

    # The other agency: its clerk accepts (vào sổ), its leader assigns a specialist.
    other_clerk = _login(browser, base, other.clerk.user.username)
    other_clerk.goto(f"{base}/van-ban-den/{copy.pk}/")
    other_clerk.locator("#action-register").get_by_role("button", name="Vào sổ").click()
    other_clerk.wait_for_load_state()
    other_clerk.context.close()
    clerk.reload()
    assert _delivery_badge(clerk, other.agency.name) == "03 Đã tiếp nhận"

    other_leader = _login(browser, base, other.leader.user.username)
    other_leader.goto(f"{base}/van-ban-den/{copy.pk}/")
    other_leader.select_option("#action-direct select[name=lead]", value=f"user:{other.specialist.user.pk}")
    other_leader.fill("#action-direct textarea[name=instruction]", "Giao chuyên viên tham mưu triển khai.")
    other_leader.locator("#action-direct").get_by_role("button", name="Chỉ đạo").click()
    other_leader.wait_for_load_state()
    other_leader.context.close()
    assert IncomingDocument.objects.get(pk=copy.pk).state == IncomingState.ASSIGNED
    clerk.reload()
    assert _delivery_badge(clerk, other.agency.name) == "04 Đã giao xử lý"
    # The assigned specialist starts working on it: the sender sees "Đang xử lý".
    lead = Assignment.objects.get(incoming=copy, role=HandlerRole.LEAD, parent__isnull=True)
    _off_the_loop(lambda: processing_note_add(actor=other.specialist, assignment_id=lead.pk,
                                              text="Đang xây dựng kế hoạch triển khai."))
    clerk.reload()
    assert _delivery_badge(clerk, other.agency.name) == "05 Đang xử lý"

    # The issued PDF, downloaded from the page: the leader's and the agency's signatures, both valid in pyHanko
    # and in pdfsig.
    latest = DraftVersion.objects.filter(document=document).order_by("-number").first()
    assert latest is not None
    with clerk.expect_download() as download_info:
        clerk.locator(f'#document-versions li[data-version="{latest.number}"] a.vt-file-link').click()
    pdf = Path(download_info.value.path()).read_bytes()
    statuses = _off_the_loop(lambda: assert_pyhanko_valid(pdf, test_pki, count=2))
    assert_pdfsig_valid(pdf, test_pki, tmp_path, count=2)  # and poppler, the independent second validator
    assert [s.signing_cert.subject.native["common_name"] for s in statuses] == ["Nguyễn Văn An", "UBND tỉnh Demo"]
    assert statuses[0].modification_level.name == "FORM_FILLING"  # number and date filled after the leader signed
