"""“Kiểm tra chữ ký số” (any uploaded PDF, validated in memory) and the stored report of a document's file
(``web:signature_report``), with PDFs signed by ``vanthu.signing.pades.pdf_sign`` against the loopback test PKI."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.builders import AgencyKit, pdf_bytes, registered_document
from tests.outgoing.helpers import draft
from tests.outgoing.signing_kit import signing_setup
from tests.signing import pdf_shapes as shapes
from tests.signing.signing_helpers import p12_source
from tests.web.conftest import LoginAs
from vanthu.core.blobs import blob_read
from vanthu.core.files import UploadedContent
from vanthu.core.models import Blob
from vanthu.documents.enums import FileRole
from vanthu.documents.outgoing.attachments import outgoing_attachment_add
from vanthu.signing.config import signing_config_reset
from vanthu.signing.keys import certs_from_pem
from vanthu.signing.models import PdfCheck
from vanthu.signing.pades import pdf_sign
from vanthu.signing.pki.testing import TestPki
from vanthu.signing.services import trust_root_save

pytestmark = pytest.mark.django_db


def _sign(pdf: bytes, pki: TestPki, label: str, field: str) -> bytes:
    return pdf_sign(pdf=pdf, key_source=p12_source(pki, label), appearance=None, field_name=field,
                    validation_context=pki.validation_context(), timestamp_url=pki.tsa_url)


@pytest.fixture(scope="module")
def signed_pdf(test_pki: TestPki) -> bytes:
    """A document signed by a leader (personal), then by the agency (organisation)."""
    personal = _sign(pdf_bytes("Quyet dinh thu nghiem"), test_pki, "person-rsa", "ChuKyCaNhan")
    return _sign(personal, test_pki, "agency-rsa", "ChuKyCoQuan")


@pytest.fixture
def trusted(test_pki: TestPki) -> None:
    trust_root_save(cert=certs_from_pem(test_pki.root_pem)[0], user=None)
    signing_config_reset()


def _text(response: Any) -> str:
    return str(response.content.decode())


def _upload(client: Client, data: bytes, name: str = "van-ban.pdf") -> Any:
    return client.post(reverse("web:signing_check"), {"file": SimpleUploadedFile(name, data)})


def _checked(client: Client, data: bytes, name: str = "van-ban.pdf") -> tuple[str, str]:
    """Upload, follow the redirect; returns the result page and its token."""
    response = _upload(client, data, name)
    assert response.status_code == 302, _text(response)
    token = response["Location"].split("ket-qua=")[1]
    return _text(client.get(response["Location"])), token


def _verdict(page: str) -> str:
    match = re.search(r'id="verdict-text">([^<]+)<', page)
    assert match, page
    return match.group(1)


# --- checking an upload --------------------------------------------------------------------------------------------


def test_a_valid_signed_pdf_gets_the_full_report_and_nothing_is_stored(
        kit: AgencyKit, signed_pdf: bytes, trusted: None, login_as: LoginAs) -> None:
    blobs, checks = Blob.objects.count(), PdfCheck.objects.count()
    page, _token = _checked(login_as(kit.specialist), signed_pdf, "Quyết định.pdf")
    assert _verdict(page) == "hợp lệ"
    assert 'alert alert-success' in page and 'data-indication="TOTAL_PASSED"' in page
    assert page.count('class="card mb-3 border-success vt-signature"') == 2
    assert "Nguyễn Văn An" in page and "UBND tỉnh Demo" in page
    assert "Ký số cá nhân" in page and "Ký số cơ quan, tổ chức" in page
    assert "Vanthu Demo Issuing CA" in page  # the chain
    assert page.count('vt-revocation">Chưa bị thu hồi<') == 2
    assert page.count('vt-integrity">Nguyên vẹn<') == 2
    assert "theo dấu thời gian" in page and "Dấu thời gian hợp lệ" in page
    # The leader's signature saw a later revision: the agency signature, which counts as form filling.
    assert 'vt-modification">FORM_FILLING<' in page and 'vt-modification">NONE<' in page
    assert page.count('<details class="mt-2 small vt-details">') == 2
    assert 'id="not-stored"' in page and "không được lưu trên hệ thống" in page
    assert "Quyết định.pdf" in page
    assert (Blob.objects.count(), PdfCheck.objects.count()) == (blobs, checks)


def test_without_a_trusted_root_the_verdict_is_undetermined(kit: AgencyKit, signed_pdf: bytes,
                                                            login_as: LoginAs) -> None:
    page, _token = _checked(login_as(kit.specialist), signed_pdf)
    assert _verdict(page) == "chưa xác định"
    assert "alert alert-warning" in page and "Không dựng được chuỗi tới CA gốc tin cậy" in page


def test_a_tampered_pdf_is_invalid(kit: AgencyKit, signed_pdf: bytes, trusted: None, login_as: LoginAs) -> None:
    tampered = signed_pdf.replace(b"ReportLab Generated", b"ReportLab GENERATED", 1)  # a change in the signed range
    assert tampered != signed_pdf
    page, _token = _checked(login_as(kit.specialist), tampered)
    assert _verdict(page) == "không hợp lệ"
    assert "alert alert-danger" in page and 'vt-integrity">Đã bị thay đổi<' in page


def test_an_unsigned_pdf_is_undetermined_with_the_reason(kit: AgencyKit, trusted: None, login_as: LoginAs) -> None:
    page, _token = _checked(login_as(kit.specialist), pdf_bytes())
    assert _verdict(page) == "chưa xác định"
    assert "Tệp không có chữ ký số." in page


def _encrypted_pdf() -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, encrypt="mat-khau")
    pdf.drawString(72, 760, "Bi mat")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    (b"day khong phai PDF", "Tệp không phải PDF."),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF\n", "Không đọc được tệp: tệp không phải PDF hoặc đã hỏng."),
    (_encrypted_pdf(), "Tệp PDF được đặt mật khẩu (mã hóa)"),
], ids=["not-pdf", "corrupt", "encrypted"])
def test_unreadable_uploads_get_a_clear_message(kit: AgencyKit, login_as: LoginAs, data: bytes,
                                                message: str) -> None:
    client = login_as(kit.specialist)
    response = _upload(client, data)
    assert response.status_code == 200
    assert message in _text(response)
    assert 'id="verdict"' not in _text(response)
    assert "vanthu_signature_check" not in client.session


@override_settings(VANTHU_MAX_UPLOAD_BYTES=2 * 1024 * 1024)
def test_an_oversized_upload_is_refused(kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.specialist)
    response = _upload(client, b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))
    assert response.status_code == 200
    assert "Tệp vượt quá dung lượng cho phép (2 MB)." in _text(response)
    assert "vanthu_signature_check" not in client.session


def test_the_report_downloads_as_json_pdf_and_text(kit: AgencyKit, signed_pdf: bytes, trusted: None,
                                                   login_as: LoginAs, tmp_path: Any) -> None:
    client = login_as(kit.specialist)
    page, token = _checked(client, signed_pdf, "Quyết định.pdf")
    as_json = client.get(reverse("web:signing_check_export", args=[token, "json"]))
    assert as_json["Content-Type"] == "application/json" and "attachment" in as_json["Content-Disposition"]
    data = json.loads(as_json.content)
    assert data["indication"] == "TOTAL_PASSED" and len(data["signatures"]) == 2
    assert data["file"]["name"] == "Quyết định.pdf" and len(data["file"]["sha256"]) == 64
    assert data["file"]["sha256"] in page

    as_pdf = client.get(reverse("web:signing_check_export", args=[token, "pdf"]))
    assert as_pdf["Content-Type"] == "application/pdf" and as_pdf.content.startswith(b"%PDF-")
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(as_pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "BÁO CÁO KIỂM TRA CHỮ KÝ SỐ" in text and "HỢP LỆ" in text and "Nguyễn Văn An" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    serif = [line.split() for line in fonts.splitlines()[2:] if "Serif" in line]
    assert serif and all(cols[-5] == "yes" for cols in serif)  # the Vietnamese-capable font is embedded

    as_text = client.get(reverse("web:signing_check_export", args=[token, "txt"]))
    assert as_text.content.decode().startswith("Tệp: Quyết định.pdf\n")
    assert "Kết quả: HỢP LỆ" in as_text.content.decode()


def test_the_pdf_report_lists_each_signature_under_its_heading(kit: AgencyKit, signed_pdf: bytes, trusted: None,
                                                               login_as: LoginAs) -> None:
    client = login_as(kit.specialist)
    _page, token = _checked(client, signed_pdf, "Quyết định số 12.pdf")
    as_pdf = client.get(reverse("web:signing_check_export", args=[token, "pdf"]))
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=as_pdf.content, capture_output=True,
                          check=True).stdout.decode()
    assert "Kết quả: HỢP LỆ" in text and "Tệp: Quyết định số 12.pdf" in text
    assert text.index("Chữ ký 1") < text.index("Chữ ký 2")
    assert text.count("Người ký") == 2


def test_report_downloads_are_named_without_diacritics(kit: AgencyKit, signed_pdf: bytes, trusted: None,
                                                       login_as: LoginAs) -> None:
    client = login_as(kit.specialist)
    _page, token = _checked(client, signed_pdf, "Quyết định đính kèm.pdf")
    response = client.get(reverse("web:signing_check_export", args=[token, "pdf"]))
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-chu-ky-quyet-dinh-dinh-kem.pdf"'


def test_a_report_is_only_for_the_session_that_checked(kit: AgencyKit, signed_pdf: bytes, trusted: None,
                                                       login_as: LoginAs) -> None:
    _page, token = _checked(login_as(kit.specialist), signed_pdf)
    assert login_as(kit.specialist).get(reverse("web:signing_check_export", args=["khac", "json"])).status_code == 404
    other = Client()
    other.force_login(kit.clerk.user, backend="django.contrib.auth.backends.ModelBackend")
    assert other.get(reverse("web:signing_check_export", args=[token, "json"])).status_code == 404
    assert 'id="verdict"' not in _text(other.get(f"{reverse('web:signing_check')}?ket-qua={token}"))


def test_an_unknown_export_format_is_not_found(kit: AgencyKit, signed_pdf: bytes, trusted: None,
                                               login_as: LoginAs) -> None:
    client = login_as(kit.specialist)
    _page, token = _checked(client, signed_pdf)
    assert client.get(reverse("web:signing_check_export", args=[token, "exe"])).status_code == 404


def test_anonymous_cannot_check(client: Client, signed_pdf: bytes) -> None:
    for response in (client.get(reverse("web:signing_check")), _upload(client, signed_pdf),
                     client.get(reverse("web:signing_check_export", args=["x", "json"]))):
        assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


# --- the stored report of a document's file ------------------------------------------------------------------------


@pytest.fixture
def signed_document_blob(kit: AgencyKit, signed_pdf: bytes) -> Blob:
    document = registered_document(kit, main_file=UploadedContent("quyet-dinh.pdf", signed_pdf))
    return document.files.get(role=FileRole.MAIN).blob


def test_signature_report_of_an_incoming_file(kit: AgencyKit, signed_document_blob: Blob, trusted: None,
                                              login_as: LoginAs) -> None:
    client = login_as(kit.clerk)
    response = client.get(reverse("web:signature_report", args=[signed_document_blob.pk]))
    assert response.status_code == 200
    page = _text(response)
    assert _verdict(page) == "hợp lệ" and "quyet-dinh.pdf" in page and signed_document_blob.sha256 in page
    check = PdfCheck.objects.get(blob=signed_document_blob)
    assert check.has_valid_personal and check.has_valid_organisation
    # The stored check is reused, not recomputed.
    client.get(reverse("web:signature_report", args=[signed_document_blob.pk]))
    assert PdfCheck.objects.filter(blob=signed_document_blob).count() == 1


def test_signature_report_exports(kit: AgencyKit, signed_document_blob: Blob, trusted: None,
                                  login_as: LoginAs) -> None:
    client = login_as(kit.leader)
    url = reverse("web:signature_report_export", args=[signed_document_blob.pk, "json"])
    data = json.loads(client.get(url).content)
    assert data["indication"] == "TOTAL_PASSED" and data["file"]["sha256"] == signed_document_blob.sha256
    pdf = client.get(reverse("web:signature_report_export", args=[signed_document_blob.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF-")


def test_refresh_checks_again(kit: AgencyKit, signed_document_blob: Blob, trusted: None, login_as: LoginAs) -> None:
    client = login_as(kit.clerk)
    client.get(reverse("web:signature_report", args=[signed_document_blob.pk]))
    response = client.post(reverse("web:signature_report_refresh", args=[signed_document_blob.pk]))
    assert response.status_code == 302
    assert PdfCheck.objects.filter(blob=signed_document_blob).count() == 2


def test_an_unsigned_attachment_reports_no_signature(kit: AgencyKit, trusted: None, login_as: LoginAs) -> None:
    document = registered_document(kit)
    blob = document.files.get(role=FileRole.MAIN).blob
    page = _text(login_as(kit.clerk).get(reverse("web:signature_report", args=[blob.pk])))
    assert _verdict(page) == "chưa xác định" and "Tệp không có chữ ký số." in page


def test_signature_report_is_not_found_for_those_who_cannot_see_the_document(
        kit: AgencyKit, other_kit: AgencyKit, signed_document_blob: Blob, login_as: LoginAs) -> None:
    urls = [reverse("web:signature_report", args=[signed_document_blob.pk]),
            reverse("web:signature_report_export", args=[signed_document_blob.pk, "json"])]
    for actor in (other_kit.clerk, kit.specialist):  # another agency; a specialist not assigned to it
        client = login_as(actor)
        for url in urls:
            assert client.get(url).status_code == 404, (actor, url)
        assert client.post(reverse("web:signature_report_refresh", args=[signed_document_blob.pk])).status_code == 404
    assert PdfCheck.objects.count() == 0


def test_a_blob_that_belongs_to_no_document_is_not_found(kit: AgencyKit, signed_pdf: bytes,
                                                         login_as: LoginAs) -> None:
    from vanthu.core.blobs import blob_store

    loose = blob_store(content=signed_pdf + b"\n", content_type="application/pdf")
    client = login_as(kit.clerk)
    assert client.get(reverse("web:signature_report", args=[loose.pk])).status_code == 404
    assert client.get(reverse("web:signature_report", args=[999999])).status_code == 404


def test_anonymous_cannot_see_a_stored_report(client: Client, signed_document_blob: Blob) -> None:
    response = client.get(reverse("web:signature_report", args=[signed_document_blob.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


# --- outgoing documents: versions and attachments ------------------------------------------------------------------


def test_outgoing_draft_version_report_follows_outgoing_visibility(kit: AgencyKit, other_kit: AgencyKit,
                                                                    trusted: None, login_as: LoginAs) -> None:
    document = draft(kit)
    blob = document.versions.get().pdf
    url = reverse("web:signature_report", args=[blob.pk])
    for actor in (kit.specialist, kit.clerk):  # the drafter; the agency's clerk
        page = _text(login_as(actor).get(url))
        assert _verdict(page) == "chưa xác định" and document.subject in page
    for actor in (kit.specialist2, other_kit.clerk):  # not working on it; another agency
        assert login_as(actor).get(url).status_code == 404


def test_outgoing_attachment_report_follows_outgoing_visibility(kit: AgencyKit, signed_pdf: bytes, trusted: None,
                                                                login_as: LoginAs) -> None:
    document = draft(kit)
    attachment = outgoing_attachment_add(actor=kit.specialist, document_id=document.pk,
                                         upload=UploadedContent("phu-luc.pdf", signed_pdf))
    url = reverse("web:signature_report", args=[attachment.original_id])
    page = _text(login_as(kit.clerk).get(url))
    assert _verdict(page) == "hợp lệ" and "phu-luc.pdf" in page
    assert login_as(kit.specialist2).get(url).status_code == 404


def test_sealed_outgoing_document_reports_both_signatures(kit: AgencyKit, test_pki: TestPki, settings: Any,
                                                          login_as: LoginAs) -> None:
    signing = signing_setup(kit, test_pki, settings)
    document = signing.sealed()
    blob = document.versions.order_by("-number").first().pdf  # type: ignore[union-attr]
    page = _text(login_as(signing.kit.clerk).get(reverse("web:signature_report", args=[blob.pk])))
    assert _verdict(page) == "hợp lệ"
    assert "Ký số cá nhân" in page and "Ký số cơ quan, tổ chức" in page
    check = PdfCheck.objects.filter(blob=blob).latest("checked_at")
    assert check.has_valid_personal and check.has_valid_organisation


# --- one trust configuration: ``vanthu pdf verify`` and this page agree ---------------------------------------------


@pytest.fixture(scope="module")
def structures(test_pki: TestPki) -> dict[str, bytes]:
    """Files other tools write (tests/signing/pdf_shapes.py), signed under the test root."""
    first = shapes.adobe_sign(shapes.objstm_pdf(), test_pki, "person-rsa", field="ChuKy1")
    twice = shapes.adobe_sign(first, test_pki, "agency-rsa", field="ChuKy2")
    return {
        "acrobat-style-twice": twice,
        "acrobat-style-object-stream-number-reused": shapes.adobe_sign(
            first, test_pki, "agency-rsa", field="ChuKy2", recycle_object_streams=True),
        "hybrid-reference": shapes.pyhanko_sign(shapes.hybrid_pdf(), test_pki, "person-ec", field="A"),
        "page-added-after-signing": shapes.add_page(twice),
        "signature-widget-not-in-form": shapes.adobe_sign(shapes.objstm_pdf(), test_pki, "person-rsa", field="A",
                                                          in_form=False),
    }


def _command_verdict(pdf: bytes, tmp_path: Path) -> str:
    """The verdict ``vanthu pdf verify FILE`` prints, without ``--trust``: the deployment's roots only."""
    path = tmp_path / "van-ban.pdf"
    path.write_bytes(pdf)
    out = StringIO()
    with contextlib.suppress(CommandError):  # the exit status of a verdict other than "hợp lệ"
        call_command("pdf", "verify", str(path), stdout=out)
    match = re.match(r"Kết quả: (.+) \[", out.getvalue())
    assert match, out.getvalue()
    return match.group(1).lower()


