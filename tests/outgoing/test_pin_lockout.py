"""Lock-out after wrong PINs (``signing.pinguard``): on a PKCS#12 device held by the server and on a real SoftHSM2
token, whose own counter never locks — so ours is what stops a guessing attack."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from tests.builders import AgencyKit
from tests.outgoing.signing_kit import PIN, SigningSetup, SoftToken, signing_setup, soft_token_for
from vanthu.core.models import AuditEvent
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.documents.outgoing.signing import outgoing_sign_personal
from vanthu.signing.errors import KeyDeviceLockedError, WrongPinError
from vanthu.signing.models import KeyDevice
from vanthu.signing.pki.testing import TestPki
from vanthu.signing.services import key_device_register_pkcs11


@pytest.fixture
def signing(kit: AgencyKit, test_pki: TestPki, settings: Any) -> SigningSetup:
    settings.VANTHU_SIGNING_PIN_ATTEMPTS, settings.VANTHU_SIGNING_PIN_LOCK_MINUTES = 3, 15
    return signing_setup(kit, test_pki, settings)


@pytest.fixture(scope="module")
def soft_token(test_pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftToken]:
    yield from soft_token_for(test_pki, tmp_path_factory)


def _sign(setup: SigningSetup, document: OutgoingDocument, device: KeyDevice, pin: str, actor: Any = None) -> Any:
    return outgoing_sign_personal(actor=actor or setup.kit.leader, document_id=document.pk, key_device_id=device.pk,
                                  pin=pin)


def test_wrong_pins_count_down_then_lock_the_device_even_for_the_right_pin(signing: SigningSetup) -> None:
    document, device = signing.awaiting_signature(), signing.leader_device
    for left in (2, 1):
        with pytest.raises(WrongPinError) as info:
            _sign(signing, document, device, "sai-ma-pin")
        assert info.value.extra["attempts_left"] == left
        assert f"còn {left} lần thử" in str(info.value.message)
    with pytest.raises(KeyDeviceLockedError) as locked:
        _sign(signing, document, device, "sai-ma-pin")
    assert locked.value.code == "signing.device_locked" and "tạm khóa" in str(locked.value.message)
    assert locked.value.extra["until_display"] in str(locked.value.message), "says until when"
    with pytest.raises(KeyDeviceLockedError):  # the right PIN is not even tried while locked
        _sign(signing, document, device, PIN)
    assert OutgoingDocument.objects.get(pk=document.pk).state == OutgoingState.AWAITING_SIGNATURE
    events = AuditEvent.objects.filter(event_type="signing.wrong_pin", target_id=str(device.pk))
    assert events.count() == 3 and events.order_by("-id").first().data["locked_until"]  # type: ignore[union-attr]


def test_the_lock_ends_after_its_time_and_the_right_pin_resets_the_count(signing: SigningSetup) -> None:
    document, device = signing.awaiting_signature(), signing.leader_device
    for _ in range(3):
        with pytest.raises((WrongPinError, KeyDeviceLockedError)):
            _sign(signing, document, device, "sai-ma-pin")
    KeyDevice.objects.filter(pk=device.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(WrongPinError) as info:
        _sign(signing, document, device, "sai-ma-pin")
    assert info.value.extra["attempts_left"] == 2, "a fresh count after the lock"
    signed = _sign(signing, document, device, PIN)
    assert signed.state == OutgoingState.SIGNED
    assert KeyDevice.objects.filter(pk=device.pk, failed_pin_attempts=0, locked_until=None).exists()


def test_a_right_pin_between_wrong_ones_starts_the_count_again(signing: SigningSetup) -> None:
    device = signing.leader_device
    for _ in range(2):
        first = signing.awaiting_signature()
        with pytest.raises(WrongPinError):
            _sign(signing, first, device, "sai-ma-pin")
        with pytest.raises(WrongPinError):
            _sign(signing, first, device, "sai-ma-pin")
        assert _sign(signing, first, device, PIN).state == OutgoingState.SIGNED


def test_a_softhsm_token_is_locked_by_our_count_and_still_opens_afterwards(
    signing: SigningSetup, soft_token: SoftToken,
) -> None:
    kit = signing.kit
    device = key_device_register_pkcs11(actor=kit.deputy, module_path=soft_token.module,
                                        token_label=soft_token.label, key_label="person-ec", pin=soft_token.pin)
    document = signing.awaiting_signature(signer="deputy")
    for _ in range(2):
        with pytest.raises(WrongPinError):
            _sign(signing, document, device, "000000", actor=kit.deputy)
    with pytest.raises(KeyDeviceLockedError):
        _sign(signing, document, device, "000000", actor=kit.deputy)
    with pytest.raises(KeyDeviceLockedError):
        _sign(signing, document, device, soft_token.pin, actor=kit.deputy)
    KeyDevice.objects.filter(pk=device.pk).update(locked_until=None)
    assert _sign(signing, document, device, soft_token.pin, actor=kit.deputy).state == OutgoingState.SIGNED
