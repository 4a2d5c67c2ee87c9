"""Reads of outgoing documents: who may see one, the permission-checked getter and the list."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from vanthu.core.errors import NotFoundError
from vanthu.documents.outgoing.models import OutgoingDocument, ReviewStep
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode


def outgoing_visibility_q(actor: Actor) -> Q:
    """Rows the actor may read: the drafter, reviewers and signer; clerks and leaders of the agency.

    Nothing outside the acting membership's agency. Clerks and leaders see secret documents only when cleared for
    secrets; the people working on a document always see it.
    """
    if actor.membership is None or actor.agency_id is None:
        return Q(pk__in=[])
    user_id = actor.user.pk
    reviewer = Exists(ReviewStep.objects.filter(document_id=OuterRef("pk"), reviewer_id=user_id))
    participant = Q(drafter_id=user_id) | Q(signer_id=user_id) | reviewer
    scope: Q = Q(participant)
    if actor.has_role(RoleCode.CLERK, RoleCode.LEADER):
        office = Q(pk__isnull=False) if actor.user.can_handle_secret else Q(confidentiality=0)
        scope = scope | office
    return Q(agency_id=actor.agency_id) & scope


def outgoing_get_for_user(*, actor: Actor, document_id: int) -> OutgoingDocument:
    """One outgoing document; the same not-found error for "missing" and "not yours"."""
    document = (
        OutgoingDocument.objects.filter(outgoing_visibility_q(actor), pk=document_id)
        .select_related("agency", "document_type", "drafter", "drafting_unit", "signer", "register")
        .first()
    )
    if document is None:
        raise NotFoundError("not_found", _("Không tìm thấy văn bản đi."))
    return document


def outgoing_list_for_user(*, actor: Actor, state: str | None = None) -> QuerySet[OutgoingDocument]:
    qs = OutgoingDocument.objects.filter(outgoing_visibility_q(actor)).select_related(
        "document_type", "drafter", "signer"
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")
