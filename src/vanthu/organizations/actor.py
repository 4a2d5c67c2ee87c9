"""The acting user and the membership they act through. Every service and selector takes one."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import HttpRequest

from vanthu.organizations.enums import RoleCode
from vanthu.organizations.models import Agency, Membership, Role, Unit, User

SESSION_KEY = "vanthu_membership_id"


@dataclass(frozen=True)
class Actor:
    user: User
    membership: Membership | None

    @property
    def agency(self) -> Agency | None:
        return self.membership.agency if self.membership else None

    @property
    def agency_id(self) -> int | None:
        return self.membership.agency_id if self.membership else None

    @property
    def unit(self) -> Unit | None:
        return self.membership.unit if self.membership else None

    @property
    def unit_id(self) -> int | None:
        return self.membership.unit_id if self.membership else None

    @property
    def roles(self) -> frozenset[str]:
        return self.membership.role_codes() if self.membership else frozenset()

    def has_role(self, *codes: str) -> bool:
        return bool(self.roles.intersection(codes))

    @property
    def is_sysadmin(self) -> bool:
        return self.user.is_superuser or RoleCode.SYSADMIN in self.roles

    @property
    def is_clerk(self) -> bool:
        return RoleCode.CLERK in self.roles

    @property
    def is_leader(self) -> bool:
        return RoleCode.LEADER in self.roles

    @property
    def is_unit_leader(self) -> bool:
        return RoleCode.UNIT_LEADER in self.roles

    @property
    def is_agency_admin(self) -> bool:
        return RoleCode.AGENCY_ADMIN in self.roles


def memberships_for(user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
        .select_related("agency", "unit", "position")
        .prefetch_related(Prefetch("roles", queryset=Role.objects.all()))
        .order_by("id")
    )


def actor_for(user: User, membership_id: int | None = None) -> Actor:
    """The actor for ``user``: the requested membership if it is theirs, else their first one."""
    memberships = memberships_for(user)
    chosen = next((m for m in memberships if m.id == membership_id), None)
    if chosen is None and memberships:
        chosen = memberships[0]
    return Actor(user=user, membership=chosen)


def actor_from_request(request: HttpRequest) -> Actor | None:
    user = request.user
    if not user.is_authenticated:
        return None
    assert isinstance(user, User)
    raw = request.session.get(SESSION_KEY)
    return actor_for(user, int(raw) if raw else None)
