from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vanthu.organizations.actor import Actor
from vanthu.organizations.views.base import agency_admin_view


@agency_admin_view
def index(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "organizations/index.html", {"agency": actor.agency})
