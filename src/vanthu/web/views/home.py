"""The home page: the four counters of the incoming boxes and the latest work waiting for the actor."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vanthu.documents.outgoing.selectors import outgoing_counters
from vanthu.documents.selectors import IncomingFilters, incoming_counters_for_user, incoming_list_for_user
from vanthu.organizations.actor import Actor
from vanthu.organizations.guards import actor_required

LATEST = 10


@actor_required
def home_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    counters = incoming_counters_for_user(actor=actor)
    latest = list(incoming_list_for_user(actor=actor, filters=IncomingFilters(box="to_handle"))[:LATEST])
    return render(request, "web/home.html", {"counters": counters, "latest": latest,
                                             "outgoing": outgoing_counters(actor=actor)})
