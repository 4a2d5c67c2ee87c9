from __future__ import annotations

from django.conf import settings
from django.db import models

from vanthu.notifications.enums import NotificationKind


class Notification(models.Model):
    """One in-app notification. ``dedup_key`` makes an event notify each user at most once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    incoming = models.ForeignKey(
        "documents.IncomingDocument", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    dedup_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Channel choices are snapshotted when the row is created, so a later change of preferences never
    # resurrects a hidden row nor e-mails an old one.
    show_in_app = models.BooleanField(default=True)
    wants_email = models.BooleanField(default=True)
    email_failed_at = models.DateTimeField(null=True, blank=True)
    # Set by the worker that is sending the e-mail (outside any transaction); a claim older than the stale limit
    # in ``vanthu.notifications.emailing`` is taken to be a crashed worker's and may be claimed again.
    email_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "dedup_key"], name="notification_dedup")]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["user", "show_in_app", "-created_at"], name="notification_user_feed"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """Per user and kind: which channels to use. No row = defaults (in-app and e-mail on)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}"
