"""Negative permission tests for every outgoing view: anonymous, another agency, a colleague who may not see the
draft, and a person who sees it but may not act. Nothing changes in any of these cases."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse

from tests.builders import AgencyKit, pdf_bytes
from tests.outgoing.helpers import draft
from tests.web.conftest import LoginAs
from vanthu.core.files import UploadedContent
from vanthu.core.models import AuditEvent
from vanthu.documents.outgoing.models import DraftVersion, OutgoingAttachment, OutgoingDocument
from vanthu.documents.outgoing.services import outgoing_attachment_add

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    document: OutgoingDocument
    version: DraftVersion
    attachment: OutgoingAttachment


@pytest.fixture
def case(kit: AgencyKit) -> Case:
    document = draft(kit)
    attachment = outgoing_attachment_add(actor=kit.specialist, document_id=document.pk,
                                         upload=UploadedContent("phu-luc.pdf", pdf_bytes("Phu luc")))
    return Case(document=document, version=DraftVersion.objects.get(document=document), attachment=attachment)


GET_VIEWS = ["outgoing_detail", "outgoing_version", "outgoing_version_file", "outgoing_attachment_file"]
POST_VIEWS = ["outgoing_submit", "outgoing_resubmit", "outgoing_approve", "outgoing_return",
              "outgoing_signer_return", "outgoing_cancel", "outgoing_sign", "outgoing_sign_on_paper",
              "outgoing_number", "outgoing_seal", "outgoing_issue", "outgoing_void", "outgoing_recall",
              "outgoing_attachment_add", "outgoing_attachment_remove", "outgoing_version"]
PAGES = ["outgoing_list", "outgoing_create", "outgoing_batch_seal"]


def _url(name: str, case: Case) -> str:
    pk = case.document.pk
    if name == "outgoing_version_file":
        return reverse(f"web:{name}", args=[pk, case.version.pk])
    if name in ("outgoing_attachment_file", "outgoing_attachment_remove"):
        return reverse(f"web:{name}", args=[pk, case.attachment.pk])
    return reverse(f"web:{name}", args=[pk])


def _post_data(case: Case) -> dict[str, object]:
    """Valid-looking input for every form at once, so only the permission can stop the action."""
    return {
        "route-reviewer": [case.document.drafter_id], "route-kind": ["FORMAT"], "route-group": [""],
        "review-comment": "Đồng ý", "signer-comment": "Trả lại", "cancel-reason": "Hủy", "void-reason": "Hủy số",
        "recall-reason": "Thu hồi", "sign-key_device": "1", "sign-pin": "123456", "seal-key_device": "1",
        "seal-pin": "123456", "issue-units": [], "version-source_kind": "pdf",
        "version-main_file": SimpleUploadedFile("v.pdf", pdf_bytes()),
        "paper-scan": SimpleUploadedFile("scan.pdf", pdf_bytes()),
        "attachment-uploads": [SimpleUploadedFile("pl.pdf", pdf_bytes())],
    }


def _snapshot(case: Case) -> tuple[str, int, int, int]:
    document = OutgoingDocument.objects.get(pk=case.document.pk)
    events = AuditEvent.objects.filter(target_type="documents.outgoingdocument", target_id=str(document.pk)).count()
    return (document.state, events, DraftVersion.objects.filter(document=document).count(),
            OutgoingAttachment.objects.filter(document=document).count())


def _to_login(response: HttpResponseBase) -> bool:
    return response.status_code == 302 and str(response["Location"]).startswith(reverse("web:login"))


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_login_for_pages(client: Client, name: str) -> None:
    assert _to_login(client.get(reverse(f"web:{name}")))


def test_anonymous_is_sent_to_login_for_a_job(client: Client) -> None:
    assert _to_login(client.get(reverse("web:outgoing_batch_job", args=[1])))


@pytest.mark.parametrize("name", GET_VIEWS)
def test_anonymous_is_sent_to_login_for_document_pages(client: Client, case: Case, name: str) -> None:
    assert _to_login(client.get(_url(name, case)))


@pytest.mark.parametrize("name", POST_VIEWS)
def test_anonymous_posts_are_sent_to_login_and_change_nothing(client: Client, case: Case, name: str) -> None:
    before = _snapshot(case)
    assert _to_login(client.post(_url(name, case), _post_data(case)))
    assert _snapshot(case) == before


@pytest.mark.parametrize("name", GET_VIEWS)
@pytest.mark.parametrize("who", ["other_clerk", "colleague"])
def test_strangers_get_not_found_for_document_pages(
    case: Case, kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs, name: str, who: str
) -> None:
    actor = other_kit.clerk if who == "other_clerk" else kit.specialist2
    assert login_as(actor).get(_url(name, case)).status_code == 404


@pytest.mark.parametrize("name", POST_VIEWS)
@pytest.mark.parametrize("who", ["other_clerk", "colleague"])
def test_strangers_posts_are_not_found_and_change_nothing(
    case: Case, kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs, name: str, who: str
) -> None:
    actor = other_kit.clerk if who == "other_clerk" else kit.specialist2
    before = _snapshot(case)
    assert login_as(actor).post(_url(name, case), _post_data(case)).status_code == 404
    assert _snapshot(case) == before


# Who may see the draft but not do this to it: the leader (a clerk/leader of the agency sees every draft).
REFUSED_FOR_LEADER = ["outgoing_submit", "outgoing_resubmit", "outgoing_approve", "outgoing_return",
                      "outgoing_signer_return", "outgoing_sign", "outgoing_sign_on_paper", "outgoing_number",
                      "outgoing_seal", "outgoing_issue", "outgoing_void", "outgoing_recall",
                      "outgoing_attachment_add", "outgoing_attachment_remove", "outgoing_version"]


@pytest.mark.parametrize("name", REFUSED_FOR_LEADER)
def test_a_leader_who_sees_the_draft_may_not_act_on_it(
    case: Case, kit: AgencyKit, login_as: LoginAs, name: str
) -> None:
    before = _snapshot(case)
    client = login_as(kit.leader)
    response = client.post(_url(name, case), _post_data(case))
    assert response.status_code in (302, 403)
    assert _snapshot(case) == before
    if response.status_code == 302:  # refused by the state or the form: the page says why
        assert response["Location"] == _url("outgoing_detail", case)
        assert 'class="alert alert-danger' in client.get(response["Location"]).content.decode()


def test_leader_sees_no_action_forms_on_a_colleagues_draft(case: Case, kit: AgencyKit, login_as: LoginAs) -> None:
    body = login_as(kit.leader).get(_url("outgoing_detail", case)).content.decode()
    for form_id in ("action-submit", "action-review", "action-sign", "action-number", "action-issue",
                    "action-attachment-add", "link-version"):
        assert f'id="{form_id}"' not in body
    assert 'id="action-cancel"' in body  # a leader may cancel a draft of the agency


def test_another_agencys_clerk_cannot_open_a_job(case: Case, kit: AgencyKit, other_kit: AgencyKit,
                                                 login_as: LoginAs) -> None:
    assert login_as(other_kit.clerk).get(reverse("web:outgoing_batch_job", args=[987654])).status_code == 404


@pytest.mark.parametrize("name", ["incoming_recall_agree", "incoming_recall_refuse"])
def test_incoming_recall_actions_need_login_and_visibility(
    client: Client, kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs, name: str
) -> None:
    from tests.builders import registered_document

    copy = registered_document(kit)
    url = reverse(f"web:{name}", args=[copy.pk])
    assert _to_login(client.post(url, {"recall-reason": "x"}))
    assert login_as(other_kit.clerk).post(url, {"recall-reason": "x"}).status_code == 404
    clerk = login_as(kit.clerk)
    response = clerk.post(url, {"recall-reason": "x"})  # not being recalled: refused with a message
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.state == "REGISTERED"
