"""Several signers on one outgoing document: co-signers sign in turn before the main signer, each in their own field
with their own ND30 block, and every signature stays valid through the number fill and the seal (pyHanko, pdfsig,
pdftoppm)."""

from __future__ import annotations

import io
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel

from tests.builders import AgencyKit, pdf_bytes
from tests.outgoing.helpers import draft, outgoing_input, simple_route
from tests.outgoing.signing_kit import (
    SigningSetup,
    box_pixels,
    is_blue,
    is_red,
    pdf_text,
    render_page,
    signing_setup,
)
from tests.signing.signing_helpers import assert_pdfsig_valid, assert_pyhanko_valid
from vanthu.core.blobs import blob_read
from vanthu.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from vanthu.core.files import UploadedContent
from vanthu.documents.enums import Confidentiality
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.inputs import CoSignerInput
from vanthu.documents.outgoing.models import OutgoingCoSigner, OutgoingDocument
from vanthu.documents.outgoing.selectors import outgoing_delivery_list_for_user, outgoing_get_for_user
from vanthu.documents.outgoing.services import (
    outgoing_create,
    outgoing_mark_cosigned,
    outgoing_mark_signed,
    outgoing_new_version,
    outgoing_number,
    outgoing_resubmit,
    outgoing_seal,
    outgoing_sign_personal,
    outgoing_signer_return,
    outgoing_submit,
    review_approve,
)
from vanthu.documents.outgoing.signers import cosigner_field_name
from vanthu.documents.outgoing.template import PERSONAL_SIG_FIELD
from vanthu.signing.pki.testing import TestPki

pytestmark = pytest.mark.django_db

COSIGNER_FIELD = cosigner_field_name(1)  # vanthu_sig_personal_2


@pytest.fixture
def signing(kit: AgencyKit, test_pki: TestPki, settings: Any) -> SigningSetup:
    return signing_setup(kit, test_pki, settings)


def _deputy_cosigns(kit: AgencyKit) -> dict[str, object]:
    """The head signs (main signer, directly); the deputy co-signs first as KT. Phó Giám đốc."""
    return {"signer_id": kit.leader.user.pk, "signer_title": "Giám đốc", "signing_capacity": "",
            "cosigners": (CoSignerInput(signer_id=kit.deputy.user.pk, signing_capacity="KT.",
                                        signer_title="Phó Giám đốc"),)}


def _awaiting(setup: SigningSetup, *, template: bool = True) -> OutgoingDocument:
    return setup.awaiting_signature(template=template, **_deputy_cosigns(setup.kit))


def _sign(setup: SigningSetup, who: str, document: OutgoingDocument) -> OutgoingDocument:
    actor, device, pin = ((setup.kit.deputy, setup.deputy_device, setup.deputy_pin) if who == "deputy"
                          else (setup.kit.leader, setup.leader_device, setup.leader_pin))
    return outgoing_sign_personal(actor=actor, document_id=document.pk, key_device_id=device.pk, pin=pin)


def _latest(document: OutgoingDocument) -> tuple[bytes, dict[str, Any]]:
    version = document.versions.order_by("-number").first()
    assert version is not None
    return blob_read(version.pdf), dict(version.field_boxes)


def _snapshot(document: OutgoingDocument) -> tuple[str, int, list[bool]]:
    fresh = OutgoingDocument.objects.get(pk=document.pk)
    return (fresh.state, fresh.versions.count(),
            [c.signed_at is not None for c in OutgoingCoSigner.objects.filter(document=fresh).order_by("order")])


def _overlap(a: Any, b: Any) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def _widget_rects(pdf: bytes) -> dict[str, tuple[float, ...]]:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return {s.field_name: tuple(float(v) for v in s.sig_field["/Rect"]) for s in reader.embedded_signatures}


def _page_height(pdf: bytes) -> float:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    _x1, y1, _x2, y2 = (float(v) for v in reader.root["/Pages"]["/Kids"][0]["/MediaBox"])
    return abs(y2 - y1)


# --- The flow ----------------------------------------------------------------------------------------------------


