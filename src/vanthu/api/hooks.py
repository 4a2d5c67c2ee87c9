"""What the API hangs on registries: a password reset revokes the person's tokens (ADR 0008). Called from
``ApiConfig.ready()``."""

from __future__ import annotations

from django.utils import timezone

from vanthu.api.models import ApiToken
from vanthu.core.audit import audit_record
from vanthu.organizations.effects import PasswordReset, password_reset


def tokens_revoke_on_reset(change: PasswordReset) -> None:
    """A new password set by an administrator ends every API token of the person: a token leaked with the old
    password must not outlive it. The revoked ids go to the audit log."""
    revoked = sorted(ApiToken.objects.filter(user=change.user, revoked_at__isnull=True).values_list("pk", flat=True))
    if not revoked:
        return
    ApiToken.objects.filter(pk__in=revoked).update(revoked_at=timezone.now())
    audit_record(actor=change.actor.user, event_type="api_token.revoked", target=change.user, agency=change.agency,
                 data={"tokens": revoked, "reason": "password_reset"})


def register() -> None:
    password_reset.register("api.tokens_revoke", tokens_revoke_on_reset)
