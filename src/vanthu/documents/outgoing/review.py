"""The review route: approve, return with comments, and the signer sending a draft back (ND30 Điều 10–12).

Steps of a round run stage by stage; steps sharing a stage (a parallel group) are open at the same time and the
stage is done when all of them approve. The last stage is the format check; its approval hands the draft to the
signer. Any open reviewer may return the draft, which ends the round.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError, PermissionDeniedError
from vanthu.documents.outgoing.drafting import lock_visible
from vanthu.documents.outgoing.enums import OutgoingState, ReviewState
from vanthu.documents.outgoing.models import OutgoingDocument, ReviewStep
from vanthu.documents.outgoing.transitions import transition_apply, transition_check
from vanthu.organizations.actor import Actor


def review_current_steps(document: OutgoingDocument) -> list[ReviewStep]:
    """The open steps of the current stage (empty when the round is over)."""
    pending = document.review_steps.filter(round=document.review_round, state=ReviewState.PENDING)
    first = pending.order_by("stage").values_list("stage", flat=True).first()
    if first is None:
        return []
    return list(pending.filter(stage=first).order_by("order"))


def _my_step(actor: Actor, document: OutgoingDocument) -> ReviewStep:
    mine = [s for s in review_current_steps(document) if s.reviewer_id == actor.user.pk]
    if not mine:
        later = document.review_steps.filter(
            round=document.review_round, state=ReviewState.PENDING, reviewer_id=actor.user.pk
        ).exists()
        if later:
            raise PermissionDeniedError("not_your_turn", _("Chưa đến lượt bạn xem xét văn bản này."))
        raise PermissionDeniedError("forbidden", _("Bạn không phải người xem xét văn bản này."))
    return mine[0]


@transaction.atomic
def review_approve(*, actor: Actor, document_id: int, comment: str = "") -> OutgoingDocument:
    document = lock_visible(actor, document_id)
    transition = transition_check(document=document, action="approve", actor=actor)
    step = _my_step(actor, document)
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
    transition = transition_check(document=document, action="return", actor=actor)
    step = _my_step(actor, document)
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
    transition = transition_check(document=document, action="signer_return", actor=actor)
    cosigner = document.cosigners.filter(user_id=actor.user.pk, agency_id=actor.agency_id or 0).exists()
    if document.signer_id != actor.user.pk and not cosigner:
        raise PermissionDeniedError("forbidden", _("Chỉ người ký được trả lại dự thảo ở bước này."))
    transition_apply(document=document, transition=transition, actor=actor, data={"comment": comment.strip()})
    return document
