"""What happens elsewhere when the organisation changes: the events of organizations and their registries (ADR 0008).

Run by the organisation services in their own transaction, after the change and its audit event; registered in
``AppConfig.ready()`` of the apps above, today:

- ``agency_created``: the agency's default register books are opened (documents);
- ``password_reset``: the person's API tokens are revoked, so a leaked token dies with the old password (api).
"""

from __future__ import annotations

from dataclasses import dataclass

from vanthu.core.effects import Effects
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import Agency, User


@dataclass(frozen=True)
class AgencyCreated:
    agency: Agency
    actor: Actor | None  # None: an installation command


@dataclass(frozen=True)
class PasswordReset:
    """An administrator set a new password for ``user`` (``actor`` did it, in ``agency``)."""

    user: User
    agency: Agency
    actor: Actor


agency_created: Effects[AgencyCreated] = Effects("agency_created")
password_reset: Effects[PasswordReset] = Effects("password_reset")
