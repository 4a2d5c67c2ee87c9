"""Writes owned by the web layer: the user's own second factor (TOTP). Audited like every other change."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from vanthu.core.audit import audit_record
from vanthu.core.errors import ApplicationError, NotFoundError
from vanthu.organizations.actor import Actor

DEVICE_NAME = "Vanthu"


def totp_device_confirmed(*, actor: Actor) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=actor.user, confirmed=True).order_by("id").first()


@transaction.atomic
def totp_device_start(*, actor: Actor) -> TOTPDevice:
    """The unconfirmed device the user is setting up (one at a time; a new visit keeps the same secret)."""
    device = TOTPDevice.objects.filter(user=actor.user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor.user, name=DEVICE_NAME, confirmed=False)
        audit_record(actor=actor.user, event_type="user.totp_started", target=actor.user, agency=actor.agency,
                     data={"device": device.pk})
    return device


@transaction.atomic
def totp_device_confirm(*, actor: Actor, device_id: int, token: str) -> TOTPDevice:
    """Turn on the second step once the user proves their app shows the right code."""
    device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=actor.user, confirmed=False).first()
    if device is None:
        raise NotFoundError("not_found", _("Không tìm thấy thiết bị xác thực."))
    if not device.verify_token(token):
        raise ApplicationError("otp_invalid", _("Mã xác thực không đúng hoặc đã hết hạn."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor.user, confirmed=False).delete()
    audit_record(actor=actor.user, event_type="user.totp_enabled", target=actor.user, agency=actor.agency,
                 data={"device": device.pk})
    return device
