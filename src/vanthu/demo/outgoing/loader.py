"""Outgoing documents of Tỉnh Demo in every state, really signed with the demo PKI (``vanthu demo-sign``).

Runs after ``vanthu demo-load`` and ``vanthu pki init`` (which registers the demo leaders' and agencies' key
devices, PIN ``123456``). Everything goes through the real services: drafting from the built-in ND30 templates
(and from a DOCX when LibreOffice is installed), the review route, the leader's PAdES signature, the number and
date filled into the signed PDF, the agency's signature with the seal, the issue to units and to other demo
agencies, and the recipients' own moves (register, assign, process, complete, return; agree to or refuse a
recall), so the statuses 01–06, 13, 15 and 16 flow back to the sender exactly as they do in use.

Signing needs the demo PKI's TSA and OCSP service: when nothing answers on its port, the service is started in
this process for the duration. KHÔNG DÙNG CHO MỤC ĐÍCH THẬT — the demo certificates have no legal value.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError
from vanthu.core.files import UploadedContent
from vanthu.demo.data import AGENCIES, PLACE
from vanthu.demo.loader import demo_exists
from vanthu.demo.outgoing.files import attachment_pdf, demo_docx
from vanthu.demo.outgoing.people import Recipient, Sender, recipient_for, sender_for
from vanthu.demo.outgoing.pkiservice import demo_pki_running
from vanthu.demo.outgoing.plans import ATTACHMENT_ROWS, PLANS, SENDERS, Plan, S
from vanthu.demo.pdf import DemoLetter, demo_letter_pdf
from vanthu.demo.pki.register import DEMO_PIN
from vanthu.documents.convert import office_available
from vanthu.documents.handling import (
    DirectionInput,
    assignment_complete,
    assignment_delegate,
    direction_create,
    processing_note_add,
)
from vanthu.documents.models import DocumentType, IncomingDocument
from vanthu.documents.outgoing.distribution import ExternalRecipient
from vanthu.documents.outgoing.enums import ReviewKind
from vanthu.documents.outgoing.inputs import OutgoingInput, Route, RouteStep, TemplateInput
from vanthu.documents.outgoing.models import DeliveryKind, OutgoingDelivery, OutgoingDocument
from vanthu.documents.outgoing.services import (
    outgoing_attachment_add,
    outgoing_cancel,
    outgoing_create,
    outgoing_issue,
    outgoing_mark_signed_on_paper,
    outgoing_number,
    outgoing_recall,
    outgoing_seal_batch_start,
    outgoing_sign_personal,
    outgoing_submit,
    outgoing_void,
    review_approve,
    review_return,
)
from vanthu.documents.recall import incoming_recall_agree, incoming_recall_refuse
from vanthu.documents.services import incoming_present, incoming_register, incoming_return
from vanthu.exchange.client import hub_configured
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import Agency
from vanthu.reports.rollup import stats_rebuild
from vanthu.signing.models import SigningJob, SigningJobState
from vanthu.signing.tasks import signing_job_wait
from vanthu.workflows.enums import HandlerRole
from vanthu.workflows.models import Assignment


@dataclass(frozen=True)
class DemoSignSummary:
    created: bool  # False when the demo's outgoing documents were already there and nothing was done
    documents: int
    states: dict[str, int]  # OutgoingState value → count, over the demo agencies
    senders: tuple[str, ...]  # names of the agencies that drafted and signed
    docx: bool  # whether a DOCX draft was converted (LibreOffice installed)
    started_pki: bool  # whether the PKI service was started in this process
    seconds: float







class OutgoingLoader:
    def __init__(self, senders: list[Sender]) -> None:
        self.senders = senders
        today = timezone.localdate()
        self.years = {"y": today.year, "n": today.year + 1}
        self.types = {t.code: t for t in DocumentType.objects.all()}
        self.docx = office_available()
        self.recipients: dict[str, Recipient | None] = {}

    def text(self, text: str) -> str:
        return text.format(**self.years)

    def _recipient(self, slug: str, sender: Sender) -> Recipient | None:
        if slug not in self.recipients:
            self.recipients[slug] = recipient_for(slug)
        found = self.recipients[slug]
        return found if found is not None and found.agency.pk != sender.agency.pk else None

    def _signer(self, plan: Plan, sender: Sender) -> tuple[Actor, str, str, str]:
        """(signer, capacity, title, authority) per ND30 Phụ lục I: a deputy signs KT. for the head."""
        if plan.signer == "deputy":
            return sender.deputy, "KT.", sender.spec.deputy, sender.spec.head
        if plan.capacity == "TM." and sender.spec.head == "Chủ tịch":  # a collective body: TM. ỦY BAN NHÂN DÂN
            return sender.head, "TM.", sender.spec.head, "Ủy ban nhân dân"
        return sender.head, "", sender.spec.head, ""

    def _draft(self, plan: Plan, sender: Sender) -> OutgoingDocument:
        signer, capacity, title, authority = self._signer(plan, sender)
        recipients = [r for slug, _code in plan.recipients if (r := self._recipient(slug, sender)) is not None]
        data = OutgoingInput(
            document_type_id=self.types[plan.type_code].pk, subject=self.text(plan.subject),
            summary=plan.summary, priority=plan.priority, confidentiality=plan.confidentiality,
            signer_id=signer.user.pk, signing_capacity=capacity, signer_title=title,
            recipient_ids=tuple(r.agency.pk for r in recipients),
            to_places="\n".join([*plan.to_places.splitlines(),
                                 *(f"{r.agency.name};" for r in recipients if r.agency.name not in plan.to_places)]),
        )
        drafter = sender.specialist
        if plan.docx and self.docx:
            unit_abbr = drafter.unit.abbreviation if drafter.unit else "VP"
            source = demo_docx(agency=sender.agency, unit_abbr=unit_abbr, subject=data.subject,
                               addressees=plan.addressees, paragraphs=self.text(plan.body).split("\n\n"),
                               capacity=f"{capacity} {sender.spec.head}" if capacity else "", title=title,
                               signer_name=signer.user.full_name)
            return outgoing_create(actor=drafter, data=data, source=UploadedContent("du-thao-cong-van.docx", source),
                                   note=_("Dự thảo soạn bằng Word"))
        template = TemplateInput(body=self.text(plan.body), addressees=plan.addressees, authority=authority,
                                 place_name=sender.agency.place_name or PLACE)
        return outgoing_create(actor=drafter, data=data, template=template)

    def _route(self, sender: Sender) -> Route:
        return Route((RouteStep(sender.unit_leader.user.pk, ReviewKind.CONTENT),
                      RouteStep(sender.format_checker.user.pk, ReviewKind.FORMAT)))

    def build(self, plan: Plan) -> OutgoingDocument:
        sender = self.senders[plan.sender % len(self.senders)]
        document = self._draft(plan, sender)
        pk = document.pk
        if plan.target == S.DRAFTING:
            return document
        if plan.target == S.CANCELLED:
            return outgoing_cancel(actor=sender.specialist, document_id=pk, reason=plan.reason)
        if plan.attachment:
            note = f"(Kèm theo {document.document_type.name} của {sender.agency.name})"
            pdf = attachment_pdf(title=self.text(plan.attachment), note=note, rows=ATTACHMENT_ROWS)
            outgoing_attachment_add(actor=sender.specialist, document_id=pk,
                                    upload=UploadedContent("phu-luc-01.pdf", pdf))
        outgoing_submit(actor=sender.specialist, document_id=pk, route=self._route(sender))
        if plan.target == S.CHANGES_REQUESTED:
            return review_return(actor=sender.unit_leader, document_id=pk, comment=plan.reason)
        review_approve(actor=sender.unit_leader, document_id=pk, comment=_("Đồng ý nội dung."))
        if plan.target == S.IN_REVIEW:
            return OutgoingDocument.objects.get(pk=pk)
        review_approve(actor=sender.format_checker, document_id=pk, comment=_("Đúng thể thức."))
        if plan.target == S.AWAITING_SIGNATURE:
            return OutgoingDocument.objects.get(pk=pk)
        self._sign(plan, sender, pk)
        if plan.target == S.SIGNED:
            return OutgoingDocument.objects.get(pk=pk)
        document = outgoing_number(actor=sender.clerk, document_id=pk)
        if plan.target == S.NUMBERED:
            return document
        if plan.target == S.VOIDED:
            return outgoing_void(actor=sender.clerk, document_id=pk, reason=plan.reason)
        if not plan.confidentiality:
            self._seal(sender, pk)
        if plan.target == S.SEALED:
            return OutgoingDocument.objects.get(pk=pk)
        self._issue(plan, sender, pk)
        if plan.target == S.RECALLED:
            self._recall(plan, sender, pk)
        return OutgoingDocument.objects.get(pk=pk)

    def _sign(self, plan: Plan, sender: Sender, pk: int) -> None:
        if plan.confidentiality:
            # Secret documents are signed by hand (never on the network); the clerk keeps the scan.
            signer, capacity, title, _authority = self._signer(plan, sender)
            document = OutgoingDocument.objects.get(pk=pk)
            unit_abbr = sender.specialist.unit.abbreviation if sender.specialist.unit else "VP"
            scan = DemoLetter(
                parent=sender.agency.parent.name if sender.agency.parent else "", issuer=sender.agency.name,
                reference=f"      /{sender.agency.abbreviation}-{unit_abbr}", place=sender.agency.place_name or PLACE,
                issued=timezone.localdate(), type_name="", subject=f"V/v {document.subject}",
                addressee=plan.addressees, paragraphs=(self.text(plan.body),), recipients=("Như trên;", "Lưu: VT."),
                signer_position=f"{capacity} {title}".strip(), signer_name=signer.user.full_name,
            )
            outgoing_mark_signed_on_paper(actor=sender.clerk, document_id=pk,
                                          scan=UploadedContent("ban-quet-da-ky.pdf", demo_letter_pdf(scan)))
            return
        signer, *_rest = self._signer(plan, sender)
        outgoing_sign_personal(actor=signer, document_id=pk, key_device_id=sender.devices[plan.signer].pk,
                               pin=DEMO_PIN)

    def _seal(self, sender: Sender, pk: int) -> None:
        """Ký số cơ quan through the batch (the clerk's "ký số hàng loạt"), which the demo also shows as a job."""
        job = outgoing_seal_batch_start(actor=sender.clerk, document_ids=[pk],
                                        key_device_id=sender.devices["agency"].pk, pin=DEMO_PIN)
        signing_job_wait(job.pk, timeout=300)
        job = SigningJob.objects.get(pk=job.pk)
        if job.state != SigningJobState.DONE:
            messages = "; ".join(str(e.get("message", "")) for e in job.errors or [])
            raise ApplicationError("demo.seal_failed", _("Ký số cơ quan văn bản mẫu không thành công: %(errors)s")
                                   % {"errors": messages or job.get_state_display()})

    def _issue(self, plan: Plan, sender: Sender, pk: int) -> None:
        units = [u.pk for u in sender.units]
        if plan.confidentiality:
            outgoing_issue(actor=sender.clerk, document_id=pk, unit_ids=units[:1], agency_ids=(),
                           note=_("Phát hành bản giấy (văn bản mật)."))
            return
        recipients = [(r, code) for slug, code in plan.recipients if (r := self._recipient(slug, sender))]
        external = [ExternalRecipient(code, name) for code, name in plan.external] if hub_configured() else []
        outgoing_issue(actor=sender.clerk, document_id=pk, unit_ids=units,
                       agency_ids=tuple(r.agency.pk for r, _code in recipients), external=external)
        copies = {d.agency_id: d.incoming_id for d in OutgoingDelivery.objects.filter(
            document_id=pk, kind=DeliveryKind.AGENCY, incoming__isnull=False)}
        for recipient, code in recipients:
            copy_id = copies.get(recipient.agency.pk)
            if copy_id is not None:
                self._recipient_moves(recipient, copy_id, code, plan.reason)

    def _recipient_moves(self, recipient: Recipient, copy_id: int, code: str, reason: str) -> None:
        """The recipient's own work on its copy, up to the QCVN 102 status ``code`` the sender then sees."""
        if code == "02":
            incoming_return(actor=recipient.clerk, document_id=copy_id, reason=reason)
            return
        if code not in ("03", "04", "05", "06"):
            return
        incoming_register(actor=recipient.clerk, document_id=copy_id)
        if code == "03":
            return
        incoming_present(actor=recipient.clerk, document_id=copy_id, leader_id=recipient.head.user.pk)
        direction_create(actor=recipient.head, document_id=copy_id, data=DirectionInput(
            lead=recipient.lead(), due_in_working_days=10, instruction=_("Giao chủ trì tham mưu, triển khai.")))
        if code == "04":
            return
        lead = Assignment.objects.get(incoming_id=copy_id, role=HandlerRole.LEAD, parent__isnull=True)
        if lead.unit_id is not None and recipient.unit_leader is not None:
            [lead] = assignment_delegate(actor=recipient.unit_leader, assignment_id=lead.pk,
                                         user_ids=[recipient.specialist.user.pk])
        processing_note_add(actor=recipient.specialist, assignment_id=lead.pk,
                            text=_("Đang tổng hợp, xây dựng kế hoạch triển khai."))
        if code == "06":
            assignment_complete(actor=recipient.specialist, assignment_id=lead.pk,
                                result_note=_("Đã triển khai thực hiện, lưu hồ sơ công việc."))

    def _recall(self, plan: Plan, sender: Sender, pk: int) -> None:
        """The leader orders the recall (13); the first recipient agrees (15), the others refuse (16)."""
        outgoing_recall(actor=sender.head, document_id=pk, reason=plan.reason)
        copies = IncomingDocument.objects.filter(
            pk__in=OutgoingDelivery.objects.filter(document_id=pk, kind=DeliveryKind.AGENCY).values("incoming_id"))
        for index, copy in enumerate(copies.order_by("id")):
            recipient = next(r for r in self.recipients.values() if r is not None and r.agency.pk == copy.agency_id)
            if index == 0:
                incoming_recall_agree(actor=recipient.clerk, document_id=copy.pk)
            else:
                incoming_recall_refuse(actor=recipient.clerk, document_id=copy.pk,
                                       reason=_("Văn bản đã được triển khai thực hiện; đề nghị ban hành văn bản "
                                                "điều chỉnh thay vì thu hồi."))


# --- Entry points -------------------------------------------------------------------------------------------------


def _demo_agencies() -> list[Agency]:
    return list(Agency.objects.filter(organ_id__in=[a.organ_id for a in AGENCIES]))


def demo_outgoing_exists() -> bool:
    return OutgoingDocument.objects.filter(agency__in=_demo_agencies()).exists()


def demo_senders() -> list[Sender]:
    """The demo agencies ready to sign (demo PKI registered for their leaders and the agency), SENDERS first."""
    ordered = sorted(AGENCIES, key=lambda a: (SENDERS.index(a.slug) if a.slug in SENDERS else len(SENDERS)))
    found: list[Sender] = []
    for spec in ordered:
        sender = sender_for(spec)
        if sender is not None:
            found.append(sender)
        if len(found) == len(SENDERS):
            break
    return found


def _summary(*, created: bool, started: float, senders: list[Sender], docx: bool,
             started_pki: bool) -> DemoSignSummary:
    states = Counter(OutgoingDocument.objects.filter(agency__in=_demo_agencies()).values_list("state", flat=True))
    return DemoSignSummary(created=created, documents=sum(states.values()), states=dict(states),
                           senders=tuple(s.agency.name for s in senders), docx=docx, started_pki=started_pki,
                           seconds=time.monotonic() - started)


def demo_sign(*, pki_dir: Path | None = None) -> DemoSignSummary:
    """Create the demo's outgoing documents in every state (see the module docstring). Does nothing when demo
    outgoing documents already exist.

    Each step is its own transaction, as in use: the agency signatures run as batches in a background thread,
    which must see the committed documents. A failure midway leaves the documents made so far (the message says
    to start again with ``make demo-reset``)."""
    started = time.monotonic()
    if not demo_exists():
        raise ApplicationError("demo.not_loaded", _("Chưa có dữ liệu Tỉnh Demo: chạy `vanthu demo-load` trước."))
    if demo_outgoing_exists():
        return _summary(created=False, started=started, senders=[], docx=False, started_pki=False)
    directory = Path(pki_dir or settings.VANTHU_DEMO_PKI_DIR)
    senders = demo_senders()
    if not senders:
        raise ApplicationError(
            "demo.pki_not_registered",
            _("Chứng thư số demo chưa được đăng ký cho người dùng Tỉnh Demo: chạy `vanthu pki init` trước."),
        )
    loader = OutgoingLoader(senders)
    with demo_pki_running(directory) as started_pki:
        for plan in PLANS:
            if plan.docx and not loader.docx:
                continue
            try:
                loader.build(plan)
            except ApplicationError as exc:
                raise ApplicationError(
                    "demo.sign_failed",
                    _("Dừng tạo văn bản đi mẫu ở văn bản “%(subject)s”: %(reason)s Chạy `make demo-reset` để làm "
                      "lại từ đầu.") % {"subject": loader.text(plan.subject), "reason": exc.message},
                ) from exc
    stats_rebuild()  # the demo's issue dates are planned history, not "now"
    return _summary(created=True, started=started, senders=senders, docx=loader.docx, started_pki=started_pki)
