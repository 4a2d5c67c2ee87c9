"""Co-signers on the outgoing screens: chosen on the drafting form, listed on the page, each signing in turn with
the "Ký số" action, the "Chờ tôi ký" box following the turn."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.builders import AgencyKit, pdf_bytes
from tests.outgoing.helpers import draft, simple_route
from tests.outgoing.signing_kit import SigningSetup, signing_setup
from tests.web.conftest import LoginAs
from vanthu.documents.models import DocumentType
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.inputs import CoSignerInput
from vanthu.documents.outgoing.models import OutgoingCoSigner, OutgoingDocument
from vanthu.documents.outgoing.services import outgoing_mark_cosigned, outgoing_submit, review_approve
from vanthu.signing.pki.testing import TestPki

pytestmark = pytest.mark.django_db

CREATE = reverse("web:outgoing_create")
LIST = reverse("web:outgoing_list")


@pytest.fixture
def signing(kit: AgencyKit, test_pki: TestPki, settings: Any) -> SigningSetup:
    return signing_setup(kit, test_pki, settings)


def _data(kit: AgencyKit, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "document_type": DocumentType.objects.get(code="QUYET_DINH").pk,
        "subject": "Quyết định liên tịch về phối hợp quản lý văn bản điện tử", "priority": "0",
        "confidentiality": "0", "signer": kit.leader.user.pk, "signing_capacity": "", "signer_title": "Giám đốc",
        "to_places": "Như Điều 3;", "source_kind": "pdf", "note": "",
        "main_file": SimpleUploadedFile("du-thao.pdf", pdf_bytes("Du thao"), content_type="application/pdf"),
    }
    values.update(overrides)
    return values


def _reviewed(kit: AgencyKit, *cosigners: CoSignerInput) -> OutgoingDocument:
    document = draft(kit, cosigners=cosigners)
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
    review_approve(actor=kit.finance_head, document_id=document.pk)
    review_approve(actor=kit.office_head, document_id=document.pk)
    return OutgoingDocument.objects.get(pk=document.pk)


def _list_ids(client: Any, box: str) -> set[int]:
    body = client.get(LIST, {"box": box}).content.decode()
    return {int(pk) for pk in re.findall(r'href="/van-ban-di/(\d+)/"', body)}


def test_form_offers_this_agencys_and_other_agencies_leaders_as_co_signers(
    kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs,
) -> None:
    body = login_as(kit.specialist).get(CREATE).content.decode()
    match = re.search(r'<select name="cosigner_1".*?</select>', body, re.S)
    assert match is not None
    select = match.group(0)
    assert f'<option value="{kit.agency.pk}:{kit.deputy.user.pk}">' in select
    assert f'<option value="{kit.agency.pk}:{kit.finance_head.user.pk}">' in select  # unit leaders of this agency
    assert f'<option value="{other_kit.agency.pk}:{other_kit.leader.user.pk}">' in select  # joint documents
    assert f':{other_kit.finance_head.user.pk}"' not in select and f":{kit.specialist.user.pk}\"" not in select
    assert select.index(f'label="{kit.agency.name}"') < select.index(f'label="{other_kit.agency.name}"')


def test_draft_with_co_signers_in_the_order_chosen(kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.specialist)
    response = client.post(CREATE, _data(
        kit, cosigner_1=f"{other_kit.agency.pk}:{other_kit.leader.user.pk}", cosigner_1_title="Giám đốc",
        cosigner_3=f"{kit.agency.pk}:{kit.deputy.user.pk}", cosigner_3_capacity="KT.",
        cosigner_3_title="Phó Giám đốc"))
    assert response.status_code == 302
    document = OutgoingDocument.objects.get(subject__startswith="Quyết định liên tịch")
    rows = list(OutgoingCoSigner.objects.filter(document=document).order_by("order")
                .values_list("order", "user_id", "agency_id", "signing_capacity", "signer_title"))
    assert rows == [(1, other_kit.leader.user.pk, other_kit.agency.pk, "", "Giám đốc"),
                    (2, kit.deputy.user.pk, kit.agency.pk, "KT.", "Phó Giám đốc")]


def test_a_refused_co_signer_is_shown_on_its_own_slot(kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.specialist)
    count = OutgoingDocument.objects.count()
    # Slot 1 empty, slot 2 the main signer again: the error belongs to slot 2.
    response = client.post(CREATE, _data(kit, cosigner_2=f"{kit.agency.pk}:{kit.leader.user.pk}"))
    assert response.status_code == 200 and OutgoingDocument.objects.count() == count
    body = response.content.decode()
    slot = re.search(r'data-cosigner-slot="2".*?data-cosigner-slot="3"', body, re.S)
    assert slot is not None and "Mỗi người chỉ ký một lần trên văn bản." in slot.group(0)


def test_the_page_lists_the_co_signers_and_offers_signing_to_whoever_is_next(
    kit: AgencyKit, login_as: LoginAs,
) -> None:
    document = _reviewed(kit, CoSignerInput(signer_id=kit.deputy.user.pk, signing_capacity="KT.",
                                            signer_title="Phó Giám đốc"))
    detail = reverse("web:outgoing_detail", args=[document.pk])
    body = login_as(kit.leader).get(detail).content.decode()
    assert 'id="cosigners"' in body and kit.deputy.user.full_name in body and "Đến lượt ký" in body
    assert 'id="action-sign"' not in body and 'id="sign-waiting"' in body
    assert 'id="action-signer-return"' in body
    assert document.pk not in _list_ids(login_as(kit.leader), "to_sign")

    body = login_as(kit.deputy).get(detail).content.decode()
    assert 'id="action-sign"' in body and 'id="action-signer-return"' in body
    assert document.pk in _list_ids(login_as(kit.deputy), "to_sign")

    outgoing_mark_cosigned(actor=kit.deputy, document_id=document.pk)
    assert document.pk not in _list_ids(login_as(kit.deputy), "to_sign")
    assert document.pk in _list_ids(login_as(kit.leader), "to_sign")
    body = login_as(kit.leader).get(detail).content.decode()
    assert 'id="action-sign"' in body and "Đã ký" in body
    assert 'id="action-sign"' not in login_as(kit.deputy).get(detail).content.decode()


def test_a_co_signer_of_another_agency_reads_and_finds_it_in_their_box(
    kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs,
) -> None:
    document = _reviewed(kit, CoSignerInput(signer_id=other_kit.leader.user.pk, agency_id=other_kit.agency.pk))
    detail = reverse("web:outgoing_detail", args=[document.pk])
    client = login_as(other_kit.leader)
    body = client.get(detail).content.decode()
    assert 'id="action-sign"' in body and other_kit.agency.name in body
    assert 'id="document-deliveries"' not in body
    assert document.pk in _list_ids(client, "to_sign")
    assert login_as(other_kit.clerk).get(detail).status_code == 404


def test_co_signers_sign_from_the_page_and_the_document_is_signed(
    signing: SigningSetup, login_as: LoginAs,
) -> None:
    kit = signing.kit
    document = signing.awaiting_signature(signer_id=kit.leader.user.pk, signer_title="Giám đốc", signing_capacity="",
                                          cosigners=(CoSignerInput(signer_id=kit.deputy.user.pk,
                                                                   signing_capacity="KT.",
                                                                   signer_title="Phó Giám đốc"),))
    sign = reverse("web:outgoing_sign", args=[document.pk])
    login_as(kit.deputy).post(sign, {"sign-key_device": signing.deputy_device.pk, "sign-pin": signing.deputy_pin})
    document.refresh_from_db()
    assert document.state == OutgoingState.AWAITING_SIGNATURE
    assert OutgoingCoSigner.objects.get(document=document).signed_at is not None
    login_as(kit.leader).post(sign, {"sign-key_device": signing.leader_device.pk, "sign-pin": signing.leader_pin})
    document.refresh_from_db()
    assert document.state == OutgoingState.SIGNED and document.has_valid_personal_signature
    body = login_as(kit.leader).get(reverse("web:outgoing_detail", args=[document.pk])).content.decode()
    assert 'data-verdict="TOTAL_PASSED"' in body and "2 chữ ký" in body
