"""The list's "waiting for me" boxes (SQL) and the document rules (Python) say the same whose turn it is.

Whose turn it is to review or to sign is written twice by necessity — as SQL to count and list thousands of
documents, and in Python for the one document a service acts on (``documents.outgoing.permissions``). Documents
in every position of a route and of a signing order, seen by every person involved, must land in the box exactly
when the rule allows the action.
"""

from __future__ import annotations

import pytest

from tests.builders import AgencyKit
from tests.outgoing.helpers import draft, simple_route
from vanthu.documents.outgoing.enums import ReviewKind
from vanthu.documents.outgoing.inputs import CoSignerInput, Route, RouteStep
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.documents.outgoing.permissions import can_review, can_sign
from vanthu.documents.outgoing.selectors import outgoing_box_q, outgoing_visibility_q
from vanthu.documents.outgoing.services import (
    outgoing_mark_cosigned,
    outgoing_submit,
    review_approve,
    review_return,
)
from vanthu.organizations.actor import Actor

pytestmark = pytest.mark.django_db


def _parallel_route(kit: AgencyKit) -> Route:
    """Two content reviewers at the same time, then the format check."""
    return Route((RouteStep(kit.finance_head.user.pk, ReviewKind.CONTENT, parallel_group=1),
                  RouteStep(kit.deputy.user.pk, ReviewKind.CONTENT, parallel_group=1),
                  RouteStep(kit.office_head.user.pk, ReviewKind.FORMAT)))


def _documents(kit: AgencyKit) -> list[OutgoingDocument]:
    """Documents at every step that matters: each stage of a review, a returned round, each turn of a signing."""
    docs = [draft(kit)]  # a draft: nobody's turn
    for approvals in range(3):
        document = draft(kit)
        outgoing_submit(actor=kit.specialist, document_id=document.pk, route=_parallel_route(kit))
        for reviewer in (kit.finance_head, kit.deputy, kit.office_head)[:approvals]:
            review_approve(actor=reviewer, document_id=document.pk)
        docs.append(document)
    returned = draft(kit)
    outgoing_submit(actor=kit.specialist, document_id=returned.pk, route=simple_route(kit))
    review_return(actor=kit.finance_head, document_id=returned.pk, comment="Sửa lại")
    docs.append(returned)
    cosigners = (CoSignerInput(signer_id=kit.deputy.user.pk, signing_capacity="KT.", signer_title="Phó Giám đốc"),
                 CoSignerInput(signer_id=kit.office_head.user.pk, signing_capacity="TL.",
                               signer_title="Chánh Văn phòng"))
    for signed_by in ((), (kit.deputy,), (kit.deputy, kit.office_head)):
        document = draft(kit, cosigners=cosigners)
        outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
        review_approve(actor=kit.finance_head, document_id=document.pk)
        review_approve(actor=kit.office_head, document_id=document.pk)
        for cosigner in signed_by:
            outgoing_mark_cosigned(actor=cosigner, document_id=document.pk)
        docs.append(document)
    return [OutgoingDocument.objects.get(pk=d.pk) for d in docs]


def _box(actor: Actor, box: str) -> set[int]:
    rows = OutgoingDocument.objects.filter(outgoing_visibility_q(actor)).filter(outgoing_box_q(actor, box))
    return set(rows.values_list("pk", flat=True))


def test_the_review_and_signing_boxes_agree_with_the_rules(kit: AgencyKit) -> None:
    documents = _documents(kit)
    people = (kit.specialist, kit.finance_head, kit.deputy, kit.office_head, kit.leader, kit.clerk)
    turns_seen = {"to_review": 0, "to_sign": 0}
    for actor in people:
        may_review = {d.pk for d in documents if can_review(actor, d) is None}
        may_sign = {d.pk for d in documents if can_sign(actor, d) is None}
        assert _box(actor, "to_review") == may_review, actor.user.username
        assert _box(actor, "to_sign") == may_sign, actor.user.username
        turns_seen["to_review"] += len(may_review)
        turns_seen["to_sign"] += len(may_sign)
    # Every review stage and every signing turn above belongs to someone: the comparison was not between empties.
    assert turns_seen == {"to_review": 4, "to_sign": 3}
