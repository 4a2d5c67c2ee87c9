"""Reads of notifications. A notification belongs to one user; nobody else ever reads it (docs/architecture.md, house
rule 2)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from vanthu.core.errors import NotFoundError
from vanthu.notifications.enums import NotificationKind
from vanthu.notifications.models import Notification, NotificationPreference
from vanthu.organizations.actor import Actor

BELL_LATEST = 10


def notification_list_for_user(*, actor: Actor) -> QuerySet[Notification]:
    """The actor's in-app notifications, newest first. Rows the user muted in-app are never listed."""
    return Notification.objects.filter(user_id=actor.user.pk, show_in_app=True).order_by("-created_at", "-id")


def notification_get_for_user(*, actor: Actor, notification_id: int) -> Notification:
    """The same not-found error for "missing", "hidden" and "someone else's"."""
    notification = notification_list_for_user(actor=actor).filter(pk=notification_id).first()
    if notification is None:
        raise NotFoundError("not_found", _("Không tìm thấy thông báo."))
    return notification


def notification_unread_count(*, actor: Actor) -> int:
    return notification_list_for_user(actor=actor).filter(read_at__isnull=True).count()


def notification_latest_for_user(*, actor: Actor, limit: int = BELL_LATEST) -> list[Notification]:
    return list(notification_list_for_user(actor=actor)[:limit])


@dataclass(frozen=True)
class ChannelChoice:
    """The channels one user wants for one kind of notification."""

    kind: str
    label: str
    in_app: bool = True
    email: bool = True


def notification_preferences_for_user(*, actor: Actor) -> list[ChannelChoice]:
    """Every kind with the user's choice; a kind without a stored row has both channels on."""
    stored = {p.kind: p for p in NotificationPreference.objects.filter(user_id=actor.user.pk)}
    choices = []
    for kind in NotificationKind:
        pref = stored.get(kind.value)
        choices.append(ChannelChoice(
            kind=kind.value, label=str(kind.label),
            in_app=pref.in_app if pref is not None else True,
            email=pref.email if pref is not None else True,
        ))
    return choices
