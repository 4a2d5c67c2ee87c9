"""Negative permission tests for every view: anonymous, other agency, unassigned, wrong role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.builders import AgencyKit, registered_document
from tests.web.conftest import LoginAs, delegate_to_specialist
from vanthu.core.models import AuditEvent
from vanthu.documents.enums import FileRole
from vanthu.documents.models import IncomingDocument
from vanthu.workflows.models import Assignment

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    document: IncomingDocument
    lead: Assignment
    child: Assignment


@pytest.fixture
def case(kit: AgencyKit) -> Case:
    document = registered_document(kit)
    child = delegate_to_specialist(kit, document)
    assert child.parent is not None
    return Case(document=document, lead=child.parent, child=child)


GET_VIEWS = ["incoming_detail", "incoming_edit", "incoming_file_add", "incoming_file", "incoming_slip"]
DOCUMENT_POSTS = ["incoming_register", "incoming_return", "incoming_present", "incoming_direct", "incoming_close",
                  "incoming_reopen", "incoming_share"]
ASSIGNMENT_POSTS = ["assignment_delegate", "assignment_note", "assignment_complete", "assignment_read"]


def _url(name: str, case: Case) -> str:
    pk = case.document.pk
    if name == "incoming_file":
        return reverse("web:incoming_file", args=[pk, case.document.files.get(role=FileRole.MAIN).pk])
    if name == "assignment_delegate":
        return reverse("web:assignment_delegate", args=[pk, case.lead.pk])
    if name in ASSIGNMENT_POSTS:
        return reverse(f"web:{name}", args=[pk, case.child.pk])
    return reverse(f"web:{name}", args=[pk])


def _snapshot(case: Case) -> tuple[str, int, int]:
    document = IncomingDocument.objects.get(pk=case.document.pk)
    events = AuditEvent.objects.filter(target_id=str(document.pk), target_type="documents.incomingdocument").count()
    return document.state, events, Assignment.objects.filter(incoming=document).count()


@pytest.mark.parametrize("name", ["home", "incoming_list", "incoming_create", "otp_setup"])
def test_anonymous_is_sent_to_login_for_pages(client, name: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse(f"web:{name}"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize("name", GET_VIEWS)
def test_anonymous_is_sent_to_login_for_document_pages(client, case: Case, name: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(_url(name, case))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize("name", [*DOCUMENT_POSTS, *ASSIGNMENT_POSTS, "membership_switch"])
def test_anonymous_posts_are_sent_to_login_and_change_nothing(client, case: Case, name: str) -> None:  # type: ignore[no-untyped-def]
    before = _snapshot(case)
    url = reverse("web:membership_switch") if name == "membership_switch" else _url(name, case)
    response = client.post(url, {})
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    assert _snapshot(case) == before


@pytest.mark.parametrize("role", ["clerk", "leader", "specialist"])
@pytest.mark.parametrize("name", [*GET_VIEWS, *DOCUMENT_POSTS, *ASSIGNMENT_POSTS])
def test_other_agency_gets_404_everywhere(other_kit: AgencyKit, case: Case, login_as: LoginAs, role: str,
                                          name: str) -> None:
    client = login_as(getattr(other_kit, role))
    before = _snapshot(case)
    method = client.get if name in GET_VIEWS else client.post
    assert method(_url(name, case)).status_code == 404
    assert _snapshot(case) == before


@pytest.mark.parametrize("name", [*GET_VIEWS, *DOCUMENT_POSTS, *ASSIGNMENT_POSTS])
def test_unassigned_specialist_gets_404_everywhere(kit: AgencyKit, case: Case, login_as: LoginAs, name: str) -> None:
    client = login_as(kit.specialist2)
    before = _snapshot(case)
    method = client.get if name in GET_VIEWS else client.post
    assert method(_url(name, case)).status_code == 404
    assert _snapshot(case) == before


LEADER_AND_CLERK_POSTS = {
    "incoming_register": {"register": ""},
    "incoming_return": {"return-reason": "Không đúng thẩm quyền"},
    "incoming_present": {},
    "incoming_direct": {},
    "incoming_close": {"close-instruction": "Để biết"},
    "incoming_reopen": {"reopen-reason": "Mở lại"},
    "incoming_share": {},
}


@pytest.mark.parametrize("name", list(LEADER_AND_CLERK_POSTS))
def test_specialist_posting_a_leader_or_clerk_action_is_refused_and_nothing_changes(
    kit: AgencyKit, case: Case, login_as: LoginAs, name: str
) -> None:
    client = login_as(kit.specialist)
    data = dict(LEADER_AND_CLERK_POSTS[name])
    # Valid values, so that the refusal comes from the permission check and not from the form.
    data.update({
        "incoming_present": {"leader": str(kit.leader.user.pk)},
        "incoming_direct": {"lead": f"unit:{kit.office.pk}", "due_mode": "none"},
        "incoming_share": {"user": str(kit.specialist2.user.pk)},
    }.get(name, {}))
    before = _snapshot(case)
    response = client.post(_url(name, case), data)
    refused = response.status_code == 403 or any(m.level_tag == "error" for m in get_messages(response.wsgi_request))
    assert refused, response.status_code
    assert _snapshot(case) == before
    assert not case.document.shares.exists()


def test_specialist_posting_direct_on_own_document_gets_403(kit: AgencyKit, case: Case, login_as: LoginAs) -> None:
    before = _snapshot(case)
    response = login_as(kit.specialist).post(_url("incoming_direct", case),
                                             {"lead": f"unit:{kit.office.pk}", "due_mode": "none"})
    assert response.status_code == 403
    assert "Bạn không có quyền" in response.content.decode()
    assert _snapshot(case) == before


@pytest.mark.parametrize("name", ["incoming_edit", "incoming_file_add"])
def test_specialist_cannot_open_clerk_forms(kit: AgencyKit, case: Case, login_as: LoginAs, name: str) -> None:
    assert login_as(kit.specialist).get(_url(name, case)).status_code == 403


def test_specialist_cannot_delegate_the_units_assignment(kit: AgencyKit, case: Case, login_as: LoginAs) -> None:
    before = _snapshot(case)
    response = login_as(kit.specialist).post(_url("assignment_delegate", case),
                                             {f"a{case.lead.pk}-users": [kit.specialist.user.pk]})
    assert response.status_code == 403
    assert _snapshot(case) == before


def test_co_operating_unit_leader_cannot_complete_someone_elses_part(
    kit: AgencyKit, case: Case, login_as: LoginAs
) -> None:
    before = _snapshot(case)
    response = login_as(kit.office_head).post(_url("assignment_complete", case), {})
    assert response.status_code == 403
    assert _snapshot(case) == before


def test_assignment_of_another_document_is_404(kit: AgencyKit, case: Case, login_as: LoginAs) -> None:
    other = registered_document(kit)
    child = delegate_to_specialist(kit, other)
    url = reverse("web:assignment_complete", args=[case.document.pk, child.pk])
    assert login_as(kit.specialist).post(url, {}).status_code == 404
