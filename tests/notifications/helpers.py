from __future__ import annotations

from vanthu.notifications.enums import NotificationKind
from vanthu.notifications.models import Notification
from vanthu.notifications.services import notification_emit
from vanthu.organizations.models import User


def emit(user: User, key: str = "event:1", title: str = "Văn bản mới giao cho bạn",
         kind: str = NotificationKind.ASSIGNED, url: str = "/van-ban-den/1/") -> list[Notification]:
    return notification_emit(kind=kind, recipients=[user], dedup_key=key, title=title, url=url)
