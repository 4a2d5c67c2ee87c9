from __future__ import annotations

import io

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from openpyxl import load_workbook

from tests.builders import AgencyKit, registered_document
from vanthu.documents.enums import RegisterKind
from vanthu.documents.models import Register
from vanthu.organizations.actor import Actor

pytestmark = pytest.mark.django_db
URL = reverse_lazy("web:registers:register")


def _client(actor: Actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _register_id(kit: AgencyKit) -> int:
    return Register.objects.get(agency=kit.agency, kind=RegisterKind.INCOMING).pk


def _base_template_exists() -> bool:
    try:
        get_template("web/base.html")
    except TemplateDoesNotExist:
        return False
    return True


def test_anonymous_user_is_sent_to_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


def test_clerk_downloads_the_book_as_xlsx(kit: AgencyKit) -> None:
    doc = registered_document(kit)
    response = _client(kit.clerk).get(URL, {"register": str(_register_id(kit)), "book": "HANDLING", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["A2"].value == "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN"
    assert sheet["B6"].value.startswith(f"Công văn số {doc.reference}")


def test_leader_downloads_the_book_as_pdf_for_a_date_range(kit: AgencyKit) -> None:
    registered_document(kit)
    today = timezone.localdate().strftime("%d/%m/%Y")
    response = _client(kit.leader).get(URL, {"date_from": today, "date_to": today, "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_specialist_is_refused(kit: AgencyKit) -> None:
    assert _client(kit.specialist).get(URL, {"format": "xlsx"}).status_code == 403


def test_other_agency_register_is_not_found(kit: AgencyKit, other_kit: AgencyKit) -> None:
    response = _client(other_kit.clerk).get(URL, {"register": str(_register_id(kit)), "format": "xlsx"})
    # The id is not among the clerk's choices, so the filter form refuses it before any lookup.
    assert response.status_code in (400, 404)
    assert b"Ph\xc3\xb2ng" not in response.content


def test_reversed_date_range_is_refused(kit: AgencyKit) -> None:
    response = _client(kit.clerk).get(URL, {"date_from": "10/11/2026", "date_to": "01/11/2026", "format": "pdf"})
    assert response.status_code == 400


@pytest.mark.skipif(not _base_template_exists(), reason="web/base.html (owned by the UI engineer) is not there yet")
def test_register_screen_lists_rows_with_paging_and_export_links(kit: AgencyKit) -> None:
    docs = [registered_document(kit) for _ in range(3)]
    response = _client(kit.clerk).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sổ đăng ký văn bản đến" in html
    assert all(d.subject in html for d in docs)
    assert "format=xlsx" in html and "format=pdf" in html
