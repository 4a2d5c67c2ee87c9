"""The incoming-document life cycle as data (docs/domain/incoming.md#states): the moves, from which states, to which
state, by which roles, and the QCVN 102 status each move reports to the sender. Read by the permission rules
(``permissions``), applied by ``transitions``."""

from __future__ import annotations

from dataclasses import dataclass

from vanthu.documents.enums import IncomingState as S
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
