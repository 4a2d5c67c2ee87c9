"""Who may see and do what with outgoing documents (docs/domain/outgoing.md, docs/domain/roles.md).

One place for each rule. ``can_<action>(actor, document, …)`` returns the refusal (an ``ApplicationError`` with its
Vietnamese message) or ``None``: the services raise it (``core.errors.refuse_if``), the document page shows only the
actions that would not be refused, the API answers with it. Whose turn it is to review or to sign exists twice by
necessity — here in Python for one document, and as SQL for the "waiting for me" boxes of the list
(``selectors.outgoing_box_q``); ``tests/outgoing/test_permissions_agree.py`` checks that the two agree.

``lock_visible`` is the lock every write on behalf of a person takes: the visibility rule and the row lock in one
query, so "missing" and "not yours" are the same not-found before any other check.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError, Refusal
from vanthu.documents.enums import Channel
from vanthu.documents.outgoing.enums import OutgoingState as S
from vanthu.documents.outgoing.enums import ReviewState
from vanthu.documents.outgoing.lifecycle import TRANSITIONS
from vanthu.documents.outgoing.models import OutgoingDocument, ReviewStep
from vanthu.documents.outgoing.selectors import outgoing_visibility_q
from vanthu.documents.outgoing.signers import SignerSlot, document_signers, signing_turn
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode

# Who may draft an outgoing document (ND30 Điều 10: the specialist of the unit in charge, or whoever the leader asks).
DRAFTER_ROLES = (RoleCode.SPECIALIST, RoleCode.UNIT_LEADER, RoleCode.LEADER, RoleCode.CLERK, RoleCode.FORMAT_CHECKER)
# Attachments may change until the agency signs: afterwards they are part of the signed original.
ATTACHMENT_STATES = frozenset({S.DRAFTING, S.IN_REVIEW, S.CHANGES_REQUESTED, S.AWAITING_SIGNATURE, S.SIGNED,
                               S.NUMBERED})
# A replacement that is neither cancelled nor voided blocks another one (ND30 Điều 18).
DEAD_STATES = (S.CANCELLED, S.VOIDED)


def not_found() -> NotFoundError:
    return NotFoundError("not_found", _("Không tìm thấy văn bản đi."))


def lock_visible(actor: Actor, document_id: int) -> OutgoingDocument:
    """The document row, locked for a move on the actor's behalf, if the actor may see it — the visibility and the
    lock in one query (``FOR UPDATE OF`` the document only)."""
    document = (
        OutgoingDocument.objects.filter(outgoing_visibility_q(actor), pk=document_id)
        .select_for_update(of=("self",)).select_related("agency").first()
    )
    if document is None:
        raise not_found()
    return document


def _forbidden(message: str) -> PermissionDeniedError:
    return PermissionDeniedError("forbidden", message)


def can_move(actor: Actor, document: OutgoingDocument, action: str) -> Refusal:
    """The state and the roles the life cycle gives ``action`` (``lifecycle.TRANSITIONS``). Moves with no roles are
    decided by the person (drafter, reviewer, signer): the rules below."""
    transition = TRANSITIONS[action]
    if document.state not in transition.sources:
        return ConflictError(
            "invalid_state",
            _("Không thể thực hiện thao tác này khi văn bản đi đang ở trạng thái “%(state)s”.")
            % {"state": S(document.state).label},
            {"state": document.state, "action": action},
        )
    if transition.roles and (actor.agency_id != document.agency_id or not actor.has_role(*transition.roles)):
        return _forbidden(_("Bạn không có quyền thực hiện thao tác này."))
    return None


def can_draft(actor: Actor) -> Refusal:
    if actor.agency is None or not actor.has_role(*DRAFTER_ROLES):
        return _forbidden(_("Bạn không có quyền soạn thảo văn bản đi."))
    return None


def can_handle_secret(actor: Actor, document: OutgoingDocument | None = None, *, secret: bool = False) -> Refusal:
    if (secret or (document is not None and document.is_secret)) and not actor.user.can_handle_secret:
        return PermissionDeniedError("forbidden_secret", _("Bạn không được giao xử lý văn bản mật."))
    return None


def _first(*refusals: Refusal) -> Refusal:
    return next((r for r in refusals if r is not None), None)


def is_drafter(actor: Actor, document: OutgoingDocument) -> Refusal:
    if document.drafter_id != actor.user.pk:
        return _forbidden(_("Chỉ người soạn thảo được thực hiện thao tác này."))
    return None


def can_new_version(actor: Actor, document: OutgoingDocument) -> Refusal:
    return _first(can_move(actor, document, "new_version"), is_drafter(actor, document))


def can_submit(actor: Actor, document: OutgoingDocument) -> Refusal:
    return _first(can_move(actor, document, "submit"), is_drafter(actor, document))


def can_resubmit(actor: Actor, document: OutgoingDocument) -> Refusal:
    return _first(can_move(actor, document, "resubmit"), is_drafter(actor, document))


def can_cancel(actor: Actor, document: OutgoingDocument) -> Refusal:
    """The drafter, or a leader of the agency, before the document is numbered."""
    refusal = can_move(actor, document, "cancel")
    leader = actor.agency_id == document.agency_id and actor.has_role(RoleCode.LEADER)
    if refusal is None and document.drafter_id != actor.user.pk and not leader:
        return _forbidden(_("Chỉ người soạn thảo hoặc lãnh đạo được hủy văn bản."))
    return refusal


def can_change_attachments(actor: Actor, document: OutgoingDocument) -> Refusal:
    is_clerk = actor.agency_id == document.agency_id and actor.has_role(RoleCode.CLERK)
    if document.drafter_id != actor.user.pk and not is_clerk:
        return _forbidden(_("Chỉ người soạn thảo hoặc văn thư được thay đổi tệp đính kèm."))
    if document.state not in ATTACHMENT_STATES:
        return ConflictError(
            "invalid_state",
            _("Không thể thay đổi tệp đính kèm khi văn bản đi đang ở trạng thái “%(state)s”.")
            % {"state": S(document.state).label},
            {"state": document.state},
        )
    return None


# --- Review ------------------------------------------------------------------------------------------------------


def review_current_steps(document: OutgoingDocument) -> list[ReviewStep]:
    """The open steps of the current stage of the review round (empty when the round is over): the stages run in
    order; the steps of one stage (a parallel group) are open together."""
    pending = document.review_steps.filter(round=document.review_round, state=ReviewState.PENDING)
    first = pending.order_by("stage").values_list("stage", flat=True).first()
    if first is None:
        return []
    return list(pending.filter(stage=first).order_by("order"))


def review_turn(actor: Actor, document: OutgoingDocument,
                open_steps: Sequence[ReviewStep] | None = None) -> ReviewStep | PermissionDeniedError:
    """The actor's open step of the current stage, or why they may not review now (not yet their stage, or not a
    reviewer of this round at all)."""
    steps = review_current_steps(document) if open_steps is None else open_steps
    mine = [s for s in steps if s.reviewer_id == actor.user.pk]
    if mine:
        return mine[0]
    later = document.review_steps.filter(
        round=document.review_round, state=ReviewState.PENDING, reviewer_id=actor.user.pk).exists()
    if later:
        return PermissionDeniedError("not_your_turn", _("Chưa đến lượt bạn xem xét văn bản này."))
    return _forbidden(_("Bạn không phải người xem xét văn bản này."))


def can_review(actor: Actor, document: OutgoingDocument, open_steps: Sequence[ReviewStep] | None = None) -> Refusal:
    """Approve or return with comments: a reviewer whose stage is open."""
    refusal = can_move(actor, document, "approve")
    if refusal is not None:
        return refusal
    turn = review_turn(actor, document, open_steps)
    return turn if isinstance(turn, ApplicationError) else None


# --- Signatures --------------------------------------------------------------------------------------------------


def _signers(document: OutgoingDocument, signers: Sequence[SignerSlot] | None) -> list[SignerSlot]:
    return list(signers) if signers is not None else document_signers(document)


def sign_turn(actor: Actor, document: OutgoingDocument,
              signers: Sequence[SignerSlot] | None = None) -> SignerSlot | ApplicationError:
    """The actor's signer slot when it is their turn to sign (co-signers in order, the main signer last), or why
    not: the state, not a signer, already signed, not yet their turn."""
    refusal = can_move(actor, document, "mark_signed")
    if refusal is not None:
        return refusal
    try:
        return signing_turn(actor=actor, signers=_signers(document, signers))
    except ApplicationError as exc:
        return exc


def can_sign(actor: Actor, document: OutgoingDocument, signers: Sequence[SignerSlot] | None = None) -> Refusal:
    turn = sign_turn(actor, document, signers)
    return turn if isinstance(turn, ApplicationError) else None


def is_signer(actor: Actor, slot: SignerSlot) -> bool:
    """A co-signer signs for the agency of their acting membership; the main signer for the drafting agency."""
    return slot.user_id == actor.user.pk and (slot.is_main or slot.agency.pk == actor.agency_id)


def can_signer_return(actor: Actor, document: OutgoingDocument,
                      signers: Sequence[SignerSlot] | None = None) -> Refusal:
    """A signer (main or co-signer) sends the draft back for changes instead of signing."""
    refusal = can_move(actor, document, "signer_return")
    if refusal is None and document.signer_id != actor.user.pk and not any(
            is_signer(actor, slot) for slot in _signers(document, signers)):
        return _forbidden(_("Chỉ người ký được trả lại dự thảo ở bước này."))
    return refusal


def can_sign_on_paper(actor: Actor, document: OutgoingDocument) -> Refusal:
    return can_move(actor, document, "mark_signed_on_paper")


# --- After signing -----------------------------------------------------------------------------------------------


def is_electronic(document: OutgoingDocument) -> bool:
    """Sent as an electronic original: not on paper, and never a secret document."""
    return document.channel == Channel.ELECTRONIC and not document.is_secret


def can_number(actor: Actor, document: OutgoingDocument) -> Refusal:
    return _first(can_move(actor, document, "number"), can_handle_secret(actor, document))


def can_seal(actor: Actor, document: OutgoingDocument) -> Refusal:
    refusal = can_move(actor, document, "mark_sealed")
    if refusal is None and not is_electronic(document):
        return ConflictError("signing.not_electronic", _("Văn bản giấy hoặc văn bản mật không ký số cơ quan."))
    return refusal


def can_issue(actor: Actor, document: OutgoingDocument) -> Refusal:
    """By a clerk of the agency; an electronic original only once the agency has signed it, a paper one once
    numbered."""
    if actor.agency_id != document.agency_id or not actor.has_role(RoleCode.CLERK):
        return _forbidden(_("Chỉ văn thư của cơ quan được phát hành văn bản."))
    refusal = can_move(actor, document, "issue")
    if refusal is None and is_electronic(document) and document.state != S.SEALED:
        return ConflictError("not_sealed", _("Văn bản điện tử phải được ký số cơ quan trước khi phát hành."),
                             {"state": document.state})
    return refusal


def can_void(actor: Actor, document: OutgoingDocument) -> Refusal:
    return can_move(actor, document, "void")


def can_recall(actor: Actor, document: OutgoingDocument) -> Refusal:
    return can_move(actor, document, "recall")


def replacement_exists(document: OutgoingDocument) -> bool:
    """A live replacement (neither cancelled nor voided) already points to this document (ND30 Điều 18)."""
    return OutgoingDocument.objects.filter(replaces=document).exclude(state__in=DEAD_STATES).exists()


def can_replace(actor: Actor, old: OutgoingDocument) -> Refusal:
    """Draft a replacement of an issued (or recalled) document: someone of the agency who may draft, once."""
    if actor.agency_id != old.agency_id or not actor.has_role(*DRAFTER_ROLES):
        return _forbidden(_("Chỉ văn thư, lãnh đạo hoặc người soạn thảo được gắn văn bản thay thế."))
    if old.state not in (S.ISSUED, S.RECALLED):
        return ConflictError("not_issued", _("Chỉ thay thế được văn bản đã phát hành của cơ quan."),
                             {"state": old.state})
    if replacement_exists(old):
        return ConflictError("already_replaced", _("Văn bản này đã có văn bản thay thế."))
    return None


def signers_for_page(document: OutgoingDocument) -> list[SignerSlot]:
    """The signers a document page needs: only while signatures are awaited."""
    return document_signers(document) if document.state == S.AWAITING_SIGNATURE else []
