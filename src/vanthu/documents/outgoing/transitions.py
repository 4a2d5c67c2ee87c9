"""The outgoing-document life cycle as data (docs/domain/outgoing.md). One place checks every move."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.errors import ConflictError, PermissionDeniedError
from vanthu.documents.effects import OutgoingChange, outgoing_changed
from vanthu.documents.outgoing.enums import OutgoingState as S
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode as R


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the state does not change
    roles: frozenset[str]  # empty: the caller checks the person (drafter, reviewer, signer)


def _t(action: str, sources: set[str], target: str | None, roles: set[str]) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles))


BEFORE_NUMBER: set[str] = {S.DRAFTING, S.IN_REVIEW, S.CHANGES_REQUESTED, S.AWAITING_SIGNATURE}
BEFORE_ISSUE: set[str] = BEFORE_NUMBER | {S.SIGNED, S.NUMBERED, S.SEALED}

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("new_version", {S.DRAFTING, S.CHANGES_REQUESTED}, None, set()),
        _t("submit", {S.DRAFTING}, S.IN_REVIEW, set()),
        _t("approve", {S.IN_REVIEW}, None, set()),  # the last stage moves on to AWAITING_SIGNATURE
        _t("return", {S.IN_REVIEW}, S.CHANGES_REQUESTED, set()),
        _t("resubmit", {S.CHANGES_REQUESTED}, S.IN_REVIEW, set()),
        _t("signer_return", {S.AWAITING_SIGNATURE}, S.CHANGES_REQUESTED, set()),
        _t("cancel", BEFORE_NUMBER, S.CANCELLED, set()),
        _t("cosign", {S.AWAITING_SIGNATURE}, None, set()),  # a co-signer's signature; the main signer's comes last
        _t("mark_signed", {S.AWAITING_SIGNATURE}, S.SIGNED, set()),
        _t("mark_signed_on_paper", {S.AWAITING_SIGNATURE}, S.SIGNED, {R.CLERK}),
        _t("number", {S.SIGNED}, S.NUMBERED, {R.CLERK}),
        _t("mark_sealed", {S.NUMBERED}, S.SEALED, {R.CLERK}),
        _t("void", {S.NUMBERED, S.SEALED}, S.VOIDED, {R.CLERK}),
        # Paper documents may go out once numbered; electronic ones must be sealed (checked by outgoing_issue).
        _t("issue", {S.NUMBERED, S.SEALED}, S.ISSUED, {R.CLERK}),
        # ND30 Điều 18: the leader orders a recall, the clerk sends it; the recalled document is frozen.
        _t("recall", {S.ISSUED}, S.RECALLED, {R.CLERK, R.LEADER}),
        _t("link_replacement", BEFORE_ISSUE, None, set()),  # on the new document: it will replace an issued one
        _t("replaced", {S.ISSUED, S.RECALLED}, None, set()),  # on the old document, when its replacement is issued
    ]
}


def transition_check(*, document: OutgoingDocument, action: str, actor: Actor) -> Transition:
    """Refuse a move the state or the actor's roles do not allow. Call with the document row locked."""
    transition = TRANSITIONS[action]
    if document.state not in transition.sources:
        raise ConflictError(
            "invalid_state",
            _("Không thể thực hiện thao tác này khi văn bản đi đang ở trạng thái “%(state)s”.")
            % {"state": S(document.state).label},
            {"state": document.state, "action": action},
        )
    if transition.roles and (actor.agency_id != document.agency_id or not actor.has_role(*transition.roles)):
        raise PermissionDeniedError("forbidden", _("Bạn không có quyền thực hiện thao tác này."))
    return transition


def transition_apply(
    *,
    document: OutgoingDocument,
    transition: Transition,
    actor: Actor,
    data: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> None:
    """Move the document, save the changed fields, write the audit event ``outgoing.<action>`` and run the
    effects of the change (``documents.effects.outgoing_changed``) in one go, in the caller's transaction."""
    old_state = document.state
    changed = dict(fields or {})
    if transition.target is not None:
        changed["state"] = transition.target
    previous = {name: getattr(document, name) for name in changed}
    for name, value in changed.items():
        setattr(document, name, value)
    if changed:
        document.save(update_fields=[*changed.keys(), "updated_at"])
    audit_record(
        actor=actor.user, event_type=f"outgoing.{transition.action}", target=document, agency=document.agency,
        data={"from": old_state, "to": document.state, **(data or {})},
    )
    outgoing_changed.run(OutgoingChange(document=document, action=transition.action, actor=actor, previous=previous))


def lock_outgoing(document_id: int) -> OutgoingDocument:
    return OutgoingDocument.objects.select_for_update(of=("self",)).select_related("agency").get(pk=document_id)


def lock_outgoing_in_order(*ids: int) -> dict[int, OutgoingDocument]:
    """Lock several outgoing rows (a replacement and the document it replaces) always in id order, so two moves
    touching the same pair cannot deadlock."""
    return {pk: lock_outgoing(pk) for pk in sorted(set(ids))}
