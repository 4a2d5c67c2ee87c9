"""What the outgoing screens share: the permission-checked getter, which actions to show, and the choices.

The action flags only hide what the services would refuse; every service checks the state and the person again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from vanthu.core.errors import NotFoundError
from vanthu.documents.outgoing.distribution import ExternalRecipient
from vanthu.documents.outgoing.enums import OutgoingState as S
from vanthu.documents.outgoing.models import OutgoingDocument, ReviewStep
from vanthu.documents.outgoing.permissions import (
    can_cancel,
    can_change_attachments,
    can_issue,
    can_new_version,
    can_number,
    can_recall,
    can_replace,
    can_resubmit,
    can_review,
    can_seal,
    can_sign,
    can_sign_on_paper,
    can_signer_return,
    can_submit,
    can_void,
    signers_for_page,
)
from vanthu.documents.outgoing.selectors import outgoing_get_for_user
from vanthu.documents.outgoing.signers import OTHER_AGENCY_ROLES, SignerSlot
from vanthu.exchange.client import hub_configured
from vanthu.exchange.models import ExternalAgency
from vanthu.exchange.selectors import external_agencies_list
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode
from vanthu.organizations.models import Agency, Membership, Unit
from vanthu.signing.selectors import key_devices_for

Choice = tuple[int, str]

SIGNER_ROLES = (RoleCode.LEADER, RoleCode.UNIT_LEADER)
ChoiceGroup = tuple[str, list[tuple[str, str]]]

# Badge colours of the QCVN 102 status codes a recipient reports back (labels: ``delivery_status_label``).
STATUS_CLASSES: dict[str, str] = {
    "01": "info", "02": "danger", "03": "primary", "04": "primary", "05": "primary", "06": "success",
    "13": "dark", "15": "dark", "16": "warning",
}

STATE_CLASSES: dict[str, str] = {
    S.DRAFTING: "secondary", S.IN_REVIEW: "info", S.CHANGES_REQUESTED: "warning", S.AWAITING_SIGNATURE: "warning",
    S.SIGNED: "primary", S.NUMBERED: "primary", S.SEALED: "primary", S.ISSUED: "success", S.RECALLED: "dark",
    S.CANCELLED: "secondary", S.VOIDED: "dark",
}

EVENT_LABELS = {
    "outgoing.created": _("Tạo dự thảo"),
    "outgoing.new_version": _("Cập nhật phiên bản dự thảo"),
    "outgoing.submit": _("Trình xem xét"),
    "outgoing.approve": _("Đồng ý dự thảo"),
    "outgoing.return": _("Trả lại dự thảo"),
    "outgoing.resubmit": _("Trình lại sau chỉnh sửa"),
    "outgoing.signer_return": _("Người ký trả lại dự thảo"),
    "outgoing.cancel": _("Hủy dự thảo"),
    "outgoing.cosign": _("Người ký cùng ký số"),
    "outgoing.mark_signed": _("Ký số cá nhân"),
    "outgoing.mark_signed_on_paper": _("Ký tay trên giấy, tải bản quét"),
    "outgoing.number": _("Cấp số, ngày ban hành"),
    "outgoing.mark_sealed": _("Ký số cơ quan"),
    "outgoing.void": _("Hủy số"),
    "outgoing.issue": _("Ban hành"),
    "outgoing.recall": _("Thu hồi"),
    "outgoing.link_replacement": _("Gắn là văn bản thay thế"),
    "outgoing.replaced": _("Đã được thay thế bằng văn bản mới"),
    "outgoing.attachment_added": _("Thêm phụ lục, tệp đính kèm"),
    "outgoing.attachment_removed": _("Gỡ phụ lục, tệp đính kèm"),
    "outgoing.delivery_status": _("Nơi nhận báo trạng thái"),
    "signing.personal_signed": _("Chứng thư số dùng để ký cá nhân"),
    "signing.agency_signed": _("Chứng thư số dùng để ký cơ quan"),
}
# Only the issuing side learns what the recipients reported (outgoing_delivery_list_for_user).
SENDER_ONLY_EVENTS = frozenset({"outgoing.delivery_status"})
OUTGOING_TARGET = "documents.outgoingdocument"


def event_label(event_type: str) -> str:
    return str(EVENT_LABELS.get(event_type, event_type))


def outgoing_or_404(actor: Actor, pk: int) -> OutgoingDocument:
    """The outgoing document through the permission-checked getter; "missing" and "not yours" are both 404."""
    try:
        return outgoing_get_for_user(actor=actor, document_id=pk)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc


@dataclass(frozen=True)
class OutgoingActions:
    """Which action forms the document page shows to this actor."""

    new_version: bool = False
    attachments: bool = False
    submit: bool = False
    review: bool = False
    resubmit: bool = False
    sign: bool = False
    signer_return: bool = False
    sign_on_paper: bool = False
    number: bool = False
    seal: bool = False
    issue: bool = False
    void: bool = False
    recall: bool = False
    replace: bool = False
    cancel: bool = False

    @property
    def any(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


def _ok(refusal: object) -> bool:
    return refusal is None


def outgoing_actions(*, actor: Actor, document: OutgoingDocument, open_steps: list[ReviewStep],
                     signers: list[SignerSlot] | None = None) -> OutgoingActions:
    """The rules of ``documents.outgoing.permissions``, asked once per action: a form shows only what its service
    allows. ``open_steps``: the open review steps of the current stage (``review_current_steps``); ``signers``: the
    document's signers in order (read here when not given)."""
    if signers is None:
        signers = signers_for_page(document)
    return OutgoingActions(
        new_version=_ok(can_new_version(actor, document)),
        attachments=_ok(can_change_attachments(actor, document)),
        submit=_ok(can_submit(actor, document)),
        review=document.state == S.IN_REVIEW and _ok(can_review(actor, document, open_steps)),
        resubmit=_ok(can_resubmit(actor, document)),
        sign=document.state == S.AWAITING_SIGNATURE and _ok(can_sign(actor, document, signers)),
        signer_return=_ok(can_signer_return(actor, document, signers)),
        sign_on_paper=_ok(can_sign_on_paper(actor, document)),
        number=_ok(can_number(actor, document)),
        seal=_ok(can_seal(actor, document)),
        issue=_ok(can_issue(actor, document)),
        void=_ok(can_void(actor, document)),
        recall=_ok(can_recall(actor, document)),
        replace=_ok(can_replace(actor, document)),
        cancel=_ok(can_cancel(actor, document)),
    )


