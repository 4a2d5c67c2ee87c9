from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.builders import AgencyKit
from vanthu.documents.handling import DirectionInput, Handler, assignment_delegate, direction_create
from vanthu.documents.models import IncomingDocument
from vanthu.documents.services import incoming_present
from vanthu.organizations.actor import Actor
from vanthu.workflows.models import Assignment

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

LoginAs = Callable[[Actor], Client]


@pytest.fixture
def login_as(client: Client) -> LoginAs:
    """Sign the test client in as the actor's user (its first membership is the acting one)."""

    def _login(actor: Actor) -> Client:
        client.force_login(actor.user, backend=MODEL_BACKEND)
        return client

    return _login


def direct_to_finance(kit: AgencyKit, document: IncomingDocument) -> Assignment:
    """Present to the leader and direct: finance leads, office co-operates. Returns the lead assignment."""
    incoming_present(actor=kit.clerk, document_id=document.pk, leader_id=kit.leader.user.pk)
    direction_create(
        actor=kit.leader, document_id=document.pk,
        data=DirectionInput(lead=Handler(unit_id=kit.finance.pk), cooperating=[Handler(unit_id=kit.office.pk)],
                            instruction="Phòng KHTC chủ trì tham mưu", due_in_working_days=5),
    )
    return Assignment.objects.get(incoming=document, role="LEAD", parent__isnull=True)


def delegate_to_specialist(kit: AgencyKit, document: IncomingDocument) -> Assignment:
    lead = direct_to_finance(kit, document)
    [child] = assignment_delegate(actor=kit.finance_head, assignment_id=lead.pk, user_ids=[kit.specialist.user.pk])
    return child
