"""Emit notifications inside the transaction of the change; deliver after commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from vanthu.documents.models import IncomingDocument
from vanthu.notifications.models import Notification, NotificationPreference
from vanthu.organizations.models import User


def notification_emit(
    *,
    kind: str,
    recipients: Iterable[User],
    dedup_key: str,
    title: str,
    body: str = "",
    incoming: IncomingDocument | None = None,
    url: str = "",
) -> list[Notification]:
    """Create one notification per recipient unless that (user, dedup_key) was already notified."""
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not users:
        return []
    prefs = {
        p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=users.keys(), kind=kind)
    }
    already = set(
        Notification.objects.filter(user_id__in=users.keys(), dedup_key=dedup_key).values_list("user_id", flat=True)
    )
    created: list[Notification] = []
    for user_id, _user in users.items():
        pref = prefs.get(user_id)
        if user_id in already or (pref is not None and not pref.in_app and not pref.email):
            continue
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        user_id=user_id, kind=kind, title=title[:300], body=body, url=url,
                        incoming=incoming, dedup_key=dedup_key[:200],
                        read_at=None,
                    )
                )
        except IntegrityError:
            continue  # a concurrent emitter got there first: still exactly one
    if created:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: notifications_deliver(notification_ids=ids))
    return created


def notifications_deliver(*, notification_ids: list[int]) -> None:
    """After commit: push to open browsers and queue e-mails. Filled in by the delivery module."""
    from vanthu.notifications import delivery

    delivery.deliver(notification_ids)