def test_two_signers_sign_in_turn_and_every_signature_stays_valid(signing: SigningSetup, tmp_path: Path) -> None:
    kit, pki = signing.kit, signing.pki
    document = _awaiting(signing)
    before = _snapshot(document)
    with pytest.raises(ConflictError) as info:  # the main signer signs last
        _sign(signing, "leader", document)
    assert info.value.code == "signing.not_your_turn"
    assert _snapshot(document) == before

    document = _sign(signing, "deputy", document)
    assert document.state == OutgoingState.AWAITING_SIGNATURE and not document.has_valid_personal_signature
    assert _snapshot(document)[2] == [True]
    first, _boxes = _latest(document)
    [status] = assert_pyhanko_valid(first, pki, count=1)
    assert "ecdsa" in status.pkcs7_signature_mechanism
    assert [s.field_name for s in PdfFileReader(io.BytesIO(first)).embedded_signatures] == [COSIGNER_FIELD]
    assert_pdfsig_valid(first, pki, tmp_path, count=1)
    with pytest.raises(ConflictError) as info:
        _sign(signing, "deputy", document)
    assert info.value.code == "signing.already_signed"

    document = _sign(signing, "leader", document)
    assert document.state == OutgoingState.SIGNED and document.has_valid_personal_signature
    second, _boxes = _latest(document)
    assert second.startswith(first), "the main signature is an incremental update"
    assert_pyhanko_valid(second, pki, count=2)
    assert_pdfsig_valid(second, pki, tmp_path, count=2)

    document = outgoing_number(actor=kit.clerk, document_id=document.pk)
    filled, _boxes = _latest(document)
    statuses = assert_pyhanko_valid(filled, pki, count=2)
    assert [s.modification_level for s in statuses] == [ModificationLevel.FORM_FILLING] * 2
    assert_pdfsig_valid(filled, pki, tmp_path, count=2)

    document = outgoing_seal(actor=kit.clerk, document_id=document.pk, key_device_id=signing.agency_device.pk,
                             pin=signing.agency_pin)
    assert document.has_valid_personal_signature and document.has_valid_org_signature
    final, boxes = _latest(document)
    statuses = assert_pyhanko_valid(final, pki, count=3)
    assert statuses[0].modification_level == statuses[1].modification_level == ModificationLevel.FORM_FILLING
    assert_pdfsig_valid(final, pki, tmp_path, count=3)
    reader = PdfFileReader(io.BytesIO(final), strict=False)
    assert [s.field_name for s in reader.embedded_signatures] == [COSIGNER_FIELD, PERSONAL_SIG_FIELD, "vanthu_seal"]
    assert len(reader.root["/DSS"]["/VRI"]) >= 3, "B-LT validation data for every signature"
    text = " ".join(pdf_text(final, tmp_path).split())
    assert f"Số: {document.reference}" in text
    assert "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text
    assert kit.deputy.user.full_name in text and kit.leader.user.full_name in text

    # Both blue signatures are drawn; the red seal covers the left third of the main signer's image only.
    main_image, cosigner_image = boxes[PERSONAL_SIG_FIELD]["image_box"], boxes[COSIGNER_FIELD]["image_box"]
    assert boxes[PERSONAL_SIG_FIELD]["page"] == boxes[COSIGNER_FIELD]["page"]
    assert cosigner_image[2] < main_image[0], "the co-signer's block stands left of the main signer's"
    seal = _widget_rects(final)["vanthu_seal"]
    assert abs(seal[2] - (main_image[0] + (main_image[2] - main_image[0]) / 3)) <= 2
    assert not _overlap(seal, cosigner_image)
    img = render_page(final, tmp_path, boxes[PERSONAL_SIG_FIELD]["page"])
    page_h = _page_height(final)
    assert sum(map(is_blue, box_pixels(img, cosigner_image, page_h))) > 100
    assert sum(map(is_blue, box_pixels(img, (seal[2] + 2, *main_image[1:]), page_h))) > 100
    assert sum(map(is_red, box_pixels(img, seal, page_h))) > 300
    assert not any(map(is_red, box_pixels(img, cosigner_image, page_h)))


