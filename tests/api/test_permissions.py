"""Negative permission tests for every endpoint: 401 without valid credentials, 404 for what the actor may not
see (another agency, a specialist with no part in the document), 403 for an action that is not theirs, and in
every refused case the document is left exactly as it was."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.api.conftest import Call, assert_error
from tests.builders import AgencyKit, arrived_document, registered_document
from vanthu.api.models import ApiToken
from vanthu.api.services import api_token_create, api_token_revoke
from vanthu.core.models import AuditEvent
from vanthu.documents.handling import DirectionInput, Handler, direction_create, incoming_close_for_information
from vanthu.documents.models import IncomingDocument
from vanthu.documents.services import incoming_present, incoming_share
from vanthu.organizations.actor import Actor
from vanthu.workflows.enums import HandlerRole

pytestmark = pytest.mark.django_db


@dataclass
class Scene:
    kit: AgencyKit
    docs: dict[str, IncomingDocument]
    lead_assignment: int

    def fill(self, template: str, doc_key: str) -> str:
        doc = self.docs[doc_key]
        file = doc.files.first()
        return template.format(doc=doc.pk, asg=self.lead_assignment, agency=self.kit.agency.pk,
                               file=file.pk if file else 0)


@pytest.fixture
def scene(kit: AgencyKit) -> Scene:
    arrived = arrived_document(kit)
    registered = registered_document(kit)
    presented = registered_document(kit)
    incoming_present(actor=kit.clerk, document_id=presented.pk, leader_id=kit.leader.user.pk)
    directed = registered_document(kit)
    incoming_present(actor=kit.clerk, document_id=directed.pk, leader_id=kit.leader.user.pk)
    direction_create(actor=kit.leader, document_id=directed.pk,
                     data=DirectionInput(lead=Handler(unit_id=kit.finance.pk), due_in_working_days=5))
    completed = registered_document(kit)
    incoming_close_for_information(actor=kit.leader, document_id=completed.pk)
    lead = directed.assignments.get(role=HandlerRole.LEAD)
    docs = {"arrived": arrived, "registered": registered, "presented": presented, "directed": directed,
            "completed": completed}
    return Scene(kit=kit, docs=docs, lead_assignment=lead.pk)


# (method, path, body, document the action is valid for)
DOCUMENT_ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("get", "/api/v1/incoming/{doc}", None, "registered"),
    ("get", "/api/v1/incoming/{doc}/files/{file}", None, "registered"),
    ("patch", "/api/v1/incoming/{doc}", {"subject": "Trích yếu sửa trái phép"}, "registered"),
    ("post", "/api/v1/incoming/{doc}/register", {}, "arrived"),
    ("post", "/api/v1/incoming/{doc}/return", {"reason": "Không đúng thẩm quyền"}, "arrived"),
    ("post", "/api/v1/incoming/{doc}/present", {"leader_id": "LEADER"}, "registered"),
    ("post", "/api/v1/incoming/{doc}/direct", {"lead": {"unit_id": "FINANCE"}}, "presented"),
    ("post", "/api/v1/incoming/{doc}/close-for-information", {"instruction": "Lưu"}, "presented"),
    ("post", "/api/v1/incoming/{doc}/reopen", {"reason": "Xử lý tiếp"}, "completed"),
    ("post", "/api/v1/incoming/{doc}/share", {"user_id": "SPECIALIST2"}, "registered"),
]
ASSIGNMENT_ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("post", "/api/v1/assignments/{asg}/delegate", {"user_ids": ["SPECIALIST"]}, "directed"),
    ("post", "/api/v1/assignments/{asg}/notes", {"text": "Ý kiến"}, "directed"),
    ("post", "/api/v1/assignments/{asg}/complete", {"result_note": "Xong"}, "directed"),
    ("post", "/api/v1/assignments/{asg}/read", {}, "directed"),
]
OTHER_ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("get", "/api/v1/me", None, "registered"),
    ("get", "/api/v1/incoming", None, "registered"),
    ("post", "/api/v1/incoming", {}, "registered"),
    ("get", "/api/v1/incoming/counters", None, "registered"),
    ("get", "/api/v1/agencies/{agency}/units", None, "registered"),
    ("get", "/api/v1/agencies/{agency}/leaders", None, "registered"),
    ("get", "/api/v1/document-types", None, "registered"),
    ("get", "/api/v1/stats", None, "registered"),
    ("get", "/api/v1/stats/agencies/{agency}", None, "registered"),
]
ALL_ENDPOINTS = DOCUMENT_ENDPOINTS + ASSIGNMENT_ENDPOINTS + OTHER_ENDPOINTS


def _ids(endpoints: list[tuple[str, str, Any, str]]) -> list[str]:
    return [f"{method.upper()} {path}" for method, path, _body, _doc in endpoints]


def _body(kit: AgencyKit, body: dict[str, Any] | None) -> dict[str, Any] | None:
    """Fill in ids that only exist once the kit is built."""
    names = {"LEADER": kit.leader.user.pk, "FINANCE": kit.finance.pk, "SPECIALIST": kit.specialist.user.pk,
             "SPECIALIST2": kit.specialist2.user.pk}

    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return names.get(value, value) if isinstance(value, str) else value

    return fill(body) if body is not None else None


def _snapshot(scene: Scene) -> tuple[dict[int, tuple[str, str, int]], int]:
    docs = {d.pk: (d.state, d.subject, d.assignments.count())
            for d in IncomingDocument.objects.filter(pk__in=[x.pk for x in scene.docs.values()])}
    # Token creation by the `call` fixture is audited too; only document events matter here.
    return docs, AuditEvent.objects.exclude(event_type__startswith="api_token.").count()


def _send(client: Client, method: str, path: str, body: dict[str, Any] | None, headers: dict[str, str]) -> Any:
    if method == "get":
        return client.get(path, headers=headers)
    return getattr(client, method)(path, data=body or {}, content_type="application/json", headers=headers)


def _plain_token(actor: Actor) -> str:
    return api_token_create(actor=actor, name="kiểm thử", expires_in_days=30)[1]


@pytest.mark.parametrize(("method", "path", "body", "doc"), ALL_ENDPOINTS, ids=_ids(ALL_ENDPOINTS))
def test_every_endpoint_refuses_missing_revoked_and_expired_tokens(
    client: Client, scene: Scene, method: str, path: str, body: dict[str, Any] | None, doc: str
) -> None:
    kit = scene.kit
    revoked = _plain_token(kit.leader)
    api_token_revoke(actor=kit.leader, token_id=ApiToken.objects.get(prefix=revoked[:11]).pk)
    expired = _plain_token(kit.clerk)
    ApiToken.objects.filter(prefix=expired[:11]).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    url = scene.fill(path, doc)
    before = _snapshot(scene)
    for headers, code in (({}, "unauthenticated"), ({"Authorization": f"Bearer {revoked}"}, "token_revoked"),
                          ({"Authorization": f"Bearer {expired}"}, "token_expired")):
        assert_error(_send(client, method, url, _body(kit, body), headers), 401, code)
    assert _snapshot(scene) == before


@pytest.mark.parametrize(("method", "path", "body", "doc"), DOCUMENT_ENDPOINTS + ASSIGNMENT_ENDPOINTS,
                         ids=_ids(DOCUMENT_ENDPOINTS + ASSIGNMENT_ENDPOINTS))
def test_other_agency_gets_404_and_changes_nothing(
    call: Call, scene: Scene, other_kit: AgencyKit, method: str, path: str, body: dict[str, Any] | None, doc: str
) -> None:
    before = _snapshot(scene)
    for outsider in (other_kit.clerk, other_kit.leader, other_kit.finance_head):
        response = call(outsider, method, scene.fill(path, doc), _body(scene.kit, body))
        assert_error(response, 404, "not_found")
    assert _snapshot(scene) == before


@pytest.mark.parametrize(("method", "path", "body", "doc"), DOCUMENT_ENDPOINTS + ASSIGNMENT_ENDPOINTS,
                         ids=_ids(DOCUMENT_ENDPOINTS + ASSIGNMENT_ENDPOINTS))
def test_unassigned_specialist_gets_404_and_changes_nothing(
    call: Call, scene: Scene, method: str, path: str, body: dict[str, Any] | None, doc: str
) -> None:
    before = _snapshot(scene)
    response = call(scene.kit.specialist2, method, scene.fill(path, doc), _body(scene.kit, body))
    assert_error(response, 404, "not_found")
    assert _snapshot(scene) == before


LEADER_OR_CLERK_ACTIONS = [e for e in DOCUMENT_ENDPOINTS if e[0] != "get"]


@pytest.mark.parametrize(("method", "path", "body", "doc"), LEADER_OR_CLERK_ACTIONS,
                         ids=_ids(LEADER_OR_CLERK_ACTIONS))
def test_specialist_who_can_see_the_document_gets_403_for_clerk_and_leader_actions(
    call: Call, scene: Scene, method: str, path: str, body: dict[str, Any] | None, doc: str
) -> None:
    kit = scene.kit
    incoming_share(actor=kit.clerk, document_id=scene.docs[doc].pk, user_id=kit.specialist2.user.pk)
    before = _snapshot(scene)
    assert call(kit.specialist2, "get", f"/api/v1/incoming/{scene.docs[doc].pk}").status_code == 200
    response = call(kit.specialist2, method, scene.fill(path, doc), _body(kit, body))
    assert_error(response, 403, "forbidden")
    assert _snapshot(scene) == before


@pytest.mark.parametrize(("method", "path", "body", "doc"), ASSIGNMENT_ENDPOINTS, ids=_ids(ASSIGNMENT_ENDPOINTS))
def test_specialist_who_can_see_the_document_gets_403_on_someone_elses_assignment(
    call: Call, scene: Scene, method: str, path: str, body: dict[str, Any] | None, doc: str
) -> None:
    kit = scene.kit
    incoming_share(actor=kit.clerk, document_id=scene.docs[doc].pk, user_id=kit.specialist2.user.pk)
    before = _snapshot(scene)
    response = call(kit.specialist2, method, scene.fill(path, doc), _body(kit, body))
    assert_error(response, 403, "forbidden")
    assert _snapshot(scene) == before


def test_specialist_cannot_delegate_their_own_part(call: Call, scene: Scene) -> None:
    kit = scene.kit
    delegated = call(kit.finance_head, "post", f"/api/v1/assignments/{scene.lead_assignment}/delegate",
                     {"user_ids": [kit.specialist.user.pk]})
    child = delegated.json()[0]["id"]
    before = _snapshot(scene)
    response = call(kit.specialist, "post", f"/api/v1/assignments/{child}/delegate",
                    {"user_ids": [kit.specialist.user.pk]})
    assert_error(response, 403, "forbidden")
    assert _snapshot(scene) == before


@pytest.mark.parametrize("path", ["/api/v1/agencies/{agency}/units", "/api/v1/agencies/{agency}/leaders"])
def test_directory_of_another_agency_is_404(call: Call, kit: AgencyKit, other_kit: AgencyKit, path: str) -> None:
    assert_error(call(other_kit.clerk, "get", path.format(agency=kit.agency.pk)), 404, "not_found")


def test_lists_and_counters_never_show_another_agencys_documents(call: Call, scene: Scene,
                                                                 other_kit: AgencyKit) -> None:
    listed = call(other_kit.clerk, "get", "/api/v1/incoming").json()
    assert listed["count"] == 0 and listed["items"] == []
    assert call(other_kit.clerk, "get", "/api/v1/incoming/counters").json()["to_register"] == 0
    mine = call(scene.kit.clerk, "get", "/api/v1/incoming").json()
    assert mine["count"] == len(scene.docs)


def test_specialist_list_holds_only_documents_given_to_them(call: Call, scene: Scene) -> None:
    kit = scene.kit
    assert call(kit.specialist2, "get", "/api/v1/incoming").json()["count"] == 0
    incoming_share(actor=kit.clerk, document_id=scene.docs["registered"].pk, user_id=kit.specialist2.user.pk)
    items = call(kit.specialist2, "get", "/api/v1/incoming").json()["items"]
    assert [d["id"] for d in items] == [scene.docs["registered"].pk]
