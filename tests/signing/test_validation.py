# pyHanko's PDF object helpers are untyped.
# mypy: disable-error-code="no-untyped-call"
"""``pdf_validate`` on PDFs signed with bare pyHanko against the loopback test PKI (fixture ``test_pki``)."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from asn1crypto import pem, x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.fields import MDPPerm

from tests.builders import pdf_bytes
from vanthu.core.errors import ApplicationError
from vanthu.signing.pki.testing import TestPki
from vanthu.signing.validation import (
    CertificateKind,
    Indication,
    Integrity,
    RevocationSource,
    RevocationStatus,
    ValidationReport,
    pdf_validate,
    report_as_dict,
    report_as_text,
    trust_roots_load,
)

PASSPHRASE = b"mat-khau-thu"


def root_of(pki: TestPki) -> list[x509.Certificate]:
    return [x509.Certificate.load(pem.unarmor(pki.root_pem)[2])]


def sign(pdf: bytes, pki: TestPki, label: str, *, field: str = "ChuKy1", timestamp: bool = True,
         certify_fill_forms: bool = False) -> bytes:
    """Sign with bare pyHanko: PAdES, SHA-256, an RFC 3161 timestamp from the loopback TSA (B-T)."""
    signer = signers.SimpleSigner.load_pkcs12_data(
        pki.identity(label).pkcs12(PASSPHRASE), other_certs=[], passphrase=PASSPHRASE)
    meta = signers.PdfSignatureMetadata(
        field_name=field, subfilter=fields.SigSeedSubFilter.PADES, certify=certify_fill_forms,
        docmdp_permissions=MDPPerm.FILL_FORMS)
    timestamper = timestamps.HTTPTimeStamper(pki.tsa_url) if timestamp else None
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    out = signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(writer)
    return bytes(out.getvalue())


def with_text_field(pdf: bytes, name: str) -> bytes:
    """Reserve an empty text field on page 1 (as a draft reserves the number/symbol field)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    page_ref, _resources = writer.find_page_for_modification(0)
    widget = generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Annot"),
        generic.NameObject("/Subtype"): generic.NameObject("/Widget"),
        generic.NameObject("/FT"): generic.NameObject("/Tx"),
        generic.NameObject("/T"): generic.TextStringObject(name),
        generic.NameObject("/F"): generic.NumberObject(4),
        generic.NameObject("/Rect"): generic.ArrayObject([generic.NumberObject(n) for n in (72, 700, 300, 720)]),
        generic.NameObject("/DA"): generic.TextStringObject("/Helv 10 Tf 0 g"),
        generic.NameObject("/P"): page_ref,
    })
    ref = writer.add_object(widget)
    page = page_ref.get_object()
    page[generic.NameObject("/Annots")] = generic.ArrayObject([ref])
    writer.update_container(page)
    writer.root[generic.NameObject("/AcroForm")] = writer.add_object(
        generic.DictionaryObject({generic.NameObject("/Fields"): generic.ArrayObject([ref])}))
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _field(writer: IncrementalPdfFileWriter, name: str) -> generic.DictionaryObject:
    for ref in writer.root["/AcroForm"]["/Fields"]:
        obj: generic.DictionaryObject = ref.get_object()
        if obj["/T"] == name:
            return obj
    raise LookupError(name)