def test_uploaded_draft_gets_a_full_block_per_signer_in_boxes_that_do_not_overlap(
    signing: SigningSetup, tmp_path: Path,
) -> None:
    kit, pki = signing.kit, signing.pki
    document = _sign(signing, "deputy", _awaiting(signing, template=False))
    document = _sign(signing, "leader", document)
    document = outgoing_number(actor=kit.clerk, document_id=document.pk)
    document = outgoing_seal(actor=kit.clerk, document_id=document.pk, key_device_id=signing.agency_device.pk,
                             pin=signing.agency_pin)
    final, boxes = _latest(document)
    assert_pyhanko_valid(final, pki, count=3)
    assert_pdfsig_valid(final, pki, tmp_path, count=3)
    assert boxes[COSIGNER_FIELD]["located"] is False
    rects = _widget_rects(final)
    for (name_a, a), (name_b, b) in combinations(rects.items(), 2):
        if {name_a, name_b} != {PERSONAL_SIG_FIELD, "vanthu_seal"}:  # the seal covers the main signer on purpose
            assert not _overlap(a, b), (name_a, name_b)
    text = pdf_text(final, tmp_path)
    assert "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text and kit.deputy.user.full_name in text
    img = render_page(final, tmp_path, boxes[COSIGNER_FIELD]["page"])
    page_h = _page_height(final)
    assert sum(map(is_blue, box_pixels(img, boxes[COSIGNER_FIELD]["image_box"], page_h))) > 100
    assert sum(map(is_blue, box_pixels(img, boxes[PERSONAL_SIG_FIELD]["image_box"], page_h))) > 100


def test_someone_who_is_not_a_signer_is_refused(signing: SigningSetup, other_kit: AgencyKit) -> None:
    kit = signing.kit
    document = _awaiting(signing)
    before = _snapshot(document)
    with pytest.raises(PermissionDeniedError):
        outgoing_mark_cosigned(actor=kit.office_head, document_id=document.pk)
    with pytest.raises(PermissionDeniedError):
        outgoing_mark_signed(actor=kit.deputy, document_id=document.pk)
    with pytest.raises(NotFoundError):
        outgoing_mark_cosigned(actor=other_kit.leader, document_id=document.pk)
    with pytest.raises(NotFoundError):
        outgoing_sign_personal(actor=other_kit.leader, document_id=document.pk,
                               key_device_id=signing.leader_device.pk, pin=signing.leader_pin)
    with pytest.raises(ConflictError) as info:
        outgoing_mark_signed(actor=kit.leader, document_id=document.pk)
    assert info.value.code == "signing.not_your_turn"
    assert _snapshot(document) == before


def test_co_signers_sign_in_the_order_chosen(kit: AgencyKit) -> None:
    cosigners = (CoSignerInput(signer_id=kit.deputy.user.pk, signing_capacity="KT.", signer_title="Phó Giám đốc"),
                 CoSignerInput(signer_id=kit.office_head.user.pk, signing_capacity="TL.",
                               signer_title="Chánh Văn phòng"))
    document = _reviewed(kit, cosigners=cosigners)
    with pytest.raises(ConflictError):
        outgoing_mark_cosigned(actor=kit.office_head, document_id=document.pk)
    outgoing_mark_cosigned(actor=kit.deputy, document_id=document.pk)
    with pytest.raises(ConflictError):
        outgoing_mark_signed(actor=kit.leader, document_id=document.pk)
    outgoing_mark_cosigned(actor=kit.office_head, document_id=document.pk)
    assert outgoing_mark_signed(actor=kit.leader, document_id=document.pk).state == OutgoingState.SIGNED


def _reviewed(kit: AgencyKit, **overrides: object) -> OutgoingDocument:
    document = draft(kit, **overrides)
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
    review_approve(actor=kit.finance_head, document_id=document.pk)
    review_approve(actor=kit.office_head, document_id=document.pk)
    return OutgoingDocument.objects.get(pk=document.pk)


def test_a_co_signer_may_send_it_back_and_a_new_version_is_signed_again(kit: AgencyKit) -> None:
    cosigners = (CoSignerInput(signer_id=kit.deputy.user.pk, signing_capacity="KT.", signer_title="Phó Giám đốc"),
                 CoSignerInput(signer_id=kit.office_head.user.pk, signer_title="Chánh Văn phòng"))
    document = _reviewed(kit, cosigners=cosigners)
    outgoing_mark_cosigned(actor=kit.deputy, document_id=document.pk)
    outgoing_signer_return(actor=kit.office_head, document_id=document.pk, comment="Sửa lại Điều 2.")
    assert _snapshot(document)[0] == OutgoingState.CHANGES_REQUESTED
    outgoing_new_version(actor=kit.specialist, document_id=document.pk,
                         upload=UploadedContent("du-thao-2.pdf", pdf_bytes("Du thao lan 2")))
    assert _snapshot(document)[2] == [False, False], "a new draft carries no signature"
    outgoing_resubmit(actor=kit.specialist, document_id=document.pk)
    review_approve(actor=kit.finance_head, document_id=document.pk)
    review_approve(actor=kit.office_head, document_id=document.pk)
    with pytest.raises(ConflictError):
        outgoing_mark_cosigned(actor=kit.office_head, document_id=document.pk)
    outgoing_mark_cosigned(actor=kit.deputy, document_id=document.pk)