def _members(actor: Actor, roles: tuple[str, ...] = ()) -> list[Choice]:
    if actor.agency_id is None:
        return []
    rows = Membership.objects.filter(agency_id=actor.agency_id, is_active=True, user__is_active=True)
    if roles:
        rows = rows.filter(roles__code__in=roles)
    seen: dict[int, str] = {}
    for user_id, full_name, username, unit in rows.order_by("user__full_name", "id").values_list(
        "user_id", "user__full_name", "user__username", "unit__name"
    ):
        seen.setdefault(user_id, (full_name or username) + (f" — {unit}" if unit else ""))
    return list(seen.items())


def signer_choices(actor: Actor) -> list[Choice]:
    """The agency's leaders and unit leaders: the people who may sign (ND30 Điều 13)."""
    return _members(actor, SIGNER_ROLES)


def cosigner_choices(actor: Actor) -> list[ChoiceGroup]:
    """Who may co-sign, grouped by agency: the leaders and unit leaders of the actor's agency first, then the leaders
    of the other active agencies of the deployment (joint documents). Values are "<agency id>:<user id>"."""
    if actor.agency_id is None:
        return []
    rows = (Membership.objects.filter(is_active=True, user__is_active=True, agency__is_active=True)
            .filter(Q(agency_id=actor.agency_id, roles__code__in=SIGNER_ROLES)
                    | (~Q(agency_id=actor.agency_id) & Q(roles__code__in=OTHER_AGENCY_ROLES)))
            .order_by("agency__name", "user__full_name", "id")
            .values_list("agency_id", "agency__name", "user_id", "user__full_name", "user__username"))
    groups: dict[int, tuple[str, dict[str, str]]] = {}
    for agency_id, agency_name, user_id, full_name, username in rows:
        group = groups.setdefault(agency_id, (agency_name, {}))
        group[1].setdefault(f"{agency_id}:{user_id}", full_name or username)
    own = groups.pop(actor.agency_id, None)
    ordered = ([own] if own else []) + list(groups.values())
    return [(name, list(members.items())) for name, members in ordered]


def reviewer_choices(actor: Actor) -> list[Choice]:
    return _members(actor)


def agency_choices(actor: Actor) -> list[Choice]:
    """Other active agencies of the deployment, the recipients a document can be sent to."""
    rows = Agency.objects.filter(is_active=True).exclude(pk=actor.agency_id or 0).order_by("name")
    return [(pk, name) for pk, name in rows.values_list("pk", "name")]


def external_choices() -> list[tuple[str, str]] | None:
    """The directory of agencies on the hub ("Chọn nơi nhận liên thông"); None when no hub is connected."""
    if not hub_configured():
        return None
    rows = external_agencies_list().values_list("organ_id", "name")
    return [(code, f"{name} ({code})") for code, name in rows]


def external_recipients(codes: list[str]) -> list[ExternalRecipient]:
    """The chosen directory entries as recipients (the name as the directory knows it)."""
    names = dict(ExternalAgency.objects.filter(organ_id__in=codes).values_list("organ_id", "name"))
    return [ExternalRecipient(code, names.get(code, code)) for code in codes]


def unit_choices(actor: Actor) -> list[Choice]:
    rows = Unit.objects.filter(agency_id=actor.agency_id or 0, is_active=True).order_by("name")
    return [(pk, name) for pk, name in rows.values_list("pk", "name")]


def key_device_choices(actor: Actor, kind: str) -> list[Choice]:
    """The key devices the actor may sign with: their own (personal) or their agency's (organisation, clerks)."""
    choices: list[Choice] = []
    for device in key_devices_for(actor=actor, kind=kind):
        certificate = device.certificate
        label = device.label or certificate.subject
        choices.append((device.pk, f"{label} ({_('hiệu lực đến')} {certificate.not_after:%d/%m/%Y})"))
    return choices


def visible_filter_q(q: str) -> Q:
    """The list's search box: the subject or the ký hiệu contains the text (outgoing is not in the search index)."""
    return Q(subject__icontains=q) | Q(code_notation__icontains=q) | Q(code_number=q)
