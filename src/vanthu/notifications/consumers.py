"""The live bell: one WebSocket per open tab, joined to the user's group (``user-<id>``)."""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from vanthu.notifications.delivery import user_group
from vanthu.notifications.models import Notification
from vanthu.organizations.otp import scope_is_fully_authenticated

# Application close code for "not signed in" (4000–4999 are free for applications, RFC 6455 §7.4.2).
CLOSE_UNAUTHENTICATED = 4401


def _unread_count_sync(user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, show_in_app=True, read_at__isnull=True).count()


async def _unread_count(user_id: int) -> int:
    count: int = await database_sync_to_async(_unread_count_sync)(user_id)
    return count


class NotificationConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    """Authenticated through the session (``AuthMiddlewareStack``); sends JSON ``{"unread": n, …}``."""

    group_name: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        # OTPMiddleware does not run for WebSockets; the session's verified device is checked here instead.
        if not await database_sync_to_async(scope_is_fully_authenticated)(user, self.scope.get("session")):
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.group_name = user_group(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        await self.send_json({"unread": await _unread_count(user.pk)})

    async def disconnect(self, code: int) -> None:
        if self.group_name is not None:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """The bell only listens; anything the browser sends is ignored."""

    async def notification_push(self, event: dict[str, Any]) -> None:
        await self.send_json({k: v for k, v in event.items() if k != "type"})

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, ensure_ascii=False))
