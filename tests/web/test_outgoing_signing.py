"""Signing from the outgoing page with the real test PKI: ký số (wrong PIN shown, nothing changes), ký số cơ quan,
the signature verdict, issue to a unit and another agency, statuses back, recall on both sides, batch sealing."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.builders import AgencyKit
from tests.outgoing.signing_kit import PIN, SigningSetup, signing, signing_setup  # noqa: F401 -- fixture
from tests.web.conftest import MODEL_BACKEND, LoginAs
from vanthu.documents.enums import IncomingState
from vanthu.documents.models import IncomingDocument
from vanthu.documents.outgoing.distribution import outgoing_issue
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.models import DraftVersion, OutgoingDelivery, OutgoingDocument
from vanthu.documents.outgoing.recall import outgoing_recall
from vanthu.documents.services import incoming_register
from vanthu.organizations.actor import actor_for
from vanthu.organizations.services import membership_create, user_create
from vanthu.signing.models import SigningJob, SigningJobState
from vanthu.signing.pki.testing import TestPki
from vanthu.signing.tasks import signing_job_wait

pytestmark = pytest.mark.django_db


def _url(name: str, document: OutgoingDocument) -> str:
    return reverse(f"web:outgoing_{name}", args=[document.pk])


def _page(client: Client, document: OutgoingDocument) -> str:
    return client.get(_url("detail", document)).content.decode()


def _snapshot(document: OutgoingDocument) -> tuple[str, int]:
    fresh = OutgoingDocument.objects.get(pk=document.pk)
    return fresh.state, DraftVersion.objects.filter(document=document).count()


def test_signer_signs_with_their_key_device(signing: SigningSetup, login_as: LoginAs) -> None:  # noqa: F811
    kit = signing.kit
    document = signing.awaiting_signature()
    client = login_as(kit.leader)
    body = _page(client, document)
    assert 'id="action-sign"' in body and f'<option value="{signing.leader_device.pk}">person-rsa' in body
    client.post(_url("sign", document), {"sign-key_device": signing.leader_device.pk, "sign-pin": signing.leader_pin})
    document.refresh_from_db()
    assert document.state == OutgoingState.SIGNED and document.has_valid_personal_signature
    body = _page(client, document)
    assert "Đã ký số văn bản." in body and 'data-verdict="TOTAL_PASSED"' in body and "Hợp lệ" in body
    current = DraftVersion.objects.filter(document=document).order_by("-number").first()
    assert current is not None
    assert f'href="{reverse("web:signature_report", args=[current.pdf_id])}"' in body


def test_a_wrong_pin_is_shown_and_nothing_changes(signing: SigningSetup, login_as: LoginAs) -> None:  # noqa: F811
    kit = signing.kit
    document = signing.awaiting_signature()
    before = _snapshot(document)
    client = login_as(kit.leader)
    response = client.post(_url("sign", document), {"sign-key_device": signing.leader_device.pk, "sign-pin": "sai"})
    assert response.status_code == 302
    assert _snapshot(document) == before
    body = _page(client, document)
    assert "Mã PIN không đúng" in body and 'value="sai"' not in body


def test_too_many_wrong_pins_lock_the_device_and_say_so(signing: SigningSetup, login_as: LoginAs,  # noqa: F811
                                                         settings: Any) -> None:
    settings.VANTHU_SIGNING_PIN_ATTEMPTS = 2
    document = signing.awaiting_signature()
    client = login_as(signing.kit.leader)
    form = {"sign-key_device": signing.leader_device.pk, "sign-pin": "sai"}
    client.post(_url("sign", document), form)
    assert "còn 1 lần thử" in _page(client, document)
    client.post(_url("sign", document), form)
    assert "Thiết bị ký tạm khóa do nhập sai mã PIN" in _page(client, document)
    client.post(_url("sign", document), {**form, "sign-pin": PIN})
    body = _page(client, document)
    assert "Thiết bị ký tạm khóa" in body and "Đã ký số văn bản." not in body


def test_someone_elses_key_device_is_not_offered_nor_accepted(
    signing: SigningSetup, login_as: LoginAs  # noqa: F811
) -> None:
    kit = signing.kit
    document = signing.awaiting_signature(signer="deputy")
    client = login_as(kit.deputy)
    body = _page(client, document)
    assert f'value="{signing.deputy_device.pk}"' in body and f'value="{signing.leader_device.pk}"' not in body
    before = _snapshot(document)
    client.post(_url("sign", document), {"sign-key_device": signing.leader_device.pk, "sign-pin": signing.leader_pin})
    assert _snapshot(document) == before
    assert "Thiết bị ký / chứng thư số" in _page(client, document)  # the form error names the field


def test_signer_without_a_certificate_is_told_so(kit: AgencyKit, login_as: LoginAs) -> None:
    from tests.web.test_outgoing_actions import _awaiting_signature

    document = _awaiting_signature(kit)
    body = _page(login_as(kit.leader), document)
    assert "Bạn chưa có chứng thư số nào để ký." in body and 'name="sign-pin"' not in body


def test_clerk_seals_then_issues_to_a_unit_and_another_agency(
    signing: SigningSetup, other_kit: AgencyKit, login_as: LoginAs  # noqa: F811
) -> None:
    kit = signing.kit
    document = signing.numbered(recipient_ids=(other_kit.agency.pk,))
    clerk = login_as(kit.clerk)
    body = _page(clerk, document)
    assert 'id="action-seal"' in body and 'id="action-issue"' not in body  # electronic: seal first
    clerk.post(_url("seal", document), {"seal-key_device": signing.agency_device.pk, "seal-pin": "sai"})
    assert _snapshot(document)[0] == OutgoingState.NUMBERED
    clerk.post(_url("seal", document), {"seal-key_device": signing.agency_device.pk, "seal-pin": signing.agency_pin})
    document.refresh_from_db()
    assert document.state == OutgoingState.SEALED and document.has_valid_org_signature
    body = _page(clerk, document)
    agencies = re.search(r'<select name="issue-agencies".*?</select>', body, re.S)
    assert agencies is not None and f'<option value="{other_kit.agency.pk}" selected>' in agencies.group(0)
    clerk.post(_url("issue", document), {"issue-units": [kit.finance.pk], "issue-agencies": [other_kit.agency.pk]})
    document.refresh_from_db()
    assert document.state == OutgoingState.ISSUED
    delivery = OutgoingDelivery.objects.get(document=document, agency=other_kit.agency)
    assert delivery.incoming is not None
    assert "01 Đã đến" in _page(clerk, document)
    incoming_register(actor=other_kit.clerk, document_id=delivery.incoming.pk)
    body = _page(clerk, document)
    assert f'data-delivery="{delivery.pk}" data-status="03"' in body and "03 Đã tiếp nhận" in body
    assert "Lịch sử trạng thái" in body and "Nơi nhận báo trạng thái" in body
    # A member of the unit it was delivered to reads the document, but not what the other recipients reported.
    user = user_create(actor=None, username=f"ketoan{kit.agency.pk}", full_name="Kế toán viên",
                       password="Mat-khau-dai-123", email=f"ketoan{kit.agency.pk}@example.vn")
    membership_create(actor=None, user=user, agency=kit.agency, roles=["SPECIALIST"], unit=kit.finance)
    reader = _page(login_as(actor_for(user)), document)
    assert 'id="document-title"' in reader and 'id="document-deliveries"' not in reader
    assert "Nơi nhận báo trạng thái" not in reader and other_kit.agency.name not in reader.split("Quá trình xử lý")[1]


def test_recall_reaches_the_recipient_who_agrees_or_refuses(
    signing: SigningSetup, other_kit: AgencyKit, login_as: LoginAs  # noqa: F811
) -> None:
    kit = signing.kit
    first = signing.sealed(recipient_ids=(other_kit.agency.pk,))
    second = signing.sealed(recipient_ids=(other_kit.agency.pk,))
    copies = []
    for document in (first, second):
        outgoing_issue(actor=kit.clerk, document_id=document.pk)
        outgoing_recall(actor=kit.leader, document_id=document.pk, reason="Ban hành nhầm")
        copy = OutgoingDelivery.objects.get(document=document).incoming
        assert copy is not None and copy.state == IncomingState.RECALL_PENDING
        copies.append(copy)
    recipient = login_as(other_kit.clerk)
    body = recipient.get(reverse("web:incoming_detail", args=[copies[0].pk])).content.decode()
    assert 'id="action-recall-agree"' in body and 'id="action-recall-refuse"' in body
    recipient.post(reverse("web:incoming_recall_refuse", args=[copies[0].pk]), {"recall-reason": ""})
    assert IncomingDocument.objects.get(pk=copies[0].pk).state == IncomingState.RECALL_PENDING
    recipient.post(reverse("web:incoming_recall_refuse", args=[copies[0].pk]),
                   {"recall-reason": "Đã triển khai thực hiện"})
    assert IncomingDocument.objects.get(pk=copies[0].pk).state != IncomingState.RECALL_PENDING
    recipient.post(reverse("web:incoming_recall_agree", args=[copies[1].pk]))
    assert IncomingDocument.objects.get(pk=copies[1].pk).state == IncomingState.RECALLED
    sender = login_as(kit.clerk)
    assert "16 Từ chối thu hồi" in _page(sender, first) and "15 Đồng ý thu hồi" in _page(sender, second)


def test_only_the_recipients_clerk_answers_a_recall(
    signing: SigningSetup, other_kit: AgencyKit, login_as: LoginAs  # noqa: F811
) -> None:
    kit = signing.kit
    document = signing.sealed(recipient_ids=(other_kit.agency.pk,))
    outgoing_issue(actor=kit.clerk, document_id=document.pk)
    outgoing_recall(actor=kit.clerk, document_id=document.pk, reason="Nhầm")
    copy = OutgoingDelivery.objects.get(document=document).incoming
    assert copy is not None
    for actor, status in ((kit.clerk, 404), (other_kit.specialist, 404), (other_kit.leader, 403)):
        response = login_as(actor).post(reverse("web:incoming_recall_agree", args=[copy.pk]))
        assert response.status_code == status, actor
    assert IncomingDocument.objects.get(pk=copy.pk).state == IncomingState.RECALL_PENDING


def test_incoming_copy_links_to_the_signature_report(
    signing: SigningSetup, other_kit: AgencyKit, login_as: LoginAs  # noqa: F811
) -> None:
    document = signing.sealed(recipient_ids=(other_kit.agency.pk,))
    outgoing_issue(actor=signing.kit.clerk, document_id=document.pk)
    copy = OutgoingDelivery.objects.get(document=document).incoming
    assert copy is not None
    body = login_as(other_kit.clerk).get(reverse("web:incoming_detail", args=[copy.pk])).content.decode()
    main = copy.files.filter(role="MAIN").first()
    assert main is not None
    assert f'href="{reverse("web:signature_report", args=[main.blob_id])}"' in body and "Xem báo cáo chữ ký" in body


BATCH = reverse("web:outgoing_batch_seal")


def test_batch_page_is_for_clerks_and_lists_numbered_documents(
    signing: SigningSetup, login_as: LoginAs  # noqa: F811
) -> None:
    kit = signing.kit
    numbered = signing.numbered()
    signed = signing.signed()
    body = login_as(kit.clerk).get(BATCH).content.decode()
    assert f'name="documents" value="{numbered.pk}"' in body and f'value="{signed.pk}"' not in body
    assert 'id="select-all"' in body
    assert login_as(kit.leader).get(BATCH).status_code == 403
    assert login_as(kit.specialist).post(BATCH, {"documents": [numbered.pk]}).status_code == 403


def test_batch_with_a_wrong_pin_starts_nothing(signing: SigningSetup, login_as: LoginAs) -> None:  # noqa: F811
    kit = signing.kit
    numbered = signing.numbered()
    client = login_as(kit.clerk)
    body = client.post(BATCH, {"documents": [numbered.pk], "key_device": signing.agency_device.pk,
                               "pin": "sai"}).content.decode()
    assert "Mã PIN không đúng" in body and f'value="{numbered.pk}" id="doc-{numbered.pk}" checked' in body
    assert 'value="sai"' not in body
    body = client.post(BATCH, {"key_device": signing.agency_device.pk, "pin": signing.agency_pin}).content.decode()
    assert "Hãy chọn ít nhất một văn bản." in body
    assert not SigningJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_batch_seals_the_chosen_documents_with_a_progress_page(
    kit: AgencyKit, other_kit: AgencyKit, test_pki: TestPki, settings: object, client: Client
) -> None:
    setup = signing_setup(kit, test_pki, settings)
    chosen = [setup.numbered() for _ in range(3)]
    left = setup.numbered()
    client.force_login(kit.clerk.user, backend=MODEL_BACKEND)
    response = client.post(BATCH, {"documents": [d.pk for d in chosen], "key_device": setup.agency_device.pk,
                                   "pin": setup.agency_pin})
    job = SigningJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:outgoing_batch_job", args=[job.pk])
    assert signing_job_wait(job.pk, timeout=120)
    deadline = time.monotonic() + 30
    while SigningJob.objects.get(pk=job.pk).state not in (SigningJobState.DONE, SigningJobState.FAILED):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    fragment = client.get(reverse("web:outgoing_batch_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body and 'hx-trigger="every 1s"' not in body  # finished: polling stops
    assert "Đã ký 3/3 văn bản" in body and "100%" in body
    assert all(f'href="{reverse("web:outgoing_detail", args=[d.pk])}"' in body for d in chosen)
    states = dict(OutgoingDocument.objects.values_list("pk", "state"))
    assert [states[d.pk] for d in chosen] == [OutgoingState.SEALED] * 3 and states[left.pk] == OutgoingState.NUMBERED
    full = client.get(reverse("web:outgoing_batch_job", args=[job.pk])).content.decode()
    assert 'role="progressbar"' in full and "<html" in full
    client.force_login(other_kit.clerk.user, backend=MODEL_BACKEND)
    assert client.get(reverse("web:outgoing_batch_job", args=[job.pk])).status_code == 404


def test_a_running_job_page_polls_every_second(signing: SigningSetup, login_as: LoginAs) -> None:  # noqa: F811
    kit = signing.kit
    job = SigningJob.objects.create(agency=kit.agency, created_by=kit.clerk.user, key_device=signing.agency_device,
                                    document_ids=[1, 2, 3, 4], total=4, done=1, state=SigningJobState.RUNNING)
    body = login_as(kit.clerk).get(reverse("web:outgoing_batch_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body and "25%" in body and "progress-bar-animated" in body
