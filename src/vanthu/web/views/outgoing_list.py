"""The outgoing-document list: the boxes (what waits for me), state and type filters, search, paging.

Search filters the subject and the ký hiệu with ``icontains``: outgoing documents are not in the full-text index.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from vanthu.core.paging import capped_page
from vanthu.documents.enums import Channel
from vanthu.documents.outgoing.enums import OutgoingState as S
from vanthu.documents.outgoing.enums import ReviewState
from vanthu.documents.outgoing.models import OutgoingCoSigner, OutgoingDocument, ReviewStep
from vanthu.documents.outgoing.selectors import outgoing_list_for_user, outgoing_visibility_q
from vanthu.organizations.actor import Actor
from vanthu.organizations.guards import actor_required
from vanthu.web.forms.outgoing import OutgoingFilterForm
from vanthu.web.views.outgoing_common import STATE_CLASSES, visible_filter_q

PAGE_SIZE = 25
DRAFT_STATES = (S.DRAFTING, S.IN_REVIEW, S.CHANGES_REQUESTED, S.AWAITING_SIGNATURE)


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
    return Q(state=S.IN_REVIEW) & Q(Exists(mine))


def _my_turn_to_sign(actor: Actor) -> Q:
    """Awaiting signatures and mine next: the first co-signer who has not signed, or the main signer once every
    co-signer has (outgoing/signers.py)."""
    unsigned = OutgoingCoSigner.objects.filter(document_id=OuterRef("pk"), signed_at__isnull=True)
    earlier = OutgoingCoSigner.objects.filter(document_id=OuterRef("document_id"), signed_at__isnull=True,
                                              order__lt=OuterRef("order"))
    mine = unsigned.filter(user_id=actor.user.pk, agency_id=actor.agency_id or 0).exclude(Exists(earlier))
    main = Q(signer_id=actor.user.pk) & ~Exists(unsigned)
    return Q(state=S.AWAITING_SIGNATURE) & (main | Exists(mine))


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
        return Q(state=S.SIGNED) if actor.is_clerk else Q(pk__in=[])
    if box == "to_seal":
        electronic = Q(state=S.NUMBERED, channel=Channel.ELECTRONIC, confidentiality=0)
        return electronic if actor.is_clerk else Q(pk__in=[])
    if box == "issued":
        return Q(state=S.ISSUED)
    return Q()


def with_state_css(documents: Any) -> list[OutgoingDocument]:
    """The rows as a list, each with the badge colour of its state."""
    rows = list(documents)
    for document in rows:
        document.state_css = STATE_CLASSES.get(document.state, "secondary")
    return rows


COUNTED_BOXES = ("to_review", "to_sign", "to_number", "to_seal")


def outgoing_counters(*, actor: Actor) -> dict[str, int]:
    """The home page's outgoing counters, in one query."""
    counts = OutgoingDocument.objects.filter(outgoing_visibility_q(actor)).aggregate(
        **{box: Count("pk", filter=outgoing_box_q(actor, box)) for box in COUNTED_BOXES}
    )
    return {box: int(counts[box] or 0) for box in COUNTED_BOXES}


def outgoing_documents(actor: Actor, filters: dict[str, Any]) -> QuerySet[OutgoingDocument]:
    rows = outgoing_list_for_user(actor=actor, state=filters["state"] or None).filter(
        outgoing_box_q(actor, filters["box"])
    )
    if filters["document_type_id"]:
        rows = rows.filter(document_type_id=filters["document_type_id"])
    if filters["q"]:
        rows = rows.filter(visible_filter_q(filters["q"]))
    return rows


@actor_required
def outgoing_list_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = OutgoingFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {"box": "", "state": "", "document_type_id": None, "q": ""}
    page = capped_page(outgoing_documents(actor, filters), PAGE_SIZE, request.GET.get("page"))
    page.object_list = with_state_css(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    tabs = query.copy()
    tabs.pop("box", None)
    context = {"form": form, "page": page, "filters": filters, "query_string": query.urlencode(),
               "tab_query": tabs.urlencode(), "boxes": form.fields["box"].choices}  # type: ignore[attr-defined]
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "web/outgoing/_list_results.html" if partial else "web/outgoing/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
