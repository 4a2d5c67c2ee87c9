"""Who may see and act on incoming documents (DOMAIN.md §2 "Document access")."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from vanthu.documents.models import DocumentShare, IncomingDocument
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode
from vanthu.workflows.models import Assignment


def incoming_visibility_q(actor: Actor) -> Q:
    """Rows of ``IncomingDocument`` the actor may read. Nothing outside the acting membership's agency."""
    if actor.membership is None or actor.agency_id is None:
        return Q(pk__in=[])
    same_agency = Q(agency_id=actor.agency_id)
    if actor.has_role(RoleCode.CLERK, RoleCode.LEADER):
        scope = same_agency
    else:
        handler = Q(user_id=actor.user.pk)
        if actor.has_role(RoleCode.UNIT_LEADER) and actor.unit_id is not None:
            handler |= Q(unit_id=actor.unit_id)
        assigned = Exists(Assignment.objects.filter(handler, incoming_id=OuterRef("pk")))
        shared = Exists(DocumentShare.objects.filter(incoming_id=OuterRef("pk"), user_id=actor.user.pk))
        scope = same_agency & (assigned | shared)
    if not actor.user.can_handle_secret:
        scope &= Q(confidentiality=0)
    return scope


def can_view_incoming(actor: Actor, document: IncomingDocument) -> bool:
    return IncomingDocument.objects.filter(incoming_visibility_q(actor), pk=document.pk).exists()


def is_agency_clerk(actor: Actor, document: IncomingDocument) -> bool:
    return actor.agency_id == document.agency_id and actor.has_role(RoleCode.CLERK)


def is_agency_leader(actor: Actor, document: IncomingDocument) -> bool:
    return actor.agency_id == document.agency_id and actor.has_role(RoleCode.LEADER)
