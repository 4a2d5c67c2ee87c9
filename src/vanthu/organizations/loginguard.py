"""The login guard (django-axes) as Vanthu runs it.

Failures are counted per username and per client address separately (``AXES_LOCKOUT_PARAMETERS``): a username is
locked after ``AXES_FAILURE_LIMIT`` failures from anywhere, and an address after as many failures whatever
usernames it tried. So neither rotating addresses against one account nor rotating accounts from one address
gets more guesses. The address is :func:`vanthu.core.http.client.client_address`, which believes forwarded headers
only from a trusted proxy.

A successful login clears the failures of **its own username only**. Axes' stock reset deletes every attempt that
matches any lockout parameter, so logging in to one's own account would also wipe the failures that other
usernames collected from the same address: someone with an account could then keep guessing another one by
logging in to theirs every few tries.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.http import HttpRequest


class LoginGuardHandler(AxesDatabaseHandler):  # type: ignore[misc]
    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        deleted, _per_model = AccessAttempt.objects.filter(username=username).delete()
        return int(deleted)
