from __future__ import annotations

import io
import zipfile

import pytest
from django.test import override_settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from tests.builders import AgencyKit, incoming_input, pdf_bytes
from vanthu.core.errors import ApplicationError
from vanthu.core.files import DOCX, PDF, UploadedContent, file_check, text_extract
from vanthu.core.models import AuditEvent, Blob
from vanthu.documents.models import DocumentFile, IncomingDocument
from vanthu.documents.services import incoming_create


def _encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=StandardEncryption("mat-khau", canPrint=0))
    pdf.drawString(72, 760, "Bi mat")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _docx(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
            f"<w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def test_valid_pdf_is_accepted_with_its_page_count() -> None:
    checked = file_check(filename="qd.pdf", content=pdf_bytes(pages=3))
    assert (checked.content_type, checked.page_count) == (PDF, 3)


@pytest.mark.parametrize(
    ("filename", "content", "code"),
    [
        ("hong.pdf", b"%PDF-1.7\n garbage that is not a pdf", "file_corrupt"),
        ("anh.pdf", b"\x89PNG\r\n\x1a\n0000", "file_type_mismatch"),
        ("vanban.docx", b"%PDF-1.4 pretending", "file_type_mismatch"),
        ("script.exe", b"MZ\x90\x00", "file_type_not_allowed"),
        ("rong.pdf", b"", "file_empty"),
    ],
)
def test_bad_files_are_refused_with_a_code(filename: str, content: bytes, code: str) -> None:
    with pytest.raises(ApplicationError) as info:
        file_check(filename=filename, content=content)
    assert info.value.code == code


def test_encrypted_pdf_is_refused() -> None:
    with pytest.raises(ApplicationError) as info:
        file_check(filename="mat.pdf", content=_encrypted_pdf())
    assert info.value.code == "file_encrypted"
    assert "mật khẩu" in str(info.value.message)


@override_settings(VANTHU_MAX_UPLOAD_BYTES=1000)
def test_oversized_file_is_refused() -> None:
    with pytest.raises(ApplicationError) as info:
        file_check(filename="lon.pdf", content=pdf_bytes() + b"\n" * 1000)
    assert info.value.code == "file_too_large"


def test_docx_text_is_extracted_for_search() -> None:
    content = _docx("Quyết định phê duyệt dự toán")
    assert file_check(filename="du-thao.docx", content=content).content_type == DOCX
    assert "phê duyệt dự toán" in text_extract(content=content, content_type=DOCX)


def test_hostile_docx_xml_does_not_expand_entities() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><d>&b;</d>',
        )
    assert "aaaaaaaaaa" not in text_extract(content=buffer.getvalue(), content_type=DOCX)


@pytest.mark.django_db
def test_bad_attachment_stores_nothing(kit: AgencyKit) -> None:
    before = (IncomingDocument.objects.count(), DocumentFile.objects.count(), Blob.objects.count(),
              AuditEvent.objects.count())
    data = incoming_input(attachments=(UploadedContent("phu-luc.pdf", b"%PDF-1.4 broken"),))
    with pytest.raises(ApplicationError):
        incoming_create(actor=kit.clerk, data=data)
    after = (IncomingDocument.objects.count(), DocumentFile.objects.count(), Blob.objects.count(),
             AuditEvent.objects.count())
    assert after == before


@pytest.mark.django_db
def test_missing_required_fields_are_named(kit: AgencyKit) -> None:
    with pytest.raises(ApplicationError) as info:
        incoming_create(actor=kit.clerk, data=incoming_input(subject=" ", organ_name=""))
    assert set(info.value.extra["fields"]) == {"subject", "organ_name"}
    assert IncomingDocument.objects.count() == 0


@pytest.mark.django_db
def test_secret_document_refuses_file_upload(kit: AgencyKit) -> None:
    with pytest.raises(ApplicationError) as info:
        incoming_create(actor=kit.clerk, data=incoming_input(confidentiality=1))
    assert "mật" in str(info.value.message)


@pytest.mark.django_db
def test_a_truncated_blob_file_is_replaced_on_the_next_store() -> None:
    from django.core.files.storage import default_storage

    from vanthu.core.blobs import blob_read, blob_store

    content = pdf_bytes("Ban goc")
    blob = blob_store(content=content, content_type=PDF)
    with default_storage.open(blob.storage_name, "wb") as fh:
        fh.write(content[:10])  # what a crash in the middle of the first write leaves behind
    Blob.objects.filter(pk=blob.pk).delete()
    again = blob_store(content=content, content_type=PDF)
    assert blob_read(again) == content


@override_settings(VANTHU_MAX_UPLOAD_BYTES=100)
def test_upload_size_is_checked_before_reading() -> None:
    from vanthu.core.files import upload_read

    def read() -> bytes:
        raise AssertionError("an oversized upload must not be read into memory")

    with pytest.raises(ApplicationError) as info:
        upload_read(filename="lon.pdf", size=10_000, read=read)
    assert info.value.code == "file_too_large"
