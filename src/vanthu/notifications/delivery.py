from __future__ import annotations


def deliver(notification_ids: list[int]) -> None:
    """Push and e-mail delivery (live bell, SMTP)."""
    return None
