from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client

from tests.builders import AgencyKit
from tests.notifications.helpers import emit
from vanthu.config.asgi import application
from vanthu.notifications.consumers import CLOSE_UNAUTHENTICATED
from vanthu.notifications.services import notification_mark_all_read
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import User

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/ws/thong-bao/"
ORIGIN = (b"origin", b"http://127.0.0.1")
TIMEOUT = 5  # seconds: a deadline for each expected message, never a sleep


def _session_headers(user: User | None) -> list[tuple[bytes, bytes]]:
    if user is None:
        return [ORIGIN]
    client = Client()
    client.force_login(user)
    return [ORIGIN, (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]


def _emit_committed(user: User, key: str, title: str) -> None:
    with transaction.atomic():
        emit(user, key=key, title=title)


def test_anonymous_socket_is_refused() -> None:
    async def scenario() -> tuple[bool, Any]:
        communicator = WebsocketCommunicator(application, PATH, headers=_session_headers(None))
        result: tuple[bool, Any] = await communicator.connect(timeout=TIMEOUT)
        return result

    connected, code = async_to_sync(scenario)()
    assert connected is False
    assert code == CLOSE_UNAUTHENTICATED


def test_signed_in_user_gets_the_count_then_live_pushes(kit: AgencyKit) -> None:
    user = kit.specialist.user
    headers = _session_headers(user)
    emit(user, key="old", title="Thông báo cũ")

    async def scenario() -> list[dict[str, Any]]:
        communicator = WebsocketCommunicator(application, PATH, headers=headers)
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        assert connected
        received = [await communicator.receive_json_from(timeout=TIMEOUT)]
        await database_sync_to_async(_emit_committed)(user, "new", "Văn bản 12/UBND giao bạn chủ trì")
        received.append(await communicator.receive_json_from(timeout=TIMEOUT))
        await communicator.disconnect()
        return received

    initial, pushed = async_to_sync(scenario)()
    assert initial == {"unread": 1}
    assert pushed["unread"] == 2
    assert pushed["title"] == "Văn bản 12/UBND giao bạn chủ trì"


def test_a_user_never_receives_another_users_push(kit: AgencyKit) -> None:
    me, other = kit.specialist.user, kit.finance_head.user
    headers = _session_headers(me)

    async def scenario() -> dict[str, Any]:
        communicator = WebsocketCommunicator(application, PATH, headers=headers)
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        assert connected
        await communicator.receive_json_from(timeout=TIMEOUT)
        await database_sync_to_async(_emit_committed)(other, "theirs", "Việc của người khác")
        await database_sync_to_async(_emit_committed)(me, "mine", "Việc của tôi")
        # Pushes arrive in order: had the other user's been routed here, it would come first.
        first: dict[str, Any] = await communicator.receive_json_from(timeout=TIMEOUT)
        await communicator.disconnect()
        return first

    first = async_to_sync(scenario)()
    assert first["title"] == "Việc của tôi"
    assert first["unread"] == 1


def test_reading_in_one_tab_updates_the_badge_in_another(kit: AgencyKit) -> None:
    actor: Actor = kit.specialist
    headers = _session_headers(actor.user)
    emit(actor.user, key="a", title="Một")

    def read_all() -> None:
        with transaction.atomic():
            notification_mark_all_read(actor=actor)

    async def scenario() -> dict[str, Any]:
        communicator = WebsocketCommunicator(application, PATH, headers=headers)
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        assert connected
        assert await communicator.receive_json_from(timeout=TIMEOUT) == {"unread": 1}
        await database_sync_to_async(read_all)()
        message: dict[str, Any] = await communicator.receive_json_from(timeout=TIMEOUT)
        await communicator.disconnect()
        return message

    assert async_to_sync(scenario)() == {"unread": 0}
