"""The page behaviours that run on JavaScript, under the Content-Security-Policy (no inline script, no eval: Alpine's
CSP build and our static files): each one is used in Chromium, and the conftest fails the test on any console error
or CSP violation the page reports."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from tests.builders import AgencyKit, make_agency_kit, registered_document
from tests.outgoing.helpers import draft
from tests.outgoing.signing_kit import SigningSetup, signing_setup
from vanthu.documents.services import incoming_present
from vanthu.signing.models import KeyDevice
from vanthu.signing.pki.testing import TestPki

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mat-khau-dai-123"
T = TypeVar("T")


def _off_the_loop(call: Callable[[], T]) -> T:
    """Services that start event loops of their own run in another thread than Playwright's."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _login(browser: Any, base: str, username: str) -> Any:
    page = browser.new_context(locale="vi-VN").new_page()
    page.set_default_timeout(20000)
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)
    return page


def test_recipient_search_filters_the_list_without_diacritics(browser: Any, live_server: Any) -> None:
    kit: AgencyKit = make_agency_kit()
    others = [make_agency_kit() for _ in range(2)]
    page = _login(browser, live_server.url, kit.specialist.user.username)
    page.goto(f"{live_server.url}/van-ban-di/soan-thao/")
    page.fill("#recipients-search", f"so thu nghiem {others[0].agency.name.rsplit(' ', 1)[1]}")
    visible = page.locator("#id_recipients option:not([hidden])")
    page.wait_for_function("document.querySelectorAll('#id_recipients option[hidden]').length > 0")
    assert others[0].agency.name in visible.all_inner_texts()
    assert others[1].agency.name not in visible.all_inner_texts()


def test_template_fields_show_only_for_a_built_in_template(browser: Any, live_server: Any) -> None:
    kit: AgencyKit = make_agency_kit()
    page = _login(browser, live_server.url, kit.specialist.user.username)
    page.goto(f"{live_server.url}/van-ban-di/soan-thao/")
    template_fields = page.locator(".vt-template-fields")
    page.locator("input[name=source_kind][value=template]").check()
    template_fields.wait_for(state="visible")
    page.locator("input[name=source_kind][value=pdf]").check()
    template_fields.wait_for(state="hidden")


def test_route_steps_are_added_and_removed(browser: Any, live_server: Any) -> None:
    kit: AgencyKit = make_agency_kit()
    document = draft(kit)
    page = _login(browser, live_server.url, kit.specialist.user.username)
    page.goto(f"{live_server.url}/van-ban-di/{document.pk}/")
    steps = page.locator("#route-steps li.vt-route-step")
    before = steps.count()
    page.locator("#route-add").click()
    page.wait_for_function(f"document.querySelectorAll('#route-steps li.vt-route-step').length === {before + 1}")
    steps.last.get_by_role("button", name="Bỏ bước này").click()
    page.wait_for_function(f"document.querySelectorAll('#route-steps li.vt-route-step').length === {before}")


def test_the_direction_form_shows_the_deadline_field_of_the_chosen_mode(browser: Any, live_server: Any) -> None:
    kit: AgencyKit = make_agency_kit()
    document = registered_document(kit)
    incoming_present(actor=kit.clerk, document_id=document.pk, leader_id=kit.leader.user.pk)
    page = _login(browser, live_server.url, kit.leader.user.username)
    page.goto(f"{live_server.url}/van-ban-den/{document.pk}/")
    form = page.locator("#action-direct")
    form.locator("input[name=due_mode][value=date]").check()
    form.locator("input[name=due_date]").wait_for(state="visible")
    form.locator("input[name=due_days]").wait_for(state="hidden")


def test_stopping_a_key_device_asks_first(browser: Any, live_server: Any, test_pki: TestPki, settings: Any) -> None:
    kit: AgencyKit = make_agency_kit()
    signing: SigningSetup = _off_the_loop(lambda: signing_setup(kit, test_pki, settings))
    page = _login(browser, live_server.url, kit.leader.user.username)
    page.goto(f"{live_server.url}/ky-so/chung-thu/")
    questions: list[str] = []

    def dismiss(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("button", name="Ngừng sử dụng").first.click()
    page.wait_for_function("true")  # let the dialog handler run
    assert questions == ["Ngừng sử dụng thiết bị ký này? Sau đó không ký được bằng thiết bị này nữa."]
    assert KeyDevice.objects.get(pk=signing.leader_device.pk).is_active


def test_select_all_ticks_every_numbered_document(browser: Any, live_server: Any, test_pki: TestPki,
                                                  settings: Any) -> None:
    kit: AgencyKit = make_agency_kit()
    signing: SigningSetup = _off_the_loop(lambda: signing_setup(kit, test_pki, settings))
    _off_the_loop(lambda: [signing.numbered(template=False) for _ in range(2)])
    page = _login(browser, live_server.url, kit.clerk.user.username)
    page.goto(f"{live_server.url}/van-ban-di/ky-so-co-quan/")
    page.locator("#select-all").check()
    page.wait_for_function("[...document.querySelectorAll('input[name=documents]')].every((box) => box.checked)")
    page.locator("#select-all").uncheck()
    page.wait_for_function("[...document.querySelectorAll('input[name=documents]')].every((box) => !box.checked)")
    assert re.search(r"/ky-so-co-quan/$", page.url)


def test_the_api_docs_page_runs_under_the_policy(browser: Any, live_server: Any) -> None:
    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(f"{live_server.url}/api/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
