"""Who may see and do what with incoming documents (docs/domain/roles.md#document-access, docs/domain/incoming.md).

One place for each rule. ``can_<action>(actor, document, …)`` returns the refusal (an ``ApplicationError`` with its
Vietnamese message) or ``None``: the services raise it (``core.errors.refuse_if``), the screens hide what would be
refused, the API answers with it. ``incoming_visibility_q`` is the one visibility rule, used by every read and by
``lock_visible`` — the lock every write on behalf of a person takes, so "missing" and "not yours" are the same
not-found before any other check.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError, Refusal
from vanthu.documents.enums import IncomingState
from vanthu.documents.lifecycle import TRANSITIONS
from vanthu.documents.models import DocumentShare, IncomingDocument
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode
from vanthu.workflows.enums import OPEN_ASSIGNMENT_STATES
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


def not_found() -> NotFoundError:
    return NotFoundError("not_found", _("Không tìm thấy văn bản."))


def lock_visible(actor: Actor, document_id: int) -> IncomingDocument:
    """The document row, locked for a move on the actor's behalf, if the actor may see it — one query: the
    visibility and the lock together (``FOR UPDATE OF`` the document only, never the rows the visibility reads)."""
    document = (
        IncomingDocument.objects.filter(incoming_visibility_q(actor), pk=document_id)
        .select_for_update(of=("self",)).select_related("agency").first()
    )
    if document is None:
        raise not_found()
    return document


def can_move(actor: Actor, document: IncomingDocument, action: str) -> Refusal:
    """The state and the roles the life cycle gives ``action`` (``lifecycle.TRANSITIONS``). Moves with no roles are
    checked through the assignment (``can_handle``)."""
    transition = TRANSITIONS[action]
    if document.state not in transition.sources:
        return ConflictError(
            "invalid_state",
            _("Không thể thực hiện thao tác này khi văn bản đang ở trạng thái “%(state)s”.")
            % {"state": IncomingState(document.state).label},
            {"state": document.state, "action": action},
        )
    if transition.roles and (actor.agency_id != document.agency_id or not actor.has_role(*transition.roles)):
        return PermissionDeniedError("forbidden", _("Bạn không có quyền thực hiện thao tác này."))
    return None


def can_present(actor: Actor, document: IncomingDocument) -> Refusal:
    """The clerk presents a registered document; once presented, only a leader passes it to another leader."""
    refusal = can_move(actor, document, "present")
    if refusal is None and document.state == IncomingState.PRESENTED and not actor.has_role(RoleCode.LEADER):
        return PermissionDeniedError("forbidden", _("Chỉ lãnh đạo được chuyển văn bản cho lãnh đạo khác."))
    return refusal


def direct_action(document: IncomingDocument) -> str:
    """A document already directed is re-directed (the current direction is superseded)."""
    return "redirect" if document.state in (IncomingState.ASSIGNED, IncomingState.IN_PROGRESS) else "direct"


def is_handler(actor: Actor, assignment: Assignment) -> bool:
    """The assigned person, or a leader of the assigned unit acting for it."""
    if assignment.user_id is not None and assignment.user_id == actor.user.pk:
        return True
    return (assignment.unit_id is not None and assignment.unit_id == actor.unit_id
            and actor.has_role(RoleCode.UNIT_LEADER))


def can_handle(actor: Actor, document: IncomingDocument, assignment: Assignment, action: str = "handle") -> Refusal:
    """Work on one's own open assignment (progress, opinion, delegate, complete; ``read`` for for-information
    handlers, also after completion)."""
    if assignment.incoming_id != document.pk or document.agency_id != actor.agency_id:
        return NotFoundError("not_found", _("Không tìm thấy phần việc."))
    if not is_handler(actor, assignment):
        return PermissionDeniedError("forbidden", _("Phần việc này không giao cho bạn."))
    if assignment.state not in OPEN_ASSIGNMENT_STATES:
        return ApplicationError("assignment_closed", _("Phần việc này đã kết thúc."))
    return can_move(actor, document, action)
