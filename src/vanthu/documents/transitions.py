"""The incoming-document life cycle as data (docs/domain/incoming.md). One place checks every move."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.errors import ConflictError, PermissionDeniedError
from vanthu.documents.effects import IncomingChange, incoming_changed
from vanthu.documents.enums import IncomingState as S
from vanthu.documents.models import IncomingDocument
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode as R


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the state does not change (an event on the document)
    roles: frozenset[str]  # empty: checked by the caller (handlers act through their assignment)
    status_code: str | None = None  # the QCVN 102 status this move reports to a sender


def _t(action: str, sources: set[str], target: str | None, roles: set[str], status: str | None = None) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), status)


OPEN = {S.REGISTERED, S.PRESENTED, S.ASSIGNED, S.IN_PROGRESS}

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("register", {S.ARRIVED}, S.REGISTERED, {R.CLERK}, "03"),
        _t("return", {S.ARRIVED}, S.RETURNED, {R.CLERK}, "02"),
        _t("present", {S.REGISTERED, S.PRESENTED}, S.PRESENTED, {R.CLERK, R.LEADER}),
        _t("direct", {S.PRESENTED, S.REGISTERED}, S.ASSIGNED, {R.LEADER}, "04"),
        _t("redirect", {S.ASSIGNED, S.IN_PROGRESS}, None, {R.LEADER}, "04"),
        _t("close_for_information", {S.PRESENTED, S.REGISTERED}, S.COMPLETED, {R.LEADER}, "06"),
        _t("start", {S.ASSIGNED}, S.IN_PROGRESS, set(), "05"),
        _t("handle", {S.ASSIGNED, S.IN_PROGRESS}, None, set()),
        _t("read", {S.ASSIGNED, S.IN_PROGRESS, S.COMPLETED}, None, set()),
        _t("complete", {S.ASSIGNED, S.IN_PROGRESS}, S.COMPLETED, set(), "06"),
        _t("reopen", {S.COMPLETED}, S.IN_PROGRESS, {R.LEADER}, "05"),
        _t("edit", {S.ARRIVED, *OPEN}, None, {R.CLERK}),
        _t("share", {S.ARRIVED, *OPEN, S.COMPLETED}, None, {R.CLERK, R.LEADER}),
    ]
}


def transition_check(*, document: IncomingDocument, action: str, actor: Actor) -> Transition:
    """Refuse a move the state or the actor's roles do not allow. Call with the document row locked."""
    transition = TRANSITIONS[action]
    if document.state not in transition.sources:
        raise ConflictError(
            "invalid_state",
            _("Không thể thực hiện thao tác này khi văn bản đang ở trạng thái “%(state)s”.")
            % {"state": S(document.state).label},
            {"state": document.state, "action": action},
        )
    if transition.roles and (actor.agency_id != document.agency_id or not actor.has_role(*transition.roles)):
        raise PermissionDeniedError("forbidden", _("Bạn không có quyền thực hiện thao tác này."))
    return transition


def transition_apply(
    *,
    document: IncomingDocument,
    transition: Transition,
    actor: Actor,
    event_type: str,
    data: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> None:
    """Move the document, save the changed fields, write the timeline/audit event and run the effects of the
    change (``documents.effects.incoming_changed``: statistics, search, the status report to the sender) in one
    go, in the caller's transaction."""
    old_state = document.state
    changed = dict(fields or {})
    if transition.target is not None:
        changed["state"] = transition.target
    previous = {name: getattr(document, name) for name in changed}
    for name, value in changed.items():
        setattr(document, name, value)
    if changed:
        document.save(update_fields=[*changed.keys(), "updated_at"])
    payload = {"from": old_state, "to": document.state, **(data or {})}
    if transition.status_code:
        payload["status_code"] = transition.status_code
    audit_record(actor=actor.user, event_type=event_type, target=document, agency=document.agency, data=payload)
    incoming_changed.run(IncomingChange(document=document, event_type=event_type, actor=actor, previous=previous,
                                        status_code=transition.status_code, data=payload))


def lock_document(document_id: int) -> IncomingDocument:
    return IncomingDocument.objects.select_for_update(of=("self",)).select_related("agency").get(pk=document_id)
