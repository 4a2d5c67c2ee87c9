"""Lock-out of key devices after wrong PINs (ký số: "token lock-out rules are respected").

A PKCS#12 container lives on our server, so nothing but us stops a guessing attack on its passphrase; a PKCS#11
token or HSM has its own counter, and SoftHSM2 has none. So every device gets ours: after
``VANTHU_SIGNING_PIN_ATTEMPTS`` wrong PINs in a row it refuses every attempt — without trying the PIN — for
``VANTHU_SIGNING_PIN_LOCK_MINUTES``; a right PIN resets the count. A token that reports its own PIN locked is
refused as such (``signing.token_locked``) and we never try a PIN on it.

The counts are written in their own transaction, outside the signing work (which runs outside any transaction:
``documents.outgoing.signing``), so a refusal that rolls back the caller's work still counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from vanthu.core.audit import audit_record
from vanthu.signing.errors import KeyDeviceLockedError, WrongPinError
from vanthu.signing.models import KeyDevice

_T = TypeVar("_T")


def _locked_until(device_id: int) -> dt.datetime | None:
    until = KeyDevice.objects.filter(pk=device_id).values_list("locked_until", flat=True).first()
    return until if until is not None and until > timezone.now() else None


def _refuse(device_id: int, until: dt.datetime) -> KeyDeviceLockedError:
    local = timezone.localtime(until)
    return KeyDeviceLockedError({"device": device_id, "until": local.isoformat(timespec="seconds"),
                                 "until_display": local.strftime("%H:%M %d/%m/%Y")})


def _failure(device_id: int) -> tuple[int, dt.datetime | None]:
    """Count one wrong PIN; lock the device when the limit is reached. Returns (attempts left, locked until)."""
    limit = max(int(settings.VANTHU_SIGNING_PIN_ATTEMPTS), 1)
    with transaction.atomic():
        device = KeyDevice.objects.select_for_update().select_related("certificate").get(pk=device_id)
        device.failed_pin_attempts = F("failed_pin_attempts") + 1
        device.save(update_fields=["failed_pin_attempts"])
        device.refresh_from_db(fields=["failed_pin_attempts"])
        attempts = device.failed_pin_attempts
        until = None
        if attempts >= limit:
            until = timezone.now() + dt.timedelta(minutes=int(settings.VANTHU_SIGNING_PIN_LOCK_MINUTES))
            KeyDevice.objects.filter(pk=device_id).update(locked_until=until, failed_pin_attempts=0)
        audit_record(actor=None, event_type="signing.wrong_pin", target=device,
                     agency=device.certificate.owner_agency,
                     data={"attempts": attempts, "locked_until": until.isoformat() if until else None})
    return max(limit - attempts, 0), until


def pin_guarded(device: KeyDevice, unlock: Callable[[], _T]) -> _T:
    """Run ``unlock`` (which tries the PIN on ``device``) under the lock-out rule."""
    until = _locked_until(device.pk)
    if until is not None:
        raise _refuse(device.pk, until)
    try:
        result = unlock()
    except WrongPinError as exc:
        left, until = _failure(device.pk)
        if until is not None:
            raise _refuse(device.pk, until) from exc
        raise WrongPinError({**(exc.extra or {}), "attempts_left": left}) from exc
    KeyDevice.objects.filter(Q(failed_pin_attempts__gt=0) | Q(locked_until__isnull=False), pk=device.pk).update(
        failed_pin_attempts=0, locked_until=None)
    return result
