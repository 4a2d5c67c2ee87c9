"""``{% notification_bell as bell %}``: the unread count and the latest notifications for the layout's bell."""

from __future__ import annotations

from typing import Any

from django import template

from vanthu.notifications.selectors import notification_latest_for_user, notification_unread_count
from vanthu.organizations.actor import Actor

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_bell(context: template.Context) -> dict[str, Any] | None:
    actor = context.get("actor")
    if not isinstance(actor, Actor):
        request = context.get("request")
        actor = getattr(request, "actor", None) if request is not None else None
    if not isinstance(actor, Actor) or not actor.user.is_authenticated:
        return None
    return {
        "unread": notification_unread_count(actor=actor),
        "latest": notification_latest_for_user(actor=actor),
    }
