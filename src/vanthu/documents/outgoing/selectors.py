"""Reads of outgoing documents: who may see one, the permission-checked getter and the list; deliveries."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from vanthu.core.errors import NotFoundError
from vanthu.documents.enums import Channel
from vanthu.documents.outgoing.enums import OutgoingState, ReviewState
from vanthu.documents.outgoing.models import (
    DeliveryKind,
    DeliveryStatusEvent,
    OutgoingCoSigner,
    OutgoingDelivery,
    OutgoingDocument,
    ReviewStep,
)
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode

# A unit that received an issued document keeps reading it after a recall (frozen, shown as recalled).
DELIVERED_STATES = (OutgoingState.ISSUED, OutgoingState.RECALLED)


def _cosigner_q(actor: Actor) -> Exists:
    """The actor co-signs the document for the agency of their acting membership."""
    return Exists(OutgoingCoSigner.objects.filter(document_id=OuterRef("pk"), user_id=actor.user.pk,
                                                  agency_id=actor.agency_id or 0))


def _sender_q(actor: Actor) -> Q:
    """The issuing side: the drafter, reviewers, signer and co-signers; clerks and leaders of the agency."""
    user_id = actor.user.pk
    reviewer = Exists(ReviewStep.objects.filter(document_id=OuterRef("pk"), reviewer_id=user_id))
    participant = Q(drafter_id=user_id) | Q(signer_id=user_id) | reviewer | _cosigner_q(actor)
    scope: Q = Q(participant)
    if actor.has_role(RoleCode.CLERK, RoleCode.LEADER):
        office = Q(pk__isnull=False) if actor.user.can_handle_secret else Q(confidentiality=0)
        scope = scope | office
    return Q(agency_id=actor.agency_id) & scope


def outgoing_visibility_q(actor: Actor) -> Q:
    """Rows the actor may read: the drafter, reviewers, signer and co-signers; clerks and leaders of the agency;
    once issued, the members of the units it was delivered to.

    Nothing outside the acting membership's agency, except a joint document (văn bản liên tịch) for the leader of
    another agency who co-signs it, acting for that agency. Clerks, leaders and unit members see secret documents
    only when cleared for secrets; the people working on a document always see it.
    """
    if actor.membership is None or actor.agency_id is None:
        return Q(pk__in=[])
    scope = _sender_q(actor) | Q(_cosigner_q(actor))
    if actor.unit_id is not None:
        delivered = Exists(OutgoingDelivery.objects.filter(
            document_id=OuterRef("pk"), kind=DeliveryKind.UNIT, unit_id=actor.unit_id))
        unit_scope = delivered & Q(agency_id=actor.agency_id, state__in=DELIVERED_STATES)
        if not actor.user.can_handle_secret:
            unit_scope &= Q(confidentiality=0)
        scope = scope | unit_scope
    return scope


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


def delivery_recipient_name(delivery: OutgoingDelivery) -> str:
    if delivery.unit_id is not None and delivery.unit is not None:
        return delivery.unit.name
    if delivery.agency_id is not None and delivery.agency is not None:
        return delivery.agency.name
    return delivery.external_name or delivery.external_organ_id


def outgoing_delivery_list_for_user(*, actor: Actor, document_id: int) -> list[OutgoingDelivery]:
    """The recipients of a document, each with its latest status and its full history (``events``, oldest first).

    Only the issuing side sees this: a unit the document was delivered to, and every recipient agency, get the
    same not-found as a stranger, so no recipient learns about the others.
    """
    if actor.membership is None or actor.agency_id is None or not (
        OutgoingDocument.objects.filter(_sender_q(actor), pk=document_id).exists()
    ):
        raise NotFoundError("not_found", _("Không tìm thấy văn bản đi."))
    events = DeliveryStatusEvent.objects.order_by("reported_at", "id")
    return list(
        OutgoingDelivery.objects.filter(document_id=document_id)
        .select_related("unit", "agency", "incoming")
        .prefetch_related(Prefetch("events", queryset=events))
        .order_by("kind", "id")
    )


def outgoing_delivery_summary(document: OutgoingDocument) -> dict[str, int]:
    """How many recipients are at each status ("" = no status: units, paper copies, not yet reported).

    ``document`` must come from a permission-checked read of the issuing side (``outgoing_get_for_user`` by a
    clerk or leader, or ``outgoing_delivery_list_for_user``).
    """
    rows = OutgoingDelivery.objects.filter(document=document).values("status_code").annotate(n=Count("id"))
    return {row["status_code"]: row["n"] for row in rows.order_by("status_code")}


def outgoing_replaced_by(document: OutgoingDocument) -> OutgoingDocument | None:
    """The issued document that replaces this one (ND30 Điều 18), if any; shown on the old document."""
    return (
        OutgoingDocument.objects.filter(replaces=document, state__in=DELIVERED_STATES)
        .order_by("issued_at", "id").first()
    )


# --- The "waiting for me" boxes: whose turn it is, as SQL (the Python rule is permissions.review_turn / sign_turn) --


DRAFT_STATES = (OutgoingState.DRAFTING, OutgoingState.IN_REVIEW, OutgoingState.CHANGES_REQUESTED,
                OutgoingState.AWAITING_SIGNATURE)


def _my_turn_to_review(actor: Actor) -> Q:
    """A pending step of mine in the current round with no pending step of an earlier stage before it."""
    earlier = ReviewStep.objects.filter(
        document_id=OuterRef("document_id"), round=OuterRef("round"), state=ReviewState.PENDING,
        stage__lt=OuterRef("stage"),
    )
    mine = ReviewStep.objects.filter(
        document_id=OuterRef("pk"), round=OuterRef("review_round"), reviewer_id=actor.user.pk,
        state=ReviewState.PENDING,
    ).exclude(Exists(earlier))
    return Q(state=OutgoingState.IN_REVIEW) & Q(Exists(mine))


def _my_turn_to_sign(actor: Actor) -> Q:
    """Awaiting signatures and mine next: the first co-signer who has not signed, or the main signer once every
    co-signer has (outgoing/signers.py)."""
    unsigned = OutgoingCoSigner.objects.filter(document_id=OuterRef("pk"), signed_at__isnull=True)
    earlier = OutgoingCoSigner.objects.filter(document_id=OuterRef("document_id"), signed_at__isnull=True,
                                              order__lt=OuterRef("order"))
    mine = unsigned.filter(user_id=actor.user.pk, agency_id=actor.agency_id or 0).exclude(Exists(earlier))
    main = Q(signer_id=actor.user.pk) & ~Exists(unsigned)
    return Q(state=OutgoingState.AWAITING_SIGNATURE) & (main | Exists(mine))


def outgoing_box_q(actor: Actor, box: str) -> Q:
    """The documents of one box of the list (inside what the actor may see)."""
    me = actor.user.pk
    if box == "mine":
        return Q(drafter_id=me, state__in=DRAFT_STATES)
    if box == "to_review":
        return _my_turn_to_review(actor)
    if box == "to_sign":
        return _my_turn_to_sign(actor)
    if box == "to_number":
        return Q(state=OutgoingState.SIGNED) if actor.is_clerk else Q(pk__in=[])
    if box == "to_seal":
        electronic = Q(state=OutgoingState.NUMBERED, channel=Channel.ELECTRONIC, confidentiality=0)
        return electronic if actor.is_clerk else Q(pk__in=[])
    if box == "issued":
        return Q(state=OutgoingState.ISSUED)
    return Q()


COUNTED_BOXES = ("to_review", "to_sign", "to_number", "to_seal")


def outgoing_counters(*, actor: Actor) -> dict[str, int]:
    """The home page's outgoing counters, in one query."""
    counts = OutgoingDocument.objects.filter(outgoing_visibility_q(actor)).aggregate(
        **{box: Count("pk", filter=outgoing_box_q(actor, box)) for box in COUNTED_BOXES}
    )
    return {box: int(counts[box] or 0) for box in COUNTED_BOXES}
