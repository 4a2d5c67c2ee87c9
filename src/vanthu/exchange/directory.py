"""The directory of agencies reachable through the hub (``getAgenciesList``), and the registration of ours.

Our own agencies are not listed as external: they are reached inside the deployment. An agency the hub no longer
lists stays in the directory, marked inactive, because documents already sent to it still name it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.errors import PermissionDeniedError
from vanthu.exchange.client import hub_client
from vanthu.exchange.models import ExternalAgency
from vanthu.hubapi.client import HubAgency, HubClient
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import Agency


@dataclass(frozen=True)
class DirectorySync:
    total: int
    added: int
    deactivated: int
    registered: int


def _ours() -> set[str]:
    return {code for code in Agency.objects.exclude(organ_id__isnull=True).annotate(code=Upper("organ_id"))
            .values_list("code", flat=True) if code}


def exchange_directory_sync(*, actor: Actor | None = None, client: HubClient | None = None) -> DirectorySync:
    """Register our hub-enabled agencies with the hub, then refresh the directory from its agency list. By the
    periodic task, or a system administrator."""
    if actor is not None and not actor.is_sysadmin:
        raise PermissionDeniedError("forbidden", _("Bạn không có quyền thực hiện thao tác này."))
    client = client or hub_client()
    listed = {a.code.strip().upper(): a for a in client.agencies() if a.code.strip()}
    registered = 0
    for agency in Agency.objects.filter(hub_enabled=True, is_active=True).exclude(organ_id__isnull=True):
        code = (agency.organ_id or "").upper()
        if code and code not in listed:
            parent = agency.parent.organ_id if agency.parent and agency.parent.organ_id else ""
            client.agency_register(code=code, name=agency.name, parent_code=parent, mail=agency.email,
                                   mobile=agency.phone)
            registered += 1
    return _store(listed, registered, actor)


@transaction.atomic
def _store(listed: dict[str, HubAgency], registered: int, actor: Actor | None) -> DirectorySync:
    ours = _ours()
    now = timezone.now()
    known = {a.organ_id.upper(): a for a in ExternalAgency.objects.select_for_update().order_by("id")}
    added = 0
    for code, item in listed.items():
        if code in ours:
            continue
        if item.deleted:
            continue
        name, parent, email, hub_id = (item.name or code)[:300], item.parent_code[:50], item.mail[:200], item.id[:64]
        row = known.get(code)
        if row is None:
            ExternalAgency.objects.create(organ_id=code, name=name, parent_organ_id=parent, email=email,
                                          hub_id=hub_id, synced_at=now)
            added += 1
        else:
            row.name, row.parent_organ_id, row.email, row.hub_id = name, parent, email, hub_id
            row.is_active, row.synced_at = True, now
            row.save(update_fields=["name", "parent_organ_id", "email", "hub_id", "is_active", "synced_at"])
    gone = [row.pk for code, row in known.items()
            if (code not in listed or code in ours or listed[code].deleted) and row.is_active]
    ExternalAgency.objects.filter(pk__in=gone).update(is_active=False, synced_at=now)
    total = len([c for c, a in listed.items() if c not in ours and not a.deleted])
    result = DirectorySync(total=total, added=added, deactivated=len(gone), registered=registered)
    audit_record(actor=actor.user if actor else None, event_type="exchange.directory_synced",
                 target=("exchange.directory", "hub"), agency=None, data=dict(result.__dict__))
    return result