def test_a_leader_of_another_agency_co_signs_a_joint_document(kit: AgencyKit, other_kit: AgencyKit) -> None:
    joint = (CoSignerInput(signer_id=other_kit.leader.user.pk, agency_id=other_kit.agency.pk, signer_title="Giám đốc"),)
    document = _reviewed(kit, cosigners=joint)
    cosigner = OutgoingCoSigner.objects.get(document=document)
    assert (cosigner.agency_id, cosigner.order) == (other_kit.agency.pk, 1)
    # The co-signer reads it for their own agency; nobody else there does, and no one learns the recipients.
    assert outgoing_get_for_user(actor=other_kit.leader, document_id=document.pk).pk == document.pk
    for stranger in (other_kit.clerk, other_kit.deputy):
        with pytest.raises(NotFoundError):
            outgoing_get_for_user(actor=stranger, document_id=document.pk)
    with pytest.raises(NotFoundError):
        outgoing_delivery_list_for_user(actor=other_kit.leader, document_id=document.pk)
    with pytest.raises(ConflictError):
        outgoing_mark_signed(actor=kit.leader, document_id=document.pk)
    outgoing_mark_cosigned(actor=other_kit.leader, document_id=document.pk)
    assert outgoing_mark_signed(actor=kit.leader, document_id=document.pk).state == OutgoingState.SIGNED


def _refusal(kit: AgencyKit, **overrides: object) -> dict[str, str]:
    with pytest.raises(ApplicationError) as info:
        outgoing_create(actor=kit.specialist, data=outgoing_input(kit, **overrides),
                        upload=UploadedContent("du-thao.pdf", pdf_bytes()))
    assert info.value.code == "invalid_input"
    fields: dict[str, str] = info.value.extra["fields"]
    return fields


def test_co_signers_are_checked_at_drafting(kit: AgencyKit, other_kit: AgencyKit) -> None:
    deputy = CoSignerInput(signer_id=kit.deputy.user.pk, signing_capacity="KT.")
    count = OutgoingDocument.objects.count()
    assert "cosigner_1" in _refusal(kit, cosigners=(CoSignerInput(signer_id=kit.leader.user.pk),))  # main signer
    assert "cosigner_2" in _refusal(kit, cosigners=(deputy, deputy))
    assert "cosigner_1" in _refusal(kit, cosigners=(CoSignerInput(signer_id=kit.specialist2.user.pk),))
    assert "cosigner_1" in _refusal(kit, cosigners=(CoSignerInput(signer_id=kit.deputy.user.pk,
                                                                  signing_capacity="XX."),))
    # A unit leader of another agency may not sign for it; an agency that does not exist is refused.
    assert "cosigner_1" in _refusal(kit, cosigners=(CoSignerInput(signer_id=other_kit.office_head.user.pk,
                                                                  agency_id=other_kit.agency.pk),))
    assert "cosigner_1" in _refusal(kit, cosigners=(CoSignerInput(signer_id=kit.deputy.user.pk, agency_id=999_999),))
    four = tuple(CoSignerInput(signer_id=a.user.pk) for a in (kit.deputy, kit.office_head, kit.finance_head,
                                                              other_kit.leader))
    assert "cosigners" in _refusal(kit, cosigners=four)
    # Secret documents are never signed with another agency over the system.
    kit.specialist.user.can_handle_secret = True
    kit.specialist.user.save()
    secret = _refusal(kit, confidentiality=Confidentiality.SECRET, cosigners=(
        CoSignerInput(signer_id=other_kit.leader.user.pk, agency_id=other_kit.agency.pk),))
    assert "Văn bản mật" in secret["cosigner_1"]
    assert OutgoingDocument.objects.count() == count
