"""Register books (sổ văn bản) of an agency: the four every agency opens with, and what its administrator may add,
rename or make the default of a kind (docs/standards/nd30.md#register-books).

A register book is a documents concept (numbers are taken from it: ``numbering``); the agency administrator's
screens for it live with the other administration screens, but its rules live here.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.errors import ApplicationError, NotFoundError, refuse_if
from vanthu.documents.enums import RegisterKind
from vanthu.documents.models import Register
from vanthu.organizations.actor import Actor
from vanthu.organizations.effects import AgencyCreated
from vanthu.organizations.models import Agency
from vanthu.organizations.permissions import admin_agency_id, can_administer

DEFAULT_REGISTERS = [
    (RegisterKind.INCOMING, "Sổ đăng ký văn bản đến"),
    (RegisterKind.SECRET_INCOMING, "Sổ đăng ký văn bản đến mật"),
    (RegisterKind.OUTGOING, "Sổ đăng ký văn bản đi"),
    (RegisterKind.SECRET_OUTGOING, "Sổ đăng ký văn bản đi mật"),
]


def registers_open_defaults(change: AgencyCreated) -> None:
    """An effect of ``organizations.effects.agency_created``: a state agency opens its four default books
    (incoming, secret incoming, outgoing, secret outgoing); an external organisation (a press office, a guest)
    keeps no books."""
    agency = change.agency
    if agency.is_external:
        return
    Register.objects.bulk_create([Register(agency=agency, kind=kind, name=name, is_default=True)
                                  for kind, name in DEFAULT_REGISTERS])


def _clean(register: Register) -> None:
    try:
        register.full_clean()
    except ValidationError as exc:
        raise ApplicationError("invalid_input", " ".join(str(m) for m in exc.messages),
                               {"fields": getattr(exc, "message_dict", {})}) from exc


def register_list_for_admin(*, actor: Actor) -> QuerySet[Register]:
    return Register.objects.filter(agency_id=admin_agency_id(actor)).order_by("kind", "-is_default", "name")


def register_get_for_admin(*, actor: Actor, register_id: int) -> Register:
    register = (
        Register.objects.select_related("agency").filter(pk=register_id, agency_id=admin_agency_id(actor)).first()
    )
    if register is None:
        raise NotFoundError("not_found", _("Không tìm thấy sổ văn bản."))
    return register


@transaction.atomic
def register_create(*, actor: Actor, agency: Agency, kind: str, name: str) -> Register:
    """An extra register of a kind. The first register of a kind becomes its default."""
    refuse_if(can_administer(actor, agency))
    if kind not in RegisterKind.values:
        raise ApplicationError("invalid_kind", _("Loại sổ không hợp lệ."))
    has_default = Register.objects.filter(agency=agency, kind=kind, is_default=True, is_active=True).exists()
    register = Register(agency=agency, kind=kind, name=name.strip(), is_default=not has_default)
    _clean(register)
    register.save()
    audit_record(actor=actor.user, event_type="register.created", target=register, agency=agency,
                 data={"kind": kind, "name": register.name, "is_default": register.is_default})
    return register


@transaction.atomic
def register_rename(*, actor: Actor, register: Register, name: str) -> Register:
    refuse_if(can_administer(actor, register.agency))
    old = register.name
    register.name = name.strip()
    _clean(register)
    register.save(update_fields=["name"])
    audit_record(actor=actor.user, event_type="register.renamed", target=register, agency=register.agency,
                 data={"old": old, "new": register.name})
    return register


@transaction.atomic
def register_set_default(*, actor: Actor, register: Register) -> Register:
    """One default register per kind and agency. Locks the registers of that kind in id order first."""
    refuse_if(can_administer(actor, register.agency))
    if not register.is_active:
        raise ApplicationError("register_inactive", _("Sổ đã ngừng sử dụng, không thể đặt làm mặc định."))
    siblings = list(
        Register.objects.select_for_update().filter(agency_id=register.agency_id, kind=register.kind).order_by("id")
    )
    old_default = [r.pk for r in siblings if r.is_default and r.pk != register.pk]
    Register.objects.filter(pk__in=old_default).update(is_default=False)
    register.is_default = True
    register.save(update_fields=["is_default"])
    audit_record(actor=actor.user, event_type="register.default_set", target=register, agency=register.agency,
                 data={"kind": register.kind, "previous": old_default})
    return register