@pytest.mark.parametrize(("name", "expected"), [
    ("acrobat-style-twice", "hợp lệ"),
    ("acrobat-style-object-stream-number-reused", "chưa xác định"),
    ("hybrid-reference", "hợp lệ"),
    ("page-added-after-signing", "không hợp lệ"),
    ("signature-widget-not-in-form", "chưa xác định"),
])
def test_command_line_and_web_check_agree_on_other_tools_files(
        name: str, expected: str, structures: dict[str, bytes], kit: AgencyKit, trusted: None, login_as: LoginAs,
        tmp_path: Path) -> None:
    page, _token = _checked(login_as(kit.specialist), structures[name])

    assert _verdict(page) == _command_verdict(structures[name], tmp_path) == expected


def test_command_line_and_web_check_agree_on_a_sealed_outgoing_document(
        kit: AgencyKit, test_pki: TestPki, settings: Any, login_as: LoginAs, tmp_path: Path) -> None:
    signing = signing_setup(kit, test_pki, settings)  # trusts the test root as the demo root, like `make demo`
    version = signing.sealed().versions.order_by("-number").first()
    assert version is not None
    pdf = blob_read(version.pdf)

    page, _token = _checked(login_as(kit.clerk), pdf)

    assert _verdict(page) == _command_verdict(pdf, tmp_path) == "hợp lệ"
