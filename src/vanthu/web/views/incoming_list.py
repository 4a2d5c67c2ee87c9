"""The incoming-document list: filters, full-text search, paging."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from vanthu.core.paging import capped_page
from vanthu.documents.models import IncomingDocument
from vanthu.documents.selectors import IncomingFilters, incoming_list_for_user
from vanthu.organizations.actor import Actor
from vanthu.organizations.guards import actor_required
from vanthu.search.selectors import incoming_search
from vanthu.web.forms.incoming import IncomingFilterForm
from vanthu.web.selectors import handler_choices

PAGE_SIZE = 25


def incoming_documents(actor: Actor, filters: IncomingFilters) -> QuerySet[IncomingDocument]:
    if filters.query:
        return incoming_search(actor=actor, query=filters.query, filters=filters)
    return incoming_list_for_user(actor=actor, filters=filters)


@actor_required
def incoming_list_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = IncomingFilterForm(request.GET or None, handlers=handler_choices(actor=actor))
    filters = form.to_filters() if request.GET else IncomingFilters()
    page = capped_page(incoming_documents(actor, filters), PAGE_SIZE, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "filters": filters, "query_string": query.urlencode()}
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "web/incoming/_list_results.html" if partial else "web/incoming/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
