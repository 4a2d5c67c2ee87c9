"""The review route: approve, return with comments, and the signer sending a draft back (ND30 Điều 10–12).

Steps of a round run stage by stage; steps sharing a stage (a parallel group) are open at the same time and the
stage is done when all of them approve. The last stage is the format check; its approval hands the draft to the
signer. Any open reviewer may return the draft, which ends the round.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError, refuse_if
from vanthu.documents.outgoing.enums import OutgoingState, ReviewState
from vanthu.documents.outgoing.lifecycle import TRANSITIONS
from vanthu.documents.outgoing.models import OutgoingDocument, ReviewStep
from vanthu.documents.outgoing.permissions import can_review, can_signer_return, lock_visible, review_turn
from vanthu.documents.outgoing.transitions import transition_apply
from vanthu.organizations.actor import Actor


def _my_step(actor: Actor, document: OutgoingDocument) -> ReviewStep:
    refuse_if(can_review(actor, document))
    step = review_turn(actor, document)
    assert isinstance(step, ReviewStep)
    return step


@transaction.atomic
def review_approve(*, actor: Actor, document_id: int, comment: str = "") -> OutgoingDocument:
    document = lock_visible(actor, document_id)
    step = _my_step(actor, document)
    transition = TRANSITIONS["approve"]
    step.state = ReviewState.APPROVED
    step.comment = comment.strip()
    step.decided_at = timezone.now()
    step.save(update_fields=["state", "comment", "decided_at"])
    finished = not document.review_steps.filter(round=document.review_round, state=ReviewState.PENDING).exists()
    fields = {"state": OutgoingState.AWAITING_SIGNATURE} if finished else {}
    transition_apply(
        document=document, transition=transition, actor=actor, fields=fields,
        data={"step": step.order, "kind": step.kind, "comment": step.comment, "round": step.round},
    )
    return document


@transaction.atomic
def review_return(*, actor: Actor, document_id: int, comment: str) -> OutgoingDocument:
    """Send the draft back to the drafter with comments (IN_REVIEW → CHANGES_REQUESTED)."""
    if not comment.strip():
        raise ApplicationError("comment_required", _("Phải nhập ý kiến khi trả lại dự thảo."))
    document = lock_visible(actor, document_id)
    step = _my_step(actor, document)
    transition = TRANSITIONS["return"]
    step.state = ReviewState.RETURNED
    step.comment = comment.strip()
    step.decided_at = timezone.now()
    step.save(update_fields=["state", "comment", "decided_at"])
    transition_apply(
        document=document, transition=transition, actor=actor,
        data={"step": step.order, "kind": step.kind, "comment": step.comment, "round": step.round},
    )
    return document


@transaction.atomic
def outgoing_signer_return(*, actor: Actor, document_id: int, comment: str) -> OutgoingDocument:
    """The signer, or a co-signer, sends the draft back (AWAITING_SIGNATURE → CHANGES_REQUESTED)."""
    if not comment.strip():
        raise ApplicationError("comment_required", _("Phải nhập ý kiến khi trả lại dự thảo."))
    document = lock_visible(actor, document_id)
    refuse_if(can_signer_return(actor, document))
    transition = TRANSITIONS["signer_return"]
    transition_apply(document=document, transition=transition, actor=actor, data={"comment": comment.strip()})
    return document
