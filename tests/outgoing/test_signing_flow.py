"""The outgoing document's signatures end to end: leader's personal signature, number/date fill, agency signature
with the seal and the attachments' stamp, batches — checked with pyHanko, pdfsig, pdftotext and pdftoppm."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel

from tests.builders import AgencyKit, pdf_bytes
from tests.outgoing.signing_kit import (
    SigningSetup,
    SoftToken,
    box_pixels,
    is_blue,
    is_red,
    pdf_text,
    render_page,
    signing_setup,
    soft_token_for,
)
from tests.signing.signing_helpers import (
    PASSPHRASE,
    assert_pdfsig_valid,
    assert_pyhanko_valid,
    p12_source,
    pyhanko_status,
)
from vanthu.core.blobs import blob_read
from vanthu.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from vanthu.core.files import UploadedContent
from vanthu.core.models import AuditEvent
from vanthu.documents.models import RegisterCounter
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.issuing import issue_date_text
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.documents.outgoing.sealing import ATTACHMENT_FIELD, BATCH_MAX, SEAL_FIELD
from vanthu.documents.outgoing.services import (
    outgoing_attachment_add,
    outgoing_mark_signed,
    outgoing_mark_signed_on_paper,
    outgoing_number,
    outgoing_seal,
    outgoing_seal_batch_start,
    outgoing_sign_personal,
    signing_job_get,
)
from vanthu.documents.outgoing.signers import signer_block_lines
from vanthu.documents.outgoing.template import DATE_FIELD, NUMBER_FIELD, PERSONAL_SIG_FIELD
from vanthu.organizations.services import position_create
from vanthu.signing.errors import (
    CertificateExpiredError,
    CertificateNotOwnedError,
    CertificateRevokedError,
    WrongPinError,
)
from vanthu.signing.formfill import pdf_text_field_values
from vanthu.signing.keys import certs_from_pem, pkcs12_protect
from vanthu.signing.models import KeyDevice, KeyDeviceKind, PdfCheck, SigningJob, SigningJobState
from vanthu.signing.pades import pdf_sign
from vanthu.signing.pki.testing import TestPki
from vanthu.signing.services import certificate_register, key_device_register_pkcs11
from vanthu.signing.tasks import signing_job_wait

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing(kit: AgencyKit, test_pki: TestPki, settings: Any) -> SigningSetup:
    return signing_setup(kit, test_pki, settings)


@pytest.fixture(scope="module")
def soft_token(test_pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftToken]:
    yield from soft_token_for(test_pki, tmp_path_factory)


def _latest_pdf(document: OutgoingDocument) -> bytes:
    return blob_read(document.versions.order_by("-number").first().pdf)  # type: ignore[union-attr]


def _page_height(pdf: bytes) -> float:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    _x1, y1, _x2, y2 = (float(v) for v in reader.root["/Pages"]["/Kids"][0]["/MediaBox"])
    return abs(y2 - y1)


def _state(document: OutgoingDocument) -> tuple[str, int]:
    fresh = OutgoingDocument.objects.get(pk=document.pk)
    return fresh.state, fresh.versions.count()


# --- The full path ---------------------------------------------------------------------------------------------


def test_template_draft_signed_numbered_sealed_is_valid_in_pyhanko_and_pdfsig(
    signing: SigningSetup, tmp_path: Path,
) -> None:
    kit, pki = signing.kit, signing.pki
    document = signing.awaiting_signature(template=True)
    outgoing_attachment_add(actor=kit.specialist, document_id=document.pk,
                            upload=UploadedContent("phu-luc.pdf", pdf_bytes("Phu luc kem theo", pages=2)))

    document = outgoing_sign_personal(actor=kit.leader, document_id=document.pk,
                                      key_device_id=signing.leader_device.pk, pin=signing.leader_pin)
    assert document.state == OutgoingState.SIGNED and document.has_valid_personal_signature
    signed_pdf = _latest_pdf(document)
    assert_pyhanko_valid(signed_pdf, pki, count=1)

    document = outgoing_number(actor=kit.clerk, document_id=document.pk)
    assert document.state == OutgoingState.NUMBERED and document.code_number == "01"
    filled = _latest_pdf(document)
    assert filled.startswith(signed_pdf), "the number and date are an incremental update"
    values = pdf_text_field_values(filled)
    assert values[NUMBER_FIELD] == document.reference
    assert values[DATE_FIELD] == issue_date_text(document.issued_date)  # type: ignore[arg-type]
    [status] = assert_pyhanko_valid(filled, pki, count=1)
    assert status.modification_level == ModificationLevel.FORM_FILLING
    assert_pdfsig_valid(filled, pki, tmp_path, count=1)

    document = outgoing_seal(actor=kit.clerk, document_id=document.pk, key_device_id=signing.agency_device.pk,
                             pin=signing.agency_pin)
    assert document.state == OutgoingState.SEALED
    assert document.has_valid_personal_signature and document.has_valid_org_signature
    final = _latest_pdf(document)
    assert final.startswith(filled)
    statuses = assert_pyhanko_valid(final, pki, count=2)
    assert statuses[0].modification_level == ModificationLevel.FORM_FILLING
    assert_pdfsig_valid(final, pki, tmp_path, count=2)
    reader = PdfFileReader(io.BytesIO(final), strict=False)
    assert [s.field_name for s in reader.embedded_signatures] == [PERSONAL_SIG_FIELD, SEAL_FIELD]
    vri = reader.root["/DSS"]["/VRI"]
    assert len(vri) >= 2, "B-LT validation data for every signature"
    assert len(reader.root["/DSS"]["/OCSPs"]) >= 2

    text = " ".join(pdf_text(final, tmp_path).split())
    assert f"Số: {document.reference}" in text
    assert issue_date_text(document.issued_date, "Hà Nội") in text  # type: ignore[arg-type]
    assert "Đ" in document.reference

    # The blue signature is visible right of the seal; the seal is red, inside its box, over the left third.
    version = document.versions.order_by("-number").first()
    assert version is not None
    personal = version.field_boxes[PERSONAL_SIG_FIELD]
    ix1, iy1, ix2, iy2 = personal["image_box"]
    page_h = _page_height(final)
    img = render_page(final, tmp_path, personal["page"])
    seal_widget = next(s for s in reader.embedded_signatures if s.field_name == SEAL_FIELD).sig_field
    sx1, sy1, sx2, sy2 = (float(v) for v in seal_widget["/Rect"])
    assert abs(sx2 - (ix1 + (ix2 - ix1) / 3)) <= 2, "the seal's right edge one third into the image"
    assert abs((sx2 - sx1) - 40 * 72 / 25.4) <= 2, "real diameter (40 mm)"
    assert sum(map(is_blue, box_pixels(img, (sx2 + 2, iy1, ix2, iy2), page_h))) > 100
    assert sum(map(is_red, box_pixels(img, (sx1, sy1, sx2, sy2), page_h))) > 300
    assert not any(map(is_red, box_pixels(img, (sx2 + 30, iy1, ix2 + 60, iy2), page_h)))

    # The attachment: the agency's text-only signature at the top right of page 1, valid, with B-LT data.
    attachment = document.attachments.get()
    assert attachment.stamped is not None
    stamped = blob_read(attachment.stamped)
    assert_pyhanko_valid(stamped, pki, count=1)
    assert PdfFileReader(io.BytesIO(stamped)).embedded_signatures[0].field_name == ATTACHMENT_FIELD
    assert_pdfsig_valid(stamped, pki, tmp_path, count=1)
    att_text = pdf_text(stamped, tmp_path, name="att.pdf")
    assert document.reference in att_text and "+07:00" in att_text
    assert "/DSS" in PdfFileReader(io.BytesIO(stamped)).root

    check = PdfCheck.objects.filter(blob=version.pdf).get()
    assert check.verdict == "TOTAL_PASSED" and check.signature_count == 2
    assert check.has_valid_personal and check.has_valid_organisation
    assert check.report["verdict"] == "hợp lệ"


def test_uploaded_plain_pdf_gets_its_fields_and_the_full_signer_block(signing: SigningSetup, tmp_path: Path) -> None:
    kit, pki = signing.kit, signing.pki
    document = signing.awaiting_signature(template=False, signer="deputy", signer_title="Phó Giám đốc",
                                          signing_capacity="KT.")
    document = outgoing_sign_personal(actor=kit.deputy, document_id=document.pk,
                                      key_device_id=signing.deputy_device.pk, pin=signing.deputy_pin)
    signed_pdf = _latest_pdf(document)
    [status] = assert_pyhanko_valid(signed_pdf, pki, count=1)
    assert "ecdsa" in status.pkcs7_signature_mechanism
    assert set(pdf_text_field_values(signed_pdf)) >= {NUMBER_FIELD, DATE_FIELD}
    text = pdf_text(signed_pdf, tmp_path)
    assert "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text and kit.deputy.user.full_name in text

    document = outgoing_number(actor=kit.clerk, document_id=document.pk)
    sealed = outgoing_seal(actor=kit.clerk, document_id=document.pk, key_device_id=signing.agency_device.pk,
                           pin=signing.agency_pin)
    final = _latest_pdf(sealed)
    statuses = assert_pyhanko_valid(final, pki, count=2)
    assert statuses[0].modification_level == ModificationLevel.FORM_FILLING
    assert_pdfsig_valid(final, pki, tmp_path, count=2)
    text = " ".join(pdf_text(final, tmp_path).split())
    assert f"Số: {document.reference}" in text  # the field carries its own label: the draft did not print one
    assert sealed.has_valid_personal_signature and sealed.has_valid_org_signature


def test_personal_signature_with_an_ecdsa_key_on_a_pkcs11_token(
    signing: SigningSetup, soft_token: SoftToken, tmp_path: Path,
) -> None:
    kit = signing.kit
    device = key_device_register_pkcs11(actor=kit.deputy, module_path=soft_token.module,
                                        token_label=soft_token.label, key_label="person-ec", pin=soft_token.pin)
    assert device.kind == KeyDeviceKind.PKCS11 and device.certificate_id == signing.deputy_device.certificate_id
    document = signing.awaiting_signature(signer="deputy")
    with pytest.raises(WrongPinError):
        outgoing_sign_personal(actor=kit.deputy, document_id=document.pk, key_device_id=device.pk, pin="000000")
    assert _state(document) == (OutgoingState.AWAITING_SIGNATURE, 1)
    document = outgoing_sign_personal(actor=kit.deputy, document_id=document.pk, key_device_id=device.pk,
                                      pin=soft_token.pin)
    [status] = assert_pyhanko_valid(_latest_pdf(document), signing.pki, count=1)
    assert "ecdsa" in status.pkcs7_signature_mechanism
    assert_pdfsig_valid(_latest_pdf(document), signing.pki, tmp_path, count=1)


# --- Refusals store nothing ------------------------------------------------------------------------------------


def _device_for_identity(setup: SigningSetup, label: str) -> KeyDevice:
    """A device for a certificate that became unusable after it was imported (import refuses such)."""
    ident = setup.pki.identity(label)
    cert = certs_from_pem(ident.cert_pem)[0]
    row = certificate_register(actor=None, cert=cert, owner_user=setup.kit.leader.user)
    return KeyDevice.objects.create(kind=KeyDeviceKind.PKCS12, certificate=row, label=label,
                                    pkcs12_encrypted=pkcs12_protect(pkcs12_bytes=ident.pkcs12(PASSPHRASE),
                                                                    passphrase=PASSPHRASE))


def test_refusals_leave_the_document_as_it_was(signing: SigningSetup) -> None:
    kit = signing.kit
    document = signing.awaiting_signature()
    before = _state(document)
    attempts: list[tuple[type[Exception], dict[str, object]]] = [
        (WrongPinError, {"actor": kit.leader, "key_device_id": signing.leader_device.pk, "pin": "sai-ma-pin"}),
        (CertificateNotOwnedError, {"actor": kit.leader, "key_device_id": signing.deputy_device.pk,
                                    "pin": signing.deputy_pin}),
        (CertificateNotOwnedError, {"actor": kit.leader, "key_device_id": signing.agency_device.pk,
                                    "pin": signing.agency_pin}),
        (PermissionDeniedError, {"actor": kit.deputy, "key_device_id": signing.deputy_device.pk,
                                 "pin": signing.deputy_pin}),
        (CertificateRevokedError, {"actor": kit.leader, "key_device_id": _device_for_identity(signing, "revoked").pk,
                                   "pin": signing.leader_pin}),
        (CertificateExpiredError, {"actor": kit.leader, "key_device_id": _device_for_identity(signing, "expired").pk,
                                   "pin": signing.leader_pin}),
        (NotFoundError, {"actor": kit.leader, "key_device_id": 999_999, "pin": signing.leader_pin}),
    ]
    checks = PdfCheck.objects.count()
    for error, kwargs in attempts:
        with pytest.raises(error):
            outgoing_sign_personal(document_id=document.pk, **kwargs)  # type: ignore[arg-type]
        assert _state(document) == before, error
    assert PdfCheck.objects.count() == checks

    # Not the state for it: a signed document cannot be signed again, a draft not yet reviewed cannot be sealed.
    document = outgoing_sign_personal(actor=kit.leader, document_id=document.pk,
                                      key_device_id=signing.leader_device.pk, pin=signing.leader_pin)
    signed_state = _state(document)
    with pytest.raises(ConflictError):
        outgoing_sign_personal(actor=kit.leader, document_id=document.pk, key_device_id=signing.leader_device.pk,
                               pin=signing.leader_pin)
    with pytest.raises(ConflictError):
        outgoing_seal(actor=kit.clerk, document_id=document.pk, key_device_id=signing.agency_device.pk,
                      pin=signing.agency_pin)
    assert _state(document) == signed_state

    document = outgoing_number(actor=kit.clerk, document_id=document.pk)
    numbered_state = _state(document)
    for actor, device, pin, error in [
        (kit.clerk, signing.agency_device.pk, "sai", WrongPinError),
        (kit.leader, signing.agency_device.pk, signing.agency_pin, CertificateNotOwnedError),
        (kit.clerk, signing.leader_device.pk, signing.leader_pin, CertificateNotOwnedError),
        (kit.admin, signing.agency_device.pk, signing.agency_pin, NotFoundError),  # cannot see it
    ]:
        with pytest.raises(error):
            outgoing_seal(actor=actor, document_id=document.pk, key_device_id=device, pin=pin)
        assert _state(document) == numbered_state


def test_signer_without_a_signature_image_is_told_so(signing: SigningSetup) -> None:
    signing.signature_image.is_active = False
    signing.signature_image.save()
    document = signing.awaiting_signature()
    with pytest.raises(ApplicationError) as info:
        outgoing_sign_personal(actor=signing.kit.leader, document_id=document.pk,
                               key_device_id=signing.leader_device.pk, pin=signing.leader_pin)
    assert info.value.code == "signing.no_signature_image"
    assert _state(document) == (OutgoingState.AWAITING_SIGNATURE, 1)


def test_other_agency_cannot_see_or_sign(signing: SigningSetup, other_kit: AgencyKit) -> None:
    document = signing.awaiting_signature()
    with pytest.raises(NotFoundError):
        outgoing_sign_personal(actor=other_kit.leader, document_id=document.pk,
                               key_device_id=signing.leader_device.pk, pin=signing.leader_pin)


# --- Number and date -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
    (dt.date(2026, 1, 15), "ngày 15 tháng 01 năm 2026"),
    (dt.date(2026, 2, 9), "ngày 09 tháng 02 năm 2026"),
    (dt.date(2026, 10, 10), "ngày 10 tháng 10 năm 2026"),
    (dt.date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
])
def test_issue_date_follows_nd30(day: dt.date, expected: str) -> None:
    assert issue_date_text(day) == expected
    assert issue_date_text(day, "Hà Nội") == f"Hà Nội, {expected}"


def test_a_failed_fill_gives_the_number_back(signing: SigningSetup, test_pki: TestPki) -> None:
    kit = signing.kit
    broken = signing.awaiting_signature(template=False)
    # Signed outside the flow: a signature, but no reserved number/date fields to fill.
    signed_pdf = pdf_sign(pdf=pdf_bytes("Van ban ky ngoai"), key_source=p12_source(test_pki, "person-rsa"),
                          appearance=None, field_name="Sig", validation_context=test_pki.validation_context(),
                          timestamp_url=test_pki.tsa_url)
    outgoing_mark_signed(actor=kit.leader, document_id=broken.pk, signed_pdf=signed_pdf)
    before = _state(broken)
    with pytest.raises(ApplicationError) as info:
        outgoing_number(actor=kit.clerk, document_id=broken.pk)
    assert info.value.code == "form_field_missing"
    assert _state(broken) == before
    assert not RegisterCounter.objects.filter(last_number__gt=0).exists()

    good = outgoing_number(actor=kit.clerk, document_id=signing.signed().pk)
    assert good.number == 1, "no gap: the failed attempt used no number"


def test_paper_signed_scan_is_numbered_without_touching_the_pdf(signing: SigningSetup) -> None:
    kit = signing.kit
    document = signing.awaiting_signature(template=False)
    outgoing_mark_signed_on_paper(actor=kit.clerk, document_id=document.pk,
                                  scan=UploadedContent("ban-quet.pdf", pdf_bytes("Ban quet")))
    versions = OutgoingDocument.objects.get(pk=document.pk).versions.count()
    numbered = outgoing_number(actor=kit.clerk, document_id=document.pk)
    assert numbered.versions.count() == versions and numbered.number == 1


def test_signer_block_lines_follow_the_capacity(signing: SigningSetup) -> None:
    document = signing.awaiting_signature(signer="deputy", signing_capacity="KT.", signer_title="Phó Giám đốc")
    assert signer_block_lines(document) == ("KT. Giám đốc", "Phó Giám đốc")
    document.signing_capacity = "Q."
    assert signer_block_lines(document) == ("Q. Giám đốc", "")
    document.signing_capacity = "TM."
    document.agency.name = "Ủy ban nhân dân tỉnh Demo"
    document.signer_title = "Chủ tịch"
    assert signer_block_lines(document) == ("TM. Ủy ban nhân dân", "Chủ tịch")
    # TL./TUQ.: by order of the head, whose title is the agency's head position (not the signer's own title).
    position_create(actor=None, agency=document.agency, name="Giám đốc", is_head=True)
    document.signing_capacity = "TL."
    document.signer_title = "Chánh Văn phòng"
    assert signer_block_lines(document) == ("TL. Giám đốc", "Chánh Văn phòng")
    document.signing_capacity = "TUQ."
    document.signer_title = "Trưởng phòng Kế hoạch - Tài chính"
    assert signer_block_lines(document) == ("TUQ. Giám đốc", "Trưởng phòng Kế hoạch - Tài chính")
    document.signing_capacity = ""
    document.signer_title = "Giám đốc"
    assert signer_block_lines(document) == ("Giám đốc", "")


def test_personal_signature_of_someone_not_trusted_yet(signing: SigningSetup, settings: object) -> None:
    signing.trusted_root.is_active = False
    signing.trusted_root.save()
    from vanthu.signing.config import signing_config_reset
    from vanthu.signing.errors import CertificateUntrustedError

    signing_config_reset()
    document = signing.awaiting_signature()
    with pytest.raises(CertificateUntrustedError):
        outgoing_sign_personal(actor=signing.kit.leader, document_id=document.pk,
                               key_device_id=signing.leader_device.pk, pin=signing.leader_pin)
    assert _state(document) == (OutgoingState.AWAITING_SIGNATURE, 1)


# --- Batches ---------------------------------------------------------------------------------------------------


def test_batch_refuses_too_many_documents_and_none_before_anything_starts(signing: SigningSetup) -> None:
    kit = signing.kit
    audits = AuditEvent.objects.count()
    for ids, code in (([], "signing.batch_empty"), (list(range(1, BATCH_MAX + 2)), "signing.batch_too_large")):
        with pytest.raises(ApplicationError) as info:
            outgoing_seal_batch_start(actor=kit.clerk, document_ids=ids, key_device_id=signing.agency_device.pk,
                                      pin=signing.agency_pin)
        assert info.value.code == code
    assert "500" in str(info.value.message)
    assert not SigningJob.objects.exists() and AuditEvent.objects.count() == audits


@pytest.mark.django_db(transaction=True)
def test_batch_seals_every_document_and_reports_the_broken_one(
    kit: AgencyKit, other_kit: AgencyKit, test_pki: TestPki, settings: object, tmp_path: Path,
) -> None:
    setup = signing_setup(kit, test_pki, settings)
    ready = [setup.numbered() for _ in range(4)]
    not_numbered = setup.signed()
    ids = [d.pk for d in ready[:2]] + [not_numbered.pk] + [d.pk for d in ready[2:]]

    with pytest.raises(WrongPinError):
        outgoing_seal_batch_start(actor=kit.clerk, document_ids=ids, key_device_id=setup.agency_device.pk,
                                  pin="sai")
    assert not SigningJob.objects.exists()
    with pytest.raises(PermissionDeniedError):
        outgoing_seal_batch_start(actor=kit.leader, document_ids=ids, key_device_id=setup.agency_device.pk,
                                  pin=setup.agency_pin)

    job = outgoing_seal_batch_start(actor=kit.clerk, document_ids=ids, key_device_id=setup.agency_device.pk,
                                    pin=setup.agency_pin)
    assert job.total == 5
    assert signing_job_wait(job.pk, timeout=120)
    job = signing_job_get(actor=kit.clerk, job_id=job.pk)
    assert (job.done, job.failed, job.state) == (5, 1, SigningJobState.FAILED)
    assert job.finished_at is not None
    assert [e["document_id"] for e in job.errors] == [not_numbered.pk]
    assert job.errors[0]["code"] == "invalid_state"
    states = dict(OutgoingDocument.objects.filter(pk__in=ids).values_list("pk", "state"))
    assert [states[d.pk] for d in ready] == [OutgoingState.SEALED] * 4
    assert states[not_numbered.pk] == OutgoingState.SIGNED
    for document in ready:
        fresh = OutgoingDocument.objects.get(pk=document.pk)
        assert fresh.has_valid_org_signature and fresh.has_valid_personal_signature
    for document in ready:  # every batch-sealed PDF: the leader's and the agency's signatures, in both validators
        sealed = _latest_pdf(document)
        assert_pyhanko_valid(sealed, test_pki, count=2)
        assert_pdfsig_valid(sealed, test_pki, tmp_path, count=2)
    with pytest.raises(NotFoundError):
        signing_job_get(actor=other_kit.clerk, job_id=job.pk)
    with pytest.raises(NotFoundError):
        signing_job_get(actor=kit.specialist, job_id=job.pk)


def test_pdf_check_is_reused_for_the_same_blob(signing: SigningSetup) -> None:
    from vanthu.signing.services import pdf_check

    document = signing.signed()
    blob = document.versions.order_by("-number").first().pdf  # type: ignore[union-attr]
    first = pdf_check(blob=blob)
    assert pdf_check(blob=blob).pk == first.pk
    refreshed = pdf_check(blob=blob, refresh=True)
    assert refreshed.pk != first.pk and refreshed.verdict == first.verdict == "TOTAL_PASSED"
    assert pyhanko_status(blob_read(blob), signing.pki)[0].valid
