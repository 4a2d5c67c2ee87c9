"""The view guard every signed-in page uses: who is acting."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from vanthu.organizations.actor import Actor
from vanthu.organizations.otp import refuse_half_authenticated

P = ParamSpec("P")

ActorView = Callable[Concatenate[HttpRequest, Actor, P], HttpResponseBase]


def actor_required(view: ActorView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Anonymous users go to the login page; a user with a TOTP device must have passed the second step."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        refused = refuse_half_authenticated(request)
        if refused is not None:
            return refused
        actor = cast(Actor, getattr(request, "actor", None))
        return view(request, actor, *args, **kwargs)

    return cast(Callable[Concatenate[HttpRequest, P], HttpResponseBase], wrapper)
