"""Agencies, units, positions and people of Tỉnh Demo, created through the organisation services."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import cycle

from django.contrib.auth.hashers import make_password

from vanthu.core.audit import audit_record
from vanthu.demo.data import AGENCIES, DEMO_PASSWORD, PRESS_NAME, STAFF_NAMES, AgencySpec
from vanthu.organizations.actor import Actor, actor_for
from vanthu.organizations.enums import AgencyKind, RoleCode
from vanthu.organizations.models import Agency, Position, Unit, User
from vanthu.organizations.services import (
    agency_create,
    membership_create,
    position_create,
    unit_create,
    user_create,
)

SECRET_CLEARED = {"vanthu.ubnd", "chutich.ubnd", "phochutich.ubnd", "truongphong.th.ubnd", "chuyenvien.th.ubnd"}


@dataclass
class DemoUnit:
    unit: Unit
    leader: Actor | None  # communes have no unit leaders: the chairman assigns a civil servant directly
    specialist: Actor


@dataclass
class DemoAgency:
    spec: AgencySpec
    agency: Agency
    clerk: Actor
    head: Actor
    deputy: Actor
    office: Unit
    handling_units: list[DemoUnit] = field(default_factory=list)


class _People:
    """Creates users with memorable names; all get the one demo password at the end (hashed once)."""

    def __init__(self) -> None:
        self.users: list[User] = []
        self.names = cycle(STAFF_NAMES)

    def add(self, *, username: str, full_name: str | None, agency: Agency, roles: list[str],
            unit: Unit | None = None, position: Position | None = None) -> Actor:
        user = user_create(actor=None, username=username, full_name=full_name or next(self.names), password=None,
                           can_handle_secret=username in SECRET_CLEARED)
        membership_create(actor=None, user=user, agency=agency, roles=roles, unit=unit, position=position)
        self.users.append(user)
        return actor_for(user)

    def set_demo_password(self) -> None:
        # PBKDF2 with Django's default work factor costs ~0.3 s per hash; one hash shared by every demo account
        # keeps loading fast. Acceptable only because the password itself is published.
        hashed = make_password(DEMO_PASSWORD)
        User.objects.filter(pk__in=[u.pk for u in self.users]).update(password=hashed)


def _build_agency(spec: AgencySpec, parent: Agency | None, people: _People) -> DemoAgency:
    agency = agency_create(actor=None, name=spec.name, abbreviation=spec.abbreviation, organ_id=spec.organ_id,
                           level_code=spec.level, parent=parent, place_name="Demo")
    units = [unit_create(actor=None, agency=agency, name=u.name, abbreviation=u.abbreviation) for u in spec.units]
    head_pos = position_create(actor=None, agency=agency, name=spec.head, is_head=True)
    deputy_pos = position_create(actor=None, agency=agency, name=spec.deputy, is_deputy=True)
    staff = position_create(actor=None, agency=agency, name="Chuyên viên")
    s = spec.slug
    head_login = "chutich" if spec.head == "Chủ tịch" else "giamdoc"
    office = units[0]
    commune = spec.level == "COMMUNE"
    demo = DemoAgency(
        spec=spec, agency=agency, office=office,
        clerk=people.add(username=f"vanthu.{s}", full_name=None, agency=agency, roles=[RoleCode.CLERK], unit=office,
                         position=staff),
        head=people.add(username=f"{head_login}.{s}", full_name=spec.head_name, agency=agency,
                        roles=[RoleCode.LEADER], position=head_pos),
        deputy=people.add(username=f"pho{head_login}.{s}", full_name=spec.deputy_name, agency=agency,
                          roles=[RoleCode.LEADER], position=deputy_pos),
    )
    people.add(username=f"quantri.{s}", full_name=None, agency=agency, roles=[RoleCode.AGENCY_ADMIN], unit=office)
    if commune:
        for unit_spec, unit in zip(spec.units, units, strict=True):
            specialist = people.add(username=f"congchuc.{unit_spec.slug}.{s}", full_name=None, agency=agency,
                                    roles=[RoleCode.SPECIALIST], unit=unit, position=staff)
            demo.handling_units.append(DemoUnit(unit, None, specialist))
        return demo
    office_pos = position_create(actor=None, agency=agency, name="Chánh Văn phòng")
    head_of_unit = position_create(actor=None, agency=agency, name="Trưởng phòng")
    people.add(username=f"chanhvanphong.{s}", full_name=None, agency=agency,
               roles=[RoleCode.UNIT_LEADER, RoleCode.FORMAT_CHECKER], unit=office, position=office_pos)
    for unit_spec, unit in zip(spec.units[1:], units[1:], strict=True):
        leader = people.add(username=f"truongphong.{unit_spec.slug}.{s}", full_name=None, agency=agency,
                            roles=[RoleCode.UNIT_LEADER], unit=unit, position=head_of_unit)
        specialist = people.add(username=f"chuyenvien.{unit_spec.slug}.{s}", full_name=None, agency=agency,
                                roles=[RoleCode.SPECIALIST], unit=unit, position=staff)
        demo.handling_units.append(DemoUnit(unit, leader, specialist))
    return demo


@dataclass
class DemoOrganisation:
    agencies: list[DemoAgency]
    press: Agency
    system_user: User


def organisation_build() -> DemoOrganisation:
    people = _People()
    by_slug: dict[str, DemoAgency] = {}
    for spec in AGENCIES:
        parent = by_slug[spec.parent_slug].agency if spec.parent_slug else None
        by_slug[spec.slug] = _build_agency(spec, parent, people)
    province = by_slug["ubnd"].agency
    people.add(username="thongke.ubnd", full_name=None, agency=province, roles=[RoleCode.STATS_VIEWER],
               unit=by_slug["ubnd"].office)
    press = agency_create(actor=None, name=PRESS_NAME, abbreviation="BDM", organ_id=None, kind=AgencyKind.PRESS,
                          level_code="OTHER", place_name="Demo")
    people.add(username="baodemo", full_name="Phóng viên Báo Demo", agency=press, roles=[RoleCode.GUEST])
    admin = user_create(actor=None, username="admin", full_name="Quản trị hệ thống", password=None)
    User.objects.filter(pk=admin.pk).update(is_superuser=True, is_staff=True)
    audit_record(actor=None, event_type="user.superuser_granted", target=admin, data={"username": "admin"})
    people.users.append(admin)
    people.set_demo_password()
    system_user = user_create(actor=None, username="hethong", full_name="Hệ thống liên thông", password=None)
    return DemoOrganisation(agencies=list(by_slug.values()), press=press, system_user=system_user)
