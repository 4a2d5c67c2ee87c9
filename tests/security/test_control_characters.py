"""A NUL anywhere in the input is a 400 at the edge (PostgreSQL cannot store it: it used to be a 500 there), in the
API's error contract under /api/ and as a Vietnamese page elsewhere; other control characters XML cannot carry are
removed. Run on PostgreSQL too: ``DATABASE_URL=postgres://… pytest tests/security``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.api.conftest import assert_error, bearer
from tests.builders import AgencyKit, pdf_bytes, registered_document
from vanthu.documents.handling import DirectionInput, Handler, direction_create
from vanthu.documents.models import DocumentType, IncomingDocument
from vanthu.documents.services import incoming_present
from vanthu.workflows.models import Assignment, ProcessingNote

pytestmark = pytest.mark.django_db

NUL = "\x00"


def _metadata(**overrides: object) -> str:
    values: dict[str, object] = {
        "document_type_id": DocumentType.objects.get(code="CONG_VAN").pk, "code_number": "77",
        "code_notation": "SNV-TCCB", "issued_date": "2026-10-20", "organ_name": "Sở Nội vụ tỉnh Demo",
        "subject": "Về việc báo cáo biên chế năm 2026",
    }
    values.update(overrides)
    return json.dumps(values)


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("congvan.pdf", pdf_bytes(), "application/pdf")


def _web(actor: Any) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _refused_in_vietnamese(response: Any) -> None:
    assert response.status_code == 400
    assert "ký tự NUL" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def _lead_assignment(kit: AgencyKit) -> tuple[IncomingDocument, Assignment]:
    document = registered_document(kit)
    incoming_present(actor=kit.clerk, document_id=document.pk, leader_id=kit.leader.user.pk)
    direction_create(actor=kit.leader, document_id=document.pk,
                     data=DirectionInput(lead=Handler(unit_id=kit.finance.pk), due_in_working_days=5))
    return document, Assignment.objects.get(incoming=document, role="LEAD", parent__isnull=True)


def test_api_create_with_a_nul_in_the_metadata_is_refused(client: Client, kit: AgencyKit) -> None:
    before = IncomingDocument.objects.count()
    response = client.post("/api/v1/incoming", headers=bearer(kit.clerk), data={
        "metadata": _metadata(subject=f"Về việc{NUL} báo cáo"),
        "main_file": _pdf(),
    })
    body = assert_error(response, 400, "invalid_input")
    assert body["extra"]["errors"][0]["loc"] == ["form", "metadata", "subject"]
    assert IncomingDocument.objects.count() == before


def test_api_patch_with_a_nul_is_refused(client: Client, kit: AgencyKit) -> None:
    document = registered_document(kit)
    response = client.patch(f"/api/v1/incoming/{document.pk}", data=json.dumps({"organ_name": f"Sở{NUL}"}),
                            content_type="application/json", headers=bearer(kit.clerk))
    assert_error(response, 400, "invalid_input")
    document.refresh_from_db()
    assert NUL not in document.organ_name


def test_api_note_with_a_nul_is_refused(client: Client, kit: AgencyKit) -> None:
    _document, lead = _lead_assignment(kit)
    response = client.post(f"/api/v1/assignments/{lead.pk}/notes", data=json.dumps({"text": f"Đang làm{NUL}"}),
                           content_type="application/json", headers=bearer(kit.finance_head))
    assert_error(response, 400, "invalid_input")
    assert not ProcessingNote.objects.exists()


@pytest.mark.parametrize("query", ["issuer=S%E1%BB%9F%00", "q=chuy%E1%BB%83n%00", "state=%00"])
def test_api_list_filter_with_a_nul_is_refused(client: Client, kit: AgencyKit, query: str) -> None:
    body = assert_error(client.get(f"/api/v1/incoming?{query}", headers=bearer(kit.clerk)), 400, "invalid_input")
    assert body["extra"]["errors"][0]["loc"][0] == "query"


def test_web_note_with_a_nul_is_refused_with_a_vietnamese_page(kit: AgencyKit) -> None:
    document, lead = _lead_assignment(kit)
    url = reverse("web:assignment_note", args=[document.pk, lead.pk])
    _refused_in_vietnamese(_web(kit.finance_head).post(url, {f"a{lead.pk}-text": f"Đang làm{NUL}"}))
    assert not ProcessingNote.objects.exists()


@pytest.mark.parametrize("query", ["issuer=S%E1%BB%9F%00", "q=%00", "date_from=%00"])
def test_web_list_filter_with_a_nul_is_refused(kit: AgencyKit, query: str) -> None:
    _refused_in_vietnamese(_web(kit.clerk).get(f"{reverse('web:incoming_list')}?{query}"))


def test_directory_search_with_a_nul_is_refused(kit: AgencyKit) -> None:
    _refused_in_vietnamese(_web(kit.clerk).get(f"{reverse('web:exchange_directory')}?q=S%E1%BB%9F%00"))


def test_login_with_a_nul_in_the_username_is_refused(client: Client) -> None:
    _refused_in_vietnamese(client.post(reverse("web:login"), {"username": f"vanthu{NUL}", "password": "x"}))


def test_a_path_with_a_control_character_is_refused(client: Client) -> None:
    assert client.get("/thong-bao/%00/").status_code == 400


def test_a_cookie_with_a_nul_is_ignored(kit: AgencyKit) -> None:
    client = _web(kit.clerk)
    client.cookies["sessionid"] = f"{client.cookies['sessionid'].value}{NUL}"
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]


def test_other_control_characters_are_removed_and_office_line_breaks_kept(client: Client, kit: AgencyKit) -> None:
    subject = "Về việc\x0bbáo cáo\x01 biên chế\x1f năm 2026\ufffe"
    response = client.post("/api/v1/incoming", headers=bearer(kit.clerk), data={
        "metadata": _metadata(subject=subject), "main_file": _pdf(),
    })
    assert response.status_code == 201, response.content
    assert IncomingDocument.objects.get(pk=response.json()["id"]).subject == "Về việc\nbáo cáo biên chế năm 2026"


def test_control_characters_are_removed_from_a_json_body(client: Client, kit: AgencyKit) -> None:
    document = registered_document(kit)
    response = client.patch(f"/api/v1/incoming/{document.pk}", data=json.dumps({"organ_name": "Sở\x07 Nội vụ"}),
                            content_type="application/json", headers=bearer(kit.clerk))
    assert response.status_code == 200, response.content
    assert response.json()["organ_name"] == "Sở Nội vụ"


def test_the_refusal_follows_the_browsers_language(client: Client) -> None:
    response = client.get(f"{reverse('web:login')}?next=%00", headers={"accept-language": "en"})
    assert response.status_code == 400 and "NUL character" in response.content.decode()
