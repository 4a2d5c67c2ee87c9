"""Dates that cannot be right — an issue date in 2099 or 9999, a requested deadline before the issue date — are
refused by the incoming input check, through the API as a field error in the contract."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.api.conftest import assert_error, bearer
from tests.builders import AgencyKit, pdf_bytes, registered_document
from vanthu.documents.models import DocumentType, IncomingDocument

pytestmark = pytest.mark.django_db


def _create(client: Client, kit: AgencyKit, **overrides: object) -> Any:
    values: dict[str, object] = {
        "document_type_id": DocumentType.objects.get(code="CONG_VAN").pk, "code_number": "77",
        "code_notation": "SNV-TCCB", "issued_date": "2026-10-20", "organ_name": "Sở Nội vụ tỉnh Demo",
        "subject": "Về việc báo cáo biên chế năm 2026",
    }
    values.update(overrides)
    return client.post("/api/v1/incoming", headers=bearer(kit.clerk), data={
        "metadata": json.dumps(values), "main_file": SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf")})


@pytest.mark.parametrize("issued", ["9999-12-31", "2099-01-01"])
def test_an_issue_date_years_ahead_is_a_field_error(client: Client, kit: AgencyKit, issued: str) -> None:
    body = assert_error(_create(client, kit, issued_date=issued), 400, "invalid_input")
    day, month, year = issued[8:], issued[5:7], issued[:4]
    assert body["extra"]["fields"]["issued_date"] == f"Ngày ban hành {day}/{month}/{year} chưa tới; hãy kiểm tra lại."
    assert not IncomingDocument.objects.exists()


def test_a_document_dated_tomorrow_is_accepted(client: Client, kit: AgencyKit) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert _create(client, kit, issued_date=tomorrow.isoformat()).status_code == 201


def test_a_requested_deadline_before_the_issue_date_is_a_field_error(client: Client, kit: AgencyKit) -> None:
    response = _create(client, kit, issued_date="2026-10-20", requested_due_date="2026-10-19")
    body = assert_error(response, 400, "invalid_input")
    assert body["extra"]["fields"]["requested_due_date"] == (
        "Hạn trả lời 19/10/2026 ở trước ngày ban hành 20/10/2026.")


def test_patching_the_issue_date_to_9999_is_a_field_error(client: Client, kit: AgencyKit) -> None:
    document = registered_document(kit)
    response = client.patch(f"/api/v1/incoming/{document.pk}", data=json.dumps({"issued_date": "9999-12-31"}),
                            content_type="application/json", headers=bearer(kit.clerk))
    body = assert_error(response, 400, "invalid_input")
    assert "issued_date" in body["extra"]["fields"]
    document.refresh_from_db()
    assert document.issued_date == dt.date(2026, 11, 2)


def test_patching_the_deadline_before_the_issue_date_is_a_field_error(client: Client, kit: AgencyKit) -> None:
    document = registered_document(kit)
    response = client.patch(f"/api/v1/incoming/{document.pk}", data=json.dumps({"requested_due_date": "2026-01-01"}),
                            content_type="application/json", headers=bearer(kit.clerk))
    assert "requested_due_date" in assert_error(response, 400, "invalid_input")["extra"]["fields"]
