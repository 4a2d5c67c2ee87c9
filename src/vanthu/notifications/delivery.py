"""Delivery after commit: a push to the user's open browsers (Channels group) and an e-mail task.

Both run after the transaction that created the notifications has committed, so a browser never sees a row
that was rolled back. The e-mail task re-checks everything under a row lock; enqueueing it twice is harmless.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db.models import Count, Q

from vanthu.notifications.models import Notification
from vanthu.notifications.tasks import send_notification_email

logger = logging.getLogger(__name__)

PUSH_MESSAGE_TYPE = "notification.push"


def user_group(user_id: int) -> str:
    """The Channels group of one user's open tabs (every device, every process with the Redis layer)."""
    return f"user-{user_id}"


def push(*, user_id: int, payload: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(user_group(user_id), {"type": PUSH_MESSAGE_TYPE, **payload})


def _push_all(notifications: list[Notification]) -> None:
    visible = [n for n in notifications if n.show_in_app]
    if not visible:
        return
    user_ids = {n.user_id for n in visible}
    unread = dict(
        Notification.objects.filter(user_id__in=user_ids)
        .values_list("user_id")
        .annotate(n=Count("id", filter=Q(show_in_app=True, read_at__isnull=True)))
    )
    latest: dict[int, Notification] = {}
    for n in visible:
        if n.user_id not in latest or n.pk > latest[n.user_id].pk:
            latest[n.user_id] = n
    for user_id, n in latest.items():
        try:
            push(user_id=user_id, payload={
                "unread": unread.get(user_id, 0), "id": n.pk, "title": n.title, "url": n.url, "kind": n.kind,
            })
        except Exception:
            # A down Redis must not stop the e-mails nor the other users' pushes; the bell polls as a fallback.
            logger.exception("Live push to user %s failed", user_id)


def _enqueue_emails(notifications: list[Notification]) -> None:
    for n in notifications:
        if n.wants_email and n.emailed_at is None and n.user.email:
            send_notification_email.enqueue(n.pk)


def deliver(notification_ids: list[int]) -> None:
    """Push and e-mail delivery (live bell, SMTP) for freshly committed notifications."""
    notifications = list(Notification.objects.filter(pk__in=notification_ids).select_related("user"))
    _push_all(notifications)
    _enqueue_emails(notifications)
