"""Who may administer an agency (quản trị cơ quan). Rules return a refusal or ``None`` (``core.errors.refuse_if``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from vanthu.core.errors import NotFoundError, PermissionDeniedError, Refusal
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import Agency


def can_administer(actor: Actor | None, agency: Agency) -> Refusal:
    """A system administrator, an agency administrator of ``agency`` acting for it, or an installation command
    (no actor)."""
    if actor is None or actor.is_sysadmin:
        return None
    if actor.agency_id != agency.pk or not actor.is_agency_admin:
        return PermissionDeniedError("forbidden", _("Chỉ quản trị cơ quan được thực hiện thao tác này."))
    return None


def admin_agency_id(actor: Actor) -> int:
    """The agency the actor administers; the views' decorators guarantee there is one."""
    if actor.agency_id is None:
        raise NotFoundError("not_found", _("Bạn chưa thuộc cơ quan nào."))
    return actor.agency_id
