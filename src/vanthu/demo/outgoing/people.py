"""The demo people who draft, sign, number and receive: senders with their devices and images, recipients."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError
from vanthu.demo.data import AGENCIES, AgencySpec
from vanthu.documents.handling import (
    Handler,
)
from vanthu.organizations.actor import Actor, actor_for
from vanthu.organizations.models import Agency, Unit, User
from vanthu.signing.models import CertificateKind, KeyDevice, KeyDeviceKind
from vanthu.signing.selectors import key_devices_for, seal_image_for, signature_image_for


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _actor(username: str) -> Actor:
    user = _user(username)
    if user is None:
        raise ApplicationError("demo.user_missing", _("Không tìm thấy tài khoản mẫu %(name)s.") % {"name": username})
    return actor_for(user)


def _head_login(spec: AgencySpec) -> str:
    return "chutich" if spec.head == "Chủ tịch" else "giamdoc"


@dataclass
class Sender:
    """A demo agency that drafts, signs and issues: its people and their demo key devices."""

    spec: AgencySpec
    agency: Agency
    clerk: Actor
    head: Actor
    deputy: Actor
    format_checker: Actor
    unit_leader: Actor
    specialist: Actor
    devices: dict[str, KeyDevice] = field(default_factory=dict)  # "head", "deputy", "agency"

    @property
    def units(self) -> list[Unit]:
        """The agency's units except the clerk's office, which keeps the archive copy anyway."""
        units = Unit.objects.filter(agency=self.agency, is_active=True)
        if self.clerk.unit_id is not None:
            units = units.exclude(pk=self.clerk.unit_id)
        return list(units.order_by("id"))


def _personal_device(actor: Actor) -> KeyDevice | None:
    if signature_image_for(actor.user) is None:
        return None
    return key_devices_for(actor=actor, kind=CertificateKind.PERSONAL).filter(kind=KeyDeviceKind.PKCS12).first()


def sender_for(spec: AgencySpec) -> Sender | None:
    """The agency's people, if it exists and the demo PKI registered its devices and images; else ``None``."""
    agency = Agency.objects.filter(organ_id=spec.organ_id).first()
    if agency is None or spec.level == "COMMUNE" or seal_image_for(agency) is None:
        return None
    s, head_login = spec.slug, _head_login(spec)
    unit = spec.units[1]
    sender = Sender(
        spec=spec, agency=agency, clerk=_actor(f"vanthu.{s}"), head=_actor(f"{head_login}.{s}"),
        deputy=_actor(f"pho{head_login}.{s}"), format_checker=_actor(f"chanhvanphong.{s}"),
        unit_leader=_actor(f"truongphong.{unit.slug}.{s}"), specialist=_actor(f"chuyenvien.{unit.slug}.{s}"),
    )
    agency_device = key_devices_for(actor=sender.clerk, kind=CertificateKind.ORGANISATION).filter(
        kind=KeyDeviceKind.PKCS12).first()
    head_device, deputy_device = _personal_device(sender.head), _personal_device(sender.deputy)
    if agency_device is None or head_device is None or deputy_device is None:
        return None
    sender.devices = {"head": head_device, "deputy": deputy_device, "agency": agency_device}
    return sender


@dataclass
class Recipient:
    """A receiving agency: its clerk, its head and the unit (or, in a commune, the civil servant) it assigns."""

    agency: Agency
    clerk: Actor
    head: Actor
    unit_leader: Actor | None
    specialist: Actor

    def lead(self) -> Handler:
        if self.unit_leader is not None and self.unit_leader.unit_id is not None:
            return Handler(unit_id=self.unit_leader.unit_id)
        return Handler(user_id=self.specialist.user.pk)


def recipient_for(slug: str) -> Recipient | None:
    spec = next((a for a in AGENCIES if a.slug == slug), None)
    agency = Agency.objects.filter(organ_id=spec.organ_id).first() if spec else None
    if spec is None or agency is None:
        return None
    s = spec.slug
    if spec.level == "COMMUNE":
        leader, specialist = None, _actor(f"congchuc.{spec.units[1].slug}.{s}")
    else:
        unit = spec.units[1]
        leader, specialist = _actor(f"truongphong.{unit.slug}.{s}"), _actor(f"chuyenvien.{unit.slug}.{s}")
    return Recipient(agency=agency, clerk=_actor(f"vanthu.{s}"), head=_actor(f"{_head_login(spec)}.{s}"),
                     unit_leader=leader, specialist=specialist)
