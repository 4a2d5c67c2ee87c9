"""Refused uploads and bad input: 400 in the error contract and NOTHING stored (rows, blobs, audit, numbers)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.api.conftest import assert_error, bearer
from tests.builders import AgencyKit, pdf_bytes
from vanthu.core.models import AuditEvent, Blob
from vanthu.documents.models import DocumentFile, DocumentType, IncomingDocument, RegisterCounter

pytestmark = pytest.mark.django_db


def _metadata(**overrides: object) -> str:
    values: dict[str, object] = {
        "document_type_id": DocumentType.objects.get(code="CONG_VAN").pk,
        "code_number": "77", "code_notation": "SNV-TCCB", "issued_date": "2026-10-20",
        "organ_name": "Sở Nội vụ tỉnh Demo", "subject": "Về việc báo cáo biên chế năm 2026",
    }
    values.update(overrides)
    return json.dumps(values)


def _encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt="mat-khau")
    pdf.drawString(72, 760, "Van ban co mat khau")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _stored_blob_files() -> int:
    root = Path(settings.MEDIA_ROOT) / "blobs"
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def _state() -> tuple[int, ...]:
    return (IncomingDocument.objects.count(), DocumentFile.objects.count(), Blob.objects.count(),
            AuditEvent.objects.exclude(event_type__startswith="api_token.").count(),
            RegisterCounter.objects.count(), _stored_blob_files())


def _post(client: Client, kit: AgencyKit, data: dict[str, Any]) -> Any:
    headers = bearer(kit.clerk)
    before = _state()
    response = client.post("/api/v1/incoming", data=data, headers=headers)
    assert _state() == before, "a refused request must leave nothing behind"
    return response


def _pdf(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def test_corrupt_pdf_is_refused(client: Client, kit: AgencyKit) -> None:
    broken = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF garbage"
    response = _post(client, kit, {"metadata": _metadata(), "main_file": _pdf("congvan.pdf", broken)})
    body = assert_error(response, 400, "file_corrupt")
    assert "congvan.pdf" in body["message"]


def test_encrypted_pdf_is_refused(client: Client, kit: AgencyKit) -> None:
    response = _post(client, kit, {"metadata": _metadata(), "main_file": _pdf("matkhau.pdf", _encrypted_pdf())})
    assert_error(response, 400, "file_encrypted")


def test_content_that_does_not_match_the_extension_is_refused(client: Client, kit: AgencyKit) -> None:
    response = _post(client, kit, {"metadata": _metadata(), "main_file": _pdf("anh-that.pdf", _png())})
    body = assert_error(response, 400, "file_type_mismatch")
    assert body["extra"] == {"declared": "application/pdf", "detected": "image/png"}


def test_oversized_file_is_refused(client: Client, kit: AgencyKit, settings: Any) -> None:
    settings.VANTHU_MAX_UPLOAD_BYTES = 2048
    big = pdf_bytes("Trang dai " * 200, pages=20)
    assert len(big) > 2048
    response = _post(client, kit, {"metadata": _metadata(), "main_file": _pdf("lon.pdf", big)})
    body = assert_error(response, 400, "file_too_large")
    assert body["extra"]["limit_bytes"] == 2048


def test_one_bad_attachment_refuses_the_whole_upload(client: Client, kit: AgencyKit) -> None:
    good = _pdf("congvan.pdf", pdf_bytes("Hop le"))
    bad = _pdf("phuluc.pdf", b"%PDF-1.4 not really")
    response = _post(client, kit, {"metadata": _metadata(), "main_file": good, "attachments": [bad]})
    assert_error(response, 400, "file_corrupt")


@pytest.mark.parametrize("missing", ["subject", "organ_name", "issued_date", "document_type_id"])
def test_missing_required_field_is_refused(client: Client, kit: AgencyKit, missing: str) -> None:
    values = json.loads(_metadata())
    del values[missing]
    response = _post(client, kit, {"metadata": json.dumps(values), "main_file": _pdf("a.pdf", pdf_bytes())})
    body = assert_error(response, 400, "invalid_input")
    assert any(e["loc"][-1] == missing for e in body["extra"]["errors"])


def test_blank_subject_is_refused_by_the_service_rules(client: Client, kit: AgencyKit) -> None:
    response = _post(client, kit, {"metadata": _metadata(subject="   "), "main_file": _pdf("a.pdf", pdf_bytes())})
    body = assert_error(response, 400, "invalid_input")
    assert "subject" in body["extra"]["fields"]


@pytest.mark.parametrize("metadata", ["{không phải json", "[]", ""])
def test_malformed_metadata_is_refused(client: Client, kit: AgencyKit, metadata: str) -> None:
    assert_error(_post(client, kit, {"metadata": metadata}), 400, "invalid_input")


def test_missing_metadata_part_is_refused(client: Client, kit: AgencyKit) -> None:
    assert_error(_post(client, kit, {"main_file": _pdf("a.pdf", pdf_bytes())}), 400, "invalid_input")


def test_specialist_cannot_enter_documents(client: Client, kit: AgencyKit) -> None:
    headers = bearer(kit.specialist)
    before = _state()
    response = client.post("/api/v1/incoming", data={"metadata": _metadata(), "main_file": _pdf("a.pdf", pdf_bytes())},
                           headers=headers)
    assert_error(response, 403, "forbidden")
    assert _state() == before


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "state=KHONG_CO", "box=abc",
                                   "date_from=31/12/2026"])
def test_bad_list_parameters_are_refused(client: Client, kit: AgencyKit, query: str) -> None:
    assert_error(client.get(f"/api/v1/incoming?{query}", headers=bearer(kit.clerk)), 400, "invalid_input")


def test_action_body_is_validated(client: Client, kit: AgencyKit) -> None:
    response = client.post("/api/v1/incoming/1/return", data="{}", content_type="application/json",
                           headers=bearer(kit.clerk))
    body = assert_error(response, 400, "invalid_input")
    assert body["extra"]["errors"][0]["loc"][-1] == "reason"


def test_body_that_is_not_json_is_refused_in_the_contract(client: Client, kit: AgencyKit) -> None:
    response = client.post("/api/v1/incoming/1/return", data="{không phải json", content_type="application/json",
                           headers=bearer(kit.clerk))
    assert_error(response, 400, "invalid_input")
