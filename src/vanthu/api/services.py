"""Writes on API tokens. A token is shown once; the database keeps only its SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.api.models import ApiToken
from vanthu.core.audit import audit_record
from vanthu.core.errors import ApplicationError, NotFoundError
from vanthu.organizations.actor import Actor

TOKEN_PREFIX = "vt_"  # noqa: S105 - a public marker, not a secret
PREFIX_LENGTH = 11  # "vt_" and 8 random characters: enough to tell tokens apart in a list
MAX_EXPIRY_DAYS = 3650


def token_hash(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Actor, name: str, expires_in_days: int | None) -> tuple[ApiToken, str]:
    """Create a token acting through the actor's current membership; returns it with the plain token."""
    if actor.membership is None:
        raise ApplicationError("no_membership", _("Tài khoản chưa thuộc cơ quan nào nên không tạo được token."))
    clean_name = name.strip()
    if not clean_name or len(clean_name) > 100:
        raise ApplicationError("invalid_input", _("Tên token phải có từ 1 đến 100 ký tự."), {"fields": {"name": ""}})
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ApplicationError(
            "invalid_input", _("Thời hạn token phải từ 1 đến %(max)s ngày.") % {"max": MAX_EXPIRY_DAYS},
            {"fields": {"expires_in_days": ""}},
        )
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken.objects.create(
        user=actor.user, membership=actor.membership, name=clean_name, key_hash=token_hash(plain),
        prefix=plain[:PREFIX_LENGTH], expires_at=expires_at,
    )
    audit_record(
        actor=actor.user, event_type="api_token.created", target=token, agency=actor.agency,
        data={"name": clean_name, "prefix": token.prefix, "membership": actor.membership.pk,
              "expires_at": expires_at.isoformat() if expires_at else None},
    )
    return token, plain


def api_token_list_for_user(*, actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own tokens; an agency administrator also sees the tokens acting in their agency."""
    scope = Q(user=actor.user)
    if actor.is_agency_admin and actor.agency_id is not None:
        scope |= Q(membership__agency_id=actor.agency_id)
    return ApiToken.objects.filter(scope).select_related("user", "membership__agency").order_by("-created_at")


@transaction.atomic
def api_token_revoke(*, actor: Actor, token_id: int) -> ApiToken:
    """Revoke a token at once; revoking twice is harmless and writes one audit event."""
    token = api_token_list_for_user(actor=actor).select_for_update(of=("self",)).filter(pk=token_id).first()
    if token is None:
        raise NotFoundError("not_found", _("Không tìm thấy token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor.user, event_type="api_token.revoked", target=token, agency=token.membership.agency,
            data={"name": token.name, "prefix": token.prefix, "owner": token.user.username},
        )
    return token
