"""Reads the pages need besides the document itself: what the actor may do (asked of ``documents.permissions``), and
the people to pick from.

Each function takes the actor and stays inside the actor's agency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from vanthu.documents.enums import RegisterKind
from vanthu.documents.models import IncomingDocument, Register
from vanthu.documents.permissions import can_handle, can_move, can_present
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode
from vanthu.organizations.models import Membership, Unit
from vanthu.workflows.enums import OPEN_ASSIGNMENT_STATES
from vanthu.workflows.models import Assignment, Direction, ProcessingNote

Choice = tuple[int | str, str]


def _allowed(actor: Actor, document: IncomingDocument, action: str) -> bool:
    return can_move(actor, document, action) is None


@dataclass(frozen=True)
class DocumentActions:
    """Which action panels to show. The services check again; this only hides what would be refused."""

    register: bool = False
    return_: bool = False
    present: bool = False
    direct: bool = False
    redirect: bool = False
    close: bool = False
    reopen: bool = False
    edit: bool = False
    share: bool = False
    my_assignments: list[Assignment] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return any((self.register, self.return_, self.present, self.direct, self.redirect, self.close,
                    self.reopen, self.edit, self.share, self.my_assignments))


def document_actions(*, actor: Actor, document: IncomingDocument, assignments: list[Assignment]) -> DocumentActions:
    """The rules of ``documents.permissions``, asked once per panel: a panel shows only what its service allows."""
    mine = [a for a in assignments if can_handle(actor, document, a) is None]
    return DocumentActions(
        register=_allowed(actor, document, "register"),
        return_=_allowed(actor, document, "return"),
        present=can_present(actor, document) is None,
        direct=_allowed(actor, document, "direct"),
        redirect=_allowed(actor, document, "redirect"),
        close=_allowed(actor, document, "close_for_information"),
        reopen=_allowed(actor, document, "reopen"),
        edit=_allowed(actor, document, "edit"),
        share=_allowed(actor, document, "share"),
        my_assignments=mine,
    )


@dataclass(frozen=True)
class DocumentHandling:
    """Directions, assignments and notes of one document, loaded in a fixed number of queries."""

    directions: list[Direction]
    assignments: list[Assignment]
    notes: list[ProcessingNote]
    today: dt.date

    @property
    def current_direction(self) -> Direction | None:
        return next((d for d in self.directions if d.is_current), None)

    @property
    def top_assignments(self) -> list[Assignment]:
        return [a for a in self.assignments if a.parent_id is None]

    @property
    def delegated(self) -> list[Assignment]:
        return [a for a in self.assignments if a.parent_id is not None]


def document_handling(*, actor: Actor, document: IncomingDocument) -> DocumentHandling:
    """For a document already fetched through ``incoming_get_for_user`` (so visible to ``actor``)."""
    assignments = list(
        Assignment.objects.filter(incoming=document).select_related("unit", "user", "assigned_by").order_by("id")
    )
    today = timezone.localdate()
    for a in assignments:
        a.is_overdue = bool(  # type: ignore[attr-defined]
            a.due_date and a.due_date < today and a.state in OPEN_ASSIGNMENT_STATES
        )
    return DocumentHandling(
        directions=list(Direction.objects.filter(incoming=document).select_related("leader").order_by("created_at")),
        assignments=assignments,
        notes=list(ProcessingNote.objects.filter(incoming=document).select_related("author").order_by("created_at")),
        today=today,
    )


def _agency_memberships(actor: Actor) -> list[Membership]:
    if actor.agency_id is None:
        return []
    return list(
        Membership.objects.filter(agency_id=actor.agency_id, is_active=True, user__is_active=True)
        .select_related("user", "unit")
        .prefetch_related(Prefetch("roles"))
        .order_by("user__full_name", "id")
    )


@dataclass(frozen=True)
class PeopleChoices:
    leaders: list[Choice]
    handlers: list[Choice]  # units then people, values "unit:<id>" / "user:<id>"
    people: list[Choice]
    registers: list[Choice]
    specialists: dict[int, list[Choice]]  # unit id -> its members, for delegating


def people_choices(*, actor: Actor, document: IncomingDocument) -> PeopleChoices:
    if actor.agency_id != document.agency_id:
        return PeopleChoices([], [], [], [], {})
    memberships = _agency_memberships(actor)
    people: dict[int, str] = {}
    leaders: dict[int, str] = {}
    by_unit: dict[int, dict[int, str]] = {}
    for m in memberships:
        label = str(m.user) + (f" — {m.unit}" if m.unit else "")
        people.setdefault(m.user_id, label)
        if RoleCode.LEADER in m.role_codes():
            leaders.setdefault(m.user_id, str(m.user))
        if m.unit_id is not None:
            by_unit.setdefault(m.unit_id, {})[m.user_id] = str(m.user)
    units = Unit.objects.filter(agency_id=actor.agency_id, is_active=True).order_by("name")
    kind = RegisterKind.SECRET_INCOMING if document.is_secret else RegisterKind.INCOMING
    registers = Register.objects.filter(agency_id=actor.agency_id, kind=kind, is_active=True).order_by("name")
    handlers: list[Choice] = [(f"unit:{u.pk}", str(u.name)) for u in units]
    handlers += [(f"user:{pk}", label) for pk, label in people.items()]
    return PeopleChoices(
        leaders=list(leaders.items()),
        handlers=handlers,
        people=list(people.items()),
        registers=[(r.pk, str(r.name)) for r in registers],
        specialists={unit: list(members.items()) for unit, members in by_unit.items()},
    )


def handler_choices(*, actor: Actor) -> list[Choice]:
    """People of the actor's agency, for the list's "người xử lý" filter."""
    if actor.agency_id is None:
        return []
    seen: dict[int, str] = {}
    rows = (
        Membership.objects.filter(agency_id=actor.agency_id, is_active=True, user__is_active=True)
        .order_by("user__full_name", "id").values_list("user_id", "user__full_name", "user__username")
    )
    for user_id, full_name, username in rows:
        seen.setdefault(user_id, full_name or username)
    return list(seen.items())


def incoming_registers(*, actor: Actor) -> QuerySet[Register]:
    return Register.objects.filter(
        agency_id=actor.agency_id or 0, kind__in=[RegisterKind.INCOMING, RegisterKind.SECRET_INCOMING],
        is_active=True,
    ).order_by("kind", "name")



def assignment_on_document(*, actor: Actor, document: IncomingDocument, assignment_id: int) -> Assignment | None:
    """An assignment of a document the actor can already see (the services check that it is theirs)."""
    if actor.agency_id != document.agency_id:
        return None
    return Assignment.objects.filter(pk=assignment_id, incoming=document).first()