def fill_text_field(pdf: bytes, name: str, value: str) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    field = _field(writer, name)
    field[generic.NameObject("/V")] = generic.TextStringObject(value)
    appearance = generic.StreamObject({
        generic.NameObject("/Type"): generic.NameObject("/XObject"),
        generic.NameObject("/Subtype"): generic.NameObject("/Form"),
        generic.NameObject("/BBox"): generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 228, 20)]),
    }, stream_data=f"BT 2 5 Td ({value}) Tj ET".encode())
    field[generic.NameObject("/AP")] = generic.DictionaryObject(
        {generic.NameObject("/N"): writer.add_object(appearance)})
    writer.update_container(field)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def replace_page_content(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    page_ref, _resources = writer.find_page_for_modification(0)
    forged = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 700 Td (GIA MAO) Tj ET"))
    page = page_ref.get_object()
    page[generic.NameObject("/Contents")] = forged
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def remove_signature_value(pdf: bytes, name: str) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    field = _field(writer, name)
    del field["/V"]
    writer.update_container(field)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_signed_byte(pdf: bytes) -> bytes:
    """Change one byte of the header comment: inside the signed byte range, and the file still parses."""
    at = pdf.index(b"ReportLab Generated")
    data = bytearray(pdf)
    data[at] = ord("X")
    return bytes(data)


def validate(pdf: bytes, pki: TestPki) -> ValidationReport:
    return pdf_validate(pdf=pdf, validation_context=pki.validation_context())


@pytest.fixture(scope="module")
def signed_person(test_pki: TestPki) -> bytes:
    return sign(pdf_bytes("Cong van thu nghiem"), test_pki, "person-rsa")


def test_timestamped_personal_signature_is_valid_with_timestamp_and_good_revocation(
        test_pki: TestPki, signed_person: bytes) -> None:
    report = validate(signed_person, test_pki)

    assert (report.indication, report.verdict) == (Indication.TOTAL_PASSED, "hợp lệ")
    [sig] = report.signatures
    assert sig.signer_name == "Nguyễn Văn An"
    assert sig.certificate_kind is CertificateKind.PERSONAL
    assert sig.timestamp_valid is True and sig.timestamp_time is not None
    assert (sig.revocation, sig.revocation_source) == (RevocationStatus.GOOD, RevocationSource.OCSP)
    assert sig.integrity is Integrity.INTACT
    assert sig.modification_level == "NONE" and sig.coverage == "ENTIRE_FILE"
    assert len(sig.chain) == 3 and "KHÔNG DÙNG THẬT" in sig.chain[-1]
    assert sig.reasons == ()


def test_agency_certificate_is_reported_as_organisation_signature(test_pki: TestPki) -> None:
    report = validate(sign(pdf_bytes(), test_pki, "agency-rsa", field="DauCoQuan"), test_pki)

    [sig] = report.signatures
    assert report.indication is Indication.TOTAL_PASSED
    assert (sig.certificate_kind, sig.signer_name) == (CertificateKind.ORGANISATION, "UBND tỉnh Demo")


def test_ecdsa_signature_is_valid(test_pki: TestPki) -> None:
    report = validate(sign(pdf_bytes(), test_pki, "person-ec"), test_pki)

    assert report.indication is Indication.TOTAL_PASSED
    assert report.signatures[0].signer_name == "Trần Thị Bình"


def test_signature_without_trusted_root_is_undetermined(signed_person: bytes) -> None:
    report = pdf_validate(pdf=signed_person, trust_roots=[])

    assert (report.indication, report.verdict) == (Indication.INDETERMINATE, "chưa xác định")
    assert report.sub_indication == "NO_CERTIFICATE_CHAIN_FOUND"


def test_trust_roots_from_file_make_the_signature_valid(test_pki: TestPki, signed_person: bytes) -> None:
    report = pdf_validate(pdf=signed_person, trust_roots=trust_roots_load([test_pki.root_pem_path]))

    assert report.indication is Indication.TOTAL_PASSED


def test_byte_flipped_in_signed_range_fails_integrity(test_pki: TestPki, signed_person: bytes) -> None:
    report = validate(flip_signed_byte(signed_person), test_pki)

    assert (report.indication, report.sub_indication) == (Indication.TOTAL_FAILED, "HASH_FAILURE")
    assert report.verdict == "không hợp lệ"
    assert report.signatures[0].integrity is Integrity.CHANGED
    assert any("băm không khớp" in reason for reason in report.signatures[0].reasons)


def test_page_content_replaced_after_signing_is_invalid_with_modification_reason(
        test_pki: TestPki, signed_person: bytes) -> None:
    report = validate(replace_page_content(signed_person), test_pki)

    [sig] = report.signatures
    assert report.indication is Indication.TOTAL_FAILED
    assert sig.integrity is Integrity.INTACT  # the signed revision itself is untouched
    assert sig.modification_level == "OTHER" and sig.docmdp_ok is False
    assert any("sửa sau khi ký" in reason for reason in sig.reasons)


def test_removed_signature_is_reported_invalid(test_pki: TestPki, signed_person: bytes) -> None:
    report = validate(remove_signature_value(signed_person, "ChuKy1"), test_pki)

    assert report.verdict == "không hợp lệ"
    assert any("ChuKy1" in reason and "bị xóa" in reason for reason in report.reasons)


def test_removing_the_first_of_two_signatures_invalidates_the_document(test_pki: TestPki) -> None:
    twice = sign(sign(pdf_bytes(), test_pki, "person-rsa"), test_pki, "agency-rsa", field="DauCoQuan")

    report = validate(remove_signature_value(twice, "ChuKy1"), test_pki)

    assert report.indication is Indication.TOTAL_FAILED
    assert [sig.field_name for sig in report.signatures] == ["DauCoQuan"]
    assert any("ChuKy1" in reason for reason in report.reasons)


def test_form_field_filled_after_certification_stays_valid_as_form_filling(test_pki: TestPki) -> None:
    draft = with_text_field(pdf_bytes(), "SoKyHieu")
    signed = sign(draft, test_pki, "person-rsa", certify_fill_forms=True)

    report = validate(fill_text_field(signed, "SoKyHieu", "15/UBND-VP"), test_pki)

    [sig] = report.signatures
    assert report.indication is Indication.TOTAL_PASSED, sig.reasons
    assert sig.modification_level == "FORM_FILLING"
    assert sig.docmdp_permission == "FILL_FORMS" and sig.docmdp_ok is True


def test_revoked_signer_is_invalid(test_pki: TestPki) -> None:
    report = validate(sign(pdf_bytes(), test_pki, "revoked"), test_pki)

    [sig] = report.signatures
    assert (report.indication, report.sub_indication) == (Indication.TOTAL_FAILED, "REVOKED")
    assert sig.revocation is RevocationStatus.REVOKED and sig.revocation_date is not None


def test_expired_signer_is_undetermined(test_pki: TestPki) -> None:
    report = validate(sign(pdf_bytes(), test_pki, "expired", timestamp=False), test_pki)

    assert report.indication is Indication.INDETERMINATE
    assert report.signatures[0].reasons


def test_unsigned_pdf_is_undetermined(test_pki: TestPki) -> None:
    report = validate(pdf_bytes(), test_pki)

    assert (report.indication, report.sub_indication) == (Indication.INDETERMINATE, "SIGNED_DATA_NOT_FOUND")
    assert report.signatures == ()


def test_garbage_is_refused_as_unreadable_pdf(test_pki: TestPki) -> None:
    with pytest.raises(ApplicationError) as caught:
        validate(b"day khong phai PDF" * 20, test_pki)

    assert caught.value.code == "pdf_unreadable"


def test_report_exports_as_json_and_vietnamese_text(test_pki: TestPki, signed_person: bytes) -> None:
    report = validate(signed_person, test_pki)

    data = json.loads(json.dumps(report_as_dict(report)))
    text = report_as_text(report)

    assert data["indication"] == "TOTAL_PASSED" and data["signatures"][0]["revocation"] == "good"
    assert text.startswith("Kết quả: HỢP LỆ") and "Nguyễn Văn An" in text


def test_unreadable_trust_root_file_is_refused(tmp_path: pytest.TempPathFactory) -> None:
    with pytest.raises(ApplicationError) as caught:
        trust_roots_load([b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"])

    assert caught.value.code == "trust_root_unreadable"


def test_document_timestamp_after_signing_keeps_the_signature_valid(test_pki: TestPki, signed_person: bytes) -> None:
    writer = IncrementalPdfFileWriter(BytesIO(signed_person), strict=False)
    stamped = signers.PdfTimeStamper(timestamps.HTTPTimeStamper(test_pki.tsa_url)).timestamp_pdf(writer, "sha256")

    report = validate(stamped.getvalue(), test_pki)

    assert report.indication is Indication.TOTAL_PASSED, report.reasons
    assert [sig.field_name for sig in report.signatures] == ["ChuKy1"] and report.reasons == ()
