"""One error contract (docs/architecture.md, house rule 7): code, Vietnamese message, extra data."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class ApplicationError(Exception):
    """A refusal the user can understand. ``message`` is a translatable string shown as is."""

    status = 400

    def __init__(self, code: str, message: str | Promise, extra: dict[str, Any] | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "extra": self.extra}


class NotFoundError(ApplicationError):
    """Raised alike for "does not exist" and "not yours", so ids leak nothing."""

    status = 404


class PermissionDeniedError(ApplicationError):
    """The object is visible to the actor but the action is not theirs to take."""

    status = 403


class ConflictError(ApplicationError):
    """The object moved on (a state change raced this one)."""

    status = 409


Refusal = ApplicationError | None


def refuse_if(refusal: Refusal) -> None:
    """Raise the refusal a ``can_<action>`` rule returned, if any (``documents/permissions.py`` and the like).

    The rules return the refusal instead of raising it so the same function decides a service's check, a
    button shown or hidden and an API answer."""
    if refusal is not None:
        raise refusal
