"""The outgoing-document list: the boxes (what waits for me: ``outgoing_box_q``), state and type filters, search,
paging.

Search filters the subject and the ký hiệu with ``icontains``: outgoing documents are not in the full-text index.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from vanthu.core.paging import capped_page
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.documents.outgoing.selectors import outgoing_box_q, outgoing_list_for_user
from vanthu.organizations.actor import Actor
from vanthu.organizations.guards import actor_required
from vanthu.web.forms.outgoing import OutgoingFilterForm
from vanthu.web.views.outgoing_common import STATE_CLASSES, visible_filter_q

PAGE_SIZE = 25
def with_state_css(documents: Any) -> list[OutgoingDocument]:
    """The rows as a list, each with the badge colour of its state."""
    rows = list(documents)
    for document in rows:
        document.state_css = STATE_CLASSES.get(document.state, "secondary")
    return rows


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
