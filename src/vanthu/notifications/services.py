"""Emit notifications inside the transaction of the change; deliver after commit.

Every notification is one row per (user, ``dedup_key``): an event that is emitted twice (a retried request, a
reminder scan that runs every 15 minutes) notifies each user once. The user's channel choices are copied onto the
row when it is created (``show_in_app``, ``wants_email``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from vanthu.core.audit import audit_record
from vanthu.notifications import delivery
from vanthu.notifications.enums import NotificationKind
from vanthu.notifications.models import Notification, NotificationPreference
from vanthu.notifications.selectors import notification_get_for_user, notification_unread_count
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotificationSpec:
    """One event to notify to a set of users."""

    kind: str
    user_ids: tuple[int, ...]
    dedup_key: str
    title: str
    body: str = ""
    url: str = ""
    incoming_id: int | None = None


def _build_rows(specs: Sequence[NotificationSpec]) -> list[Notification]:
    """The rows still to create: not notified before, and at least one channel on. Two queries."""
    user_ids = {uid for spec in specs for uid in spec.user_ids}
    keys = {spec.dedup_key[:200] for spec in specs}
    if not user_ids:
        return []
    prefs = {
        (p.user_id, p.kind): p for p in NotificationPreference.objects.filter(user_id__in=user_ids)
    }
    already = set(
        Notification.objects.filter(user_id__in=user_ids, dedup_key__in=keys).values_list("user_id", "dedup_key")
    )
    rows: list[Notification] = []
    seen: set[tuple[int, str]] = set()
    for spec in specs:
        key = spec.dedup_key[:200]
        for user_id in spec.user_ids:
            if (user_id, key) in already or (user_id, key) in seen:
                continue
            seen.add((user_id, key))
            pref = prefs.get((user_id, spec.kind))
            in_app = pref.in_app if pref is not None else True
            email = pref.email if pref is not None else True
            if not in_app and not email:
                continue
            rows.append(Notification(
                user_id=user_id, kind=spec.kind, title=spec.title[:300], body=spec.body, url=spec.url[:300],
                incoming_id=spec.incoming_id, dedup_key=key, show_in_app=in_app, wants_email=email,
            ))
    return rows


def _insert(rows: list[Notification]) -> list[Notification]:
    """One INSERT for all rows; if a concurrent emitter won a race on one key, fall back row by row."""
    if not rows:
        return []
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        created = []
        for row in rows:
            row.pk = None
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
                created.append(row)
            except IntegrityError:
                continue  # the other emitter got there first: still exactly one
        return created


def _emit(specs: Sequence[NotificationSpec]) -> list[Notification]:
    created = _insert(_build_rows(specs))
    if created:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: notifications_deliver(notification_ids=ids))
    return created


def notification_emit(
    *,
    kind: str,
    recipients: Iterable[User],
    dedup_key: str,
    title: str,
    body: str = "",
    incoming_id: int | None = None,
    url: str = "",
) -> list[Notification]:
    """Create one notification per recipient unless that (user, dedup_key) was already notified.

    A user who turned both channels off for ``kind`` gets no row; one who turned only in-app off gets a hidden
    row that is still e-mailed.
    """
    user_ids = tuple(sorted({u.pk for u in recipients if u is not None and u.is_active}))
    return _emit([NotificationSpec(
        kind=kind, user_ids=user_ids, dedup_key=dedup_key, title=title, body=body, url=url,
        incoming_id=incoming_id,
    )])


def notifications_emit_many(*, specs: Sequence[NotificationSpec]) -> list[Notification]:
    """Emit many events with a fixed number of queries (reminder scans). Inactive users are skipped."""
    wanted = {uid for spec in specs for uid in spec.user_ids}
    active = set(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True)) if wanted else set()
    return _emit([
        NotificationSpec(
            kind=s.kind, user_ids=tuple(u for u in s.user_ids if u in active), dedup_key=s.dedup_key,
            title=s.title, body=s.body, url=s.url, incoming_id=s.incoming_id,
        )
        for s in specs
    ])


def notifications_deliver(*, notification_ids: list[int]) -> None:
    """After commit: push to open browsers and queue e-mails. Never raises into the committed request."""
    try:
        delivery.deliver(notification_ids)
    except Exception:
        logger.exception("Notification delivery failed for %s", notification_ids)


def _push_unread_later(actor: Actor) -> None:
    user_id = actor.user.pk
    unread = notification_unread_count(actor=actor)
    transaction.on_commit(lambda: notifications_push_count(user_id=user_id, unread=unread))


def notifications_push_count(*, user_id: int, unread: int) -> None:
    """Keep the user's other open tabs in step after a read."""
    try:
        delivery.push(user_id=user_id, payload={"unread": unread})
    except Exception:
        logger.exception("Notification push failed for user %s", user_id)


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read. Someone else's is "not found"."""
    notification = notification_get_for_user(actor=actor, notification_id=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit_record(
            actor=actor.user, event_type="notification.read", target=notification, agency=actor.agency,
            data={"kind": notification.kind},
        )
        _push_unread_later(actor)
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    count = Notification.objects.filter(user_id=actor.user.pk, show_in_app=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        audit_record(
            actor=actor.user, event_type="notification.read_all", target=actor.user, agency=actor.agency,
            data={"count": count},
        )
        _push_unread_later(actor)
    return count


@dataclass(frozen=True)
class Channels:
    in_app: bool
    email: bool


@transaction.atomic
def notification_preferences_update(*, actor: Actor, choices: Mapping[str, Channels]) -> list[str]:
    """Store the actor's channel choices per kind; returns the kinds that changed.

    Unknown kinds are ignored. A choice equal to the default (both on) removes the stored row.
    """
    valid = {k.value for k in NotificationKind}
    stored = {
        p.kind: p for p in NotificationPreference.objects.select_for_update().filter(user_id=actor.user.pk)
    }
    changed: dict[str, dict[str, bool]] = {}
    for kind, channels in choices.items():
        if kind not in valid:
            continue
        pref = stored.get(kind)
        before = Channels(in_app=pref.in_app, email=pref.email) if pref is not None else Channels(True, True)
        if before == channels:
            continue
        if channels == Channels(True, True):
            NotificationPreference.objects.filter(user_id=actor.user.pk, kind=kind).delete()
        else:
            NotificationPreference.objects.update_or_create(
                user_id=actor.user.pk, kind=kind, defaults={"in_app": channels.in_app, "email": channels.email}
            )
        changed[kind] = {"in_app": channels.in_app, "email": channels.email}
    if changed:
        audit_record(
            actor=actor.user, event_type="notification.preferences_updated", target=actor.user,
            agency=actor.agency, data=changed,
        )
    return sorted(changed)
