"""About 200 incoming documents of Tỉnh Demo in every state, created through the real services.

The services stamp everything with the current time. To give the demo a history, arrival, forwarding, deadline
and completion times are moved back afterwards with queryset ``update()`` calls: demo-only, never done by the
product, and not audited (the audit log truthfully records when the demo was loaded).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from vanthu.core.calendar import add_working_days
from vanthu.core.files import UploadedContent
from vanthu.demo.data import BODY, ISSUERS, RESULTS, RETURN_REASONS, SUBJECTS, IssuerSpec
from vanthu.demo.org import DemoAgency, DemoOrganisation, DemoUnit
from vanthu.demo.pdf import DemoLetter, demo_letter_pdf
from vanthu.documents.enums import Confidentiality, IncomingState, Priority
from vanthu.documents.handling import (
    DirectionInput,
    Handler,
    assignment_complete,
    assignment_delegate,
    direction_create,
    incoming_close_for_information,
    processing_note_add,
)
from vanthu.documents.inputs import IncomingInput
from vanthu.documents.models import DocumentType, IncomingDocument
from vanthu.documents.services import (
    incoming_create,
    incoming_present,
    incoming_receive_electronic,
    incoming_register,
    incoming_return,
)
from vanthu.organizations.models import Agency
from vanthu.workflows.enums import HandlerRole
from vanthu.workflows.models import Assignment, Direction

S = IncomingState
# Share of each state, and how many days ago such documents typically arrived.
STATE_WEIGHTS: dict[str, int] = {S.ARRIVED: 10, S.RETURNED: 4, S.REGISTERED: 10, S.PRESENTED: 12, S.ASSIGNED: 16,
                 S.IN_PROGRESS: 22, S.COMPLETED: 26}
AGE_DAYS: dict[str, tuple[int, int]] = {
    S.ARRIVED: (0, 2), S.RETURNED: (0, 110), S.REGISTERED: (0, 7), S.PRESENTED: (0, 10), S.ASSIGNED: (1, 30),
    S.IN_PROGRESS: (3, 90), S.COMPLETED: (10, 118),
}
ORDER: list[str] = [S.REGISTERED, S.PRESENTED, S.ASSIGNED, S.IN_PROGRESS, S.COMPLETED]


@dataclass(frozen=True)
class Plan:
    target: DemoAgency
    state: str
    arrived_at: dt.datetime
    issuer: IssuerSpec
    type_code: str
    subject: str
    number: int
    registration_delay: dt.timedelta  # electronic arrivals are accepted a little later; paper ones at once
    secret: bool = False

    @property
    def registered_at(self) -> dt.datetime:
        return self.arrived_at + self.registration_delay


def _reached(state: str, step: str) -> bool:
    return state in ORDER and ORDER.index(state) >= ORDER.index(step)


class DocumentLoader:
    def __init__(self, org: DemoOrganisation, *, total: int, seed: int = 2026) -> None:
        self.org = org
        self.total = total
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        # Keep the whole history in this year so every số đến belongs to this year's series.
        self.start = max(self.today - dt.timedelta(days=120), dt.date(self.today.year, 1, 1))
        self.types = {t.code: t for t in DocumentType.objects.all()}
        self.agencies_by_slug = {a.spec.slug: a.agency for a in org.agencies}
        self.numbers = {i.abbreviation: self.rng.randint(80, 900) for i in ISSUERS}

    def _arrival(self, state: str) -> dt.datetime:
        low, high = AGE_DAYS[state]
        day = max(self.today - dt.timedelta(days=self.rng.randint(low, high)), self.start)
        while day.weekday() >= 5 and day > self.start:
            day -= dt.timedelta(days=1)
        moment = dt.datetime.combine(day, dt.time(7, 30), tzinfo=timezone.get_current_timezone())
        moment += dt.timedelta(minutes=self.rng.randint(0, 9 * 60))
        return min(moment, self.now - dt.timedelta(minutes=self.rng.randint(5, 120)))

    def _states(self) -> list[str]:
        weight_sum = sum(STATE_WEIGHTS.values())
        states: list[str] = [s for s, w in STATE_WEIGHTS.items() for _ in range(round(self.total * w / weight_sum))]
        states = (states + [S.IN_PROGRESS] * self.total)[: self.total]
        self.rng.shuffle(states)
        return states

    def plan(self) -> list[Plan]:
        slots = [a for a in self.org.agencies for _ in range(a.spec.documents)]
        scale = self.total / len(slots)
        targets = [slots[int(i / scale)] for i in range(self.total)] if scale < 1 else \
            [slots[i % len(slots)] for i in range(self.total)]
        plans = [self._plan_one(target, state) for target, state in zip(targets, self._states(), strict=True)]
        province = self.org.agencies[0]
        for state in (S.REGISTERED, S.PRESENTED, S.ASSIGNED):
            plans.append(self._plan_one(province, state, secret=True))
        # Created in registration order, so số đến grows with the (backdated) arrival dates.
        return sorted(plans, key=lambda p: p.registered_at)

    def _plan_one(self, target: DemoAgency, state: str, secret: bool = False) -> Plan:
        issuers = [i for i in ISSUERS if i.slug != target.spec.slug]
        issuer = self.rng.choice(issuers)
        type_code, subject = self.rng.choice(SUBJECTS)
        self.numbers[issuer.abbreviation] += self.rng.randint(1, 9)
        subject = subject.format(y=self.today.year, n=self.today.year + 1)
        electronic = not secret and (state in (S.ARRIVED, S.RETURNED) or self.rng.random() < 0.6)
        delay = dt.timedelta(minutes=self.rng.randint(20, 180) if electronic else 0)
        return Plan(target, state, self._arrival(state), issuer, type_code, subject,
                    self.numbers[issuer.abbreviation], delay, secret)

    def _input(self, plan: Plan, issued: dt.date) -> IncomingInput:
        doc_type = self.types.get(plan.type_code) or self.types["CONG_VAN"]
        notation = f"{doc_type.abbreviation}-{plan.issuer.abbreviation}" if doc_type.abbreviation else \
            f"{plan.issuer.abbreviation}-{plan.issuer.unit}"
        main = None
        if not plan.secret:
            letter = DemoLetter(
                parent=plan.issuer.parent, issuer=plan.issuer.name, reference=f"{plan.number}/{notation}",
                place=plan.issuer.place, issued=issued, type_name="" if not doc_type.abbreviation else doc_type.name,
                subject=plan.subject, addressee=plan.target.agency.name,
                paragraphs=tuple(p.format(issuer=plan.issuer.name) for p in BODY),
                recipients=("Như trên;", f"Lưu: VT, {plan.issuer.unit}."),
                signer_position=plan.issuer.signer_position, signer_name=plan.issuer.signers[0],
            )
            main = UploadedContent(f"{plan.number}-{plan.issuer.abbreviation}.pdf".replace("Đ", "D"),
                                   demo_letter_pdf(letter))
        roll = self.rng.random()
        priority = Priority.VERY_URGENT if roll < 0.04 else Priority.URGENT if roll < 0.16 else Priority.NORMAL
        return IncomingInput(
            document_type_id=doc_type.pk, code_number=str(plan.number), code_notation=notation, issued_date=issued,
            organ_name=plan.issuer.name, organ_id=plan.issuer.organ_id,
            issuer_id=self.agencies_by_slug[plan.issuer.slug].pk if plan.issuer.slug else None,
            subject=plan.subject, signer_position=plan.issuer.signer_position,
            signer_full_name=plan.issuer.signers[self.rng.randrange(len(plan.issuer.signers))],
            priority=priority, confidentiality=Confidentiality.SECRET if plan.secret else Confidentiality.NONE,
            to_places=plan.target.agency.name, main_file=main,
        )

    def _receive(self, plan: Plan, data: IncomingInput) -> IncomingDocument:
        kit = plan.target
        if not plan.registration_delay:
            return incoming_create(actor=kit.clerk, data=data)
        sender: Agency | None = self.agencies_by_slug.get(plan.issuer.slug or "")
        document = incoming_receive_electronic(agency=kit.agency, data=data, received_by=self.org.system_user,
                                               sender=sender)
        if plan.state == S.RETURNED:
            return incoming_return(actor=kit.clerk, document_id=document.pk, reason=self.rng.choice(RETURN_REASONS))
        if plan.state == S.ARRIVED:
            return document
        return incoming_register(actor=kit.clerk, document_id=document.pk)

    def _handle(self, plan: Plan, document: IncomingDocument) -> int | None:
        """Move a registered document on to its target state; returns the deadline in working days, if any."""
        kit = plan.target
        if not _reached(plan.state, S.PRESENTED):
            return None
        leader = kit.head if self.rng.random() < 0.5 else kit.deputy
        incoming_present(actor=kit.clerk, document_id=document.pk, leader_id=leader.user.pk)
        if plan.state == S.PRESENTED:
            return None
        if plan.state == S.COMPLETED and plan.type_code in ("GIAY_MOI", "THONG_BAO"):
            incoming_close_for_information(actor=leader, document_id=document.pk, instruction="Để biết, lưu.")
            return None
        unit = self.rng.choice(kit.handling_units)
        others = [u for u in kit.handling_units if u is not unit]
        lead = Handler(unit_id=unit.unit.pk) if unit.leader else Handler(user_id=unit.specialist.user.pk)
        cooperating = [Handler(unit_id=others[0].unit.pk)] if others and others[0].leader and \
            self.rng.random() < 0.4 else []
        days = self.rng.choice((5, 7, 10, 15))
        direction_create(actor=leader, document_id=document.pk, data=DirectionInput(
            lead=lead, cooperating=cooperating, due_in_working_days=days,
            instruction=f"Giao {unit.unit.name} chủ trì, tham mưu xử lý.",
        ))
        if _reached(plan.state, S.IN_PROGRESS):
            self._work(plan, document, unit)
        return days

    def _work(self, plan: Plan, document: IncomingDocument, unit: DemoUnit) -> None:
        lead = Assignment.objects.get(incoming=document, role=HandlerRole.LEAD, parent__isnull=True)
        if unit.leader is not None:
            [mine] = assignment_delegate(actor=unit.leader, assignment_id=lead.pk,
                                         user_ids=[unit.specialist.user.pk])
        else:
            mine = lead
        processing_note_add(actor=unit.specialist, assignment_id=mine.pk,
                            text="Đang tổng hợp, xây dựng dự thảo văn bản trả lời.")
        if plan.state == S.COMPLETED:
            reply = f"{self.rng.randint(100, 999)}/{plan.target.spec.abbreviation}-{unit.unit.abbreviation}" \
                if self.rng.random() < 0.6 else ""
            assignment_complete(actor=unit.specialist, assignment_id=mine.pk, result_note=self.rng.choice(RESULTS),
                                reply_reference=reply)

    def _backdate(self, plan: Plan, document: IncomingDocument, days: int | None) -> None:
        """Demo-only: move the service timestamps back to the planned history."""
        arrived = plan.arrived_at
        registered = plan.registered_at
        forwarded = registered + dt.timedelta(minutes=self.rng.randint(30, 240))
        fields: dict[str, object] = {"arrived_at": arrived}
        if document.arrival_number is not None:
            fields["arrival_date"] = min(registered, self.now)
        if _reached(plan.state, S.PRESENTED):
            fields["forwarded_at"] = min(forwarded, self.now)
        due: dt.date | None = None
        if days is not None:
            due = add_working_days(timezone.localtime(forwarded).date(), days)
            if plan.state != S.COMPLETED and due < self.today and self.rng.random() < 0.5:
                due = add_working_days(self.today, self.rng.randint(1, 8))  # extended by a re-direction
            fields["due_date"] = due
            Direction.objects.filter(incoming=document, is_current=True).update(due_date=due)
            Assignment.objects.filter(incoming=document).exclude(role=HandlerRole.INFORMED).update(due_date=due)
        if plan.state == S.COMPLETED:
            base = timezone.localtime(forwarded)
            late = self.rng.random() < 0.15
            span = (days or 3) + (self.rng.randint(2, 6) if late else -self.rng.randint(0, 2))
            completed = base + dt.timedelta(days=max(span, 1), hours=self.rng.randint(0, 5))
            fields["completed_at"] = min(completed, self.now - dt.timedelta(minutes=10))
        IncomingDocument.objects.filter(pk=document.pk).update(**fields)

    def load(self) -> int:
        created = 0
        for plan in self.plan():
            issued = timezone.localtime(plan.arrived_at).date() - dt.timedelta(days=self.rng.randint(0, 6))
            document = self._receive(plan, self._input(plan, issued))
            days = self._handle(plan, document)
            self._backdate(plan, document, days)
            created += 1
        return created
