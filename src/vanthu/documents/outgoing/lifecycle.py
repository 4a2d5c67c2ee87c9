"""The outgoing-document life cycle as data (docs/domain/outgoing.md): the moves, from which states, to which state,
by which roles. Read by the permission rules (``permissions``), applied by ``transitions``."""

from __future__ import annotations

from dataclasses import dataclass

from vanthu.documents.outgoing.enums import OutgoingState as S
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
