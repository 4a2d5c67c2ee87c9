"""The outgoing document page and its downloads: versions (PDF and source), attachments.

The page shows the metadata, a PDF.js preview of the latest version, the review route round by round, the
deliveries with each recipient's latest status and history, the timeline from the audit trail, the signature
verdict of the current PDF, and the action forms the actor may use.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from vanthu.core.blobs import blob_open
from vanthu.core.errors import NotFoundError
from vanthu.core.files import DOCX, PDF
from vanthu.core.models import AuditEvent, Blob
from vanthu.documents.outgoing.enums import OutgoingState as S
from vanthu.documents.outgoing.enums import ReviewKind, delivery_status_label
from vanthu.documents.outgoing.models import (
    DraftVersion,
    OutgoingAttachment,
    OutgoingDelivery,
    OutgoingDocument,
    ReviewStep,
)
from vanthu.documents.outgoing.permissions import review_current_steps
from vanthu.documents.outgoing.selectors import outgoing_delivery_list_for_user, outgoing_replaced_by
from vanthu.documents.outgoing.signers import document_signers, next_signer
from vanthu.organizations.actor import Actor
from vanthu.organizations.guards import actor_required
from vanthu.signing.selectors import pdf_check_latest, pdf_check_verdict_text
from vanthu.signing.validation.report import Indication
from vanthu.web.forms.actions import ReasonForm
from vanthu.web.forms.outgoing import (
    AttachmentForm,
    CommentForm,
    IssueForm,
    KeyDeviceForm,
    ScanForm,
    VersionForm,
)
from vanthu.web.views.outgoing_common import (
    OUTGOING_TARGET,
    SENDER_ONLY_EVENTS,
    STATE_CLASSES,
    STATUS_CLASSES,
    agency_choices,
    event_label,
    external_choices,
    key_device_choices,
    outgoing_actions,
    outgoing_or_404,
    reviewer_choices,
    unit_choices,
)

VERDICT_CLASSES = {Indication.TOTAL_PASSED.value: "success", Indication.TOTAL_FAILED.value: "danger",
                   Indication.INDETERMINATE.value: "warning"}


def _rounds(document: OutgoingDocument) -> list[tuple[int, list[ReviewStep]]]:
    steps = ReviewStep.objects.filter(document=document).select_related("reviewer").order_by("-round", "order")
    return [(number, list(rows)) for number, rows in groupby(steps, key=lambda s: s.round)]


def _deliveries(actor: Actor, document: OutgoingDocument) -> list[OutgoingDelivery] | None:
    """Each recipient with its latest status and history; ``None`` for a reader who is not on the issuing side
    (a unit the document was delivered to), who must not learn about the other recipients."""
    try:
        deliveries = outgoing_delivery_list_for_user(actor=actor, document_id=document.pk)
    except NotFoundError:
        return None
    for delivery in deliveries:
        delivery.status_label = delivery_status_label(delivery.status_code)  # type: ignore[attr-defined]
        delivery.status_class = STATUS_CLASSES.get(delivery.status_code, "secondary")  # type: ignore[attr-defined]
        delivery.history = [  # type: ignore[attr-defined]
            (event, delivery_status_label(event.code)) for event in delivery.events.all()
        ]
    return deliveries


def _signature_check(blob_id: int | None) -> dict[str, Any] | None:
    """The stored validation of the current PDF: the verdict word, its badge colour, and the check itself."""
    check = pdf_check_latest(blob_id) if blob_id is not None else None
    if check is None:
        return None
    css = VERDICT_CLASSES.get(check.verdict, "secondary")
    return {"check": check, "verdict": pdf_check_verdict_text(check), "css": css}


def _route_rows(rounds: list[tuple[int, list[ReviewStep]]]) -> list[dict[str, Any]]:
    """Rows the route builder starts with: the last round's route, or two content steps and the format check."""
    if rounds:
        return [{"reviewer": s.reviewer_id, "kind": s.kind, "group": s.parallel_group or ""} for s in rounds[0][1]]
    return [{"reviewer": "", "kind": ReviewKind.CONTENT, "group": ""},
            {"reviewer": "", "kind": ReviewKind.CONTENT, "group": ""},
            {"reviewer": "", "kind": ReviewKind.FORMAT, "group": ""}]


def _action_forms(actor: Actor, document: OutgoingDocument, actions: Any, rounds: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if actions.new_version or actions.resubmit:
        context["version_form"] = VersionForm(type_code=document.document_type.code, prefix="version")
    if actions.attachments:
        context["attachment_form"] = AttachmentForm(prefix="attachment")
    if actions.submit or actions.resubmit:
        context["route_reviewers"] = reviewer_choices(actor)
        context["route_rows"] = _route_rows(rounds)
        context["blank_route_rows"] = [{"kind": ReviewKind.CONTENT}, {"kind": ReviewKind.CONTENT},
                                       {"kind": ReviewKind.FORMAT}]
        context["review_kinds"] = ReviewKind.choices
    if actions.review:
        context["review_form"] = CommentForm(prefix="review")
    if actions.signer_return:
        context["signer_return_form"] = CommentForm(prefix="signer")
    if actions.sign:
        context["sign_form"] = KeyDeviceForm(devices=key_device_choices(actor, "PERSONAL"), prefix="sign")
    if actions.seal:
        context["seal_form"] = KeyDeviceForm(devices=key_device_choices(actor, "ORGANISATION"), prefix="seal")
    if actions.sign_on_paper:
        context["scan_form"] = ScanForm(prefix="paper")
    if actions.issue:
        recipients = list(document.recipients.values_list("pk", flat=True))
        context["issue_form"] = IssueForm(
            units=unit_choices(actor), agencies=agency_choices(actor), external=external_choices(),
            secret=document.is_secret, prefix="issue",
            initial={"agencies": [] if document.is_secret else recipients},
        )
    if actions.cancel:
        context["cancel_form"] = ReasonForm(prefix="cancel")
    if actions.void:
        context["void_form"] = ReasonForm(prefix="void")
    if actions.recall:
        context["recall_form"] = ReasonForm(prefix="recall")
    return context


@actor_required
def outgoing_detail_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = outgoing_or_404(actor, pk)
    versions = list(DraftVersion.objects.filter(document=document).select_related("created_by", "pdf", "source")
                    .order_by("-number"))
    current = versions[0] if versions else None
    rounds = _rounds(document)
    open_steps = review_current_steps(document) if document.state == S.IN_REVIEW else []
    signers = document_signers(document)
    awaiting = signers if document.state == S.AWAITING_SIGNATURE else []
    actions = outgoing_actions(actor=actor, document=document, open_steps=open_steps, signers=awaiting)
    deliveries = _deliveries(actor, document)
    events = AuditEvent.objects.filter(target_type=OUTGOING_TARGET, target_id=str(document.pk))
    if deliveries is None:
        events = events.exclude(event_type__in=SENDER_ONLY_EVENTS)
    timeline = [(event, event_label(event.event_type)) for event in events.select_related("actor").order_by("id")]
    context: dict[str, Any] = {
        "document": document, "state_css": STATE_CLASSES.get(document.state, "secondary"),
        "versions": versions, "current": current, "rounds": rounds,
        "open_step_ids": {s.pk for s in open_steps}, "actions": actions, "timeline": timeline,
        "attachments": list(OutgoingAttachment.objects.filter(document=document).order_by("order", "id")),
        "recipients": list(document.recipients.order_by("name")),
        "deliveries": deliveries or [],
        "signature": _signature_check(current.pdf_id if current else None),
        "replaced_by": outgoing_replaced_by(document),
        # Co-signers first, the main signer last (outgoing/signers.py); who signs next while awaiting signatures.
        "cosigners": [slot for slot in signers if not slot.is_main], "next_signer": next_signer(awaiting),
    }
    if actions.any:
        context.update(_action_forms(actor, document, actions, rounds))
    return render(request, "web/outgoing/detail.html", context)


def _send(request: HttpRequest, blob: Blob, filename: str, content_type: str, *, inline: bool = True) -> FileResponse:
    as_attachment = not (inline and request.GET.get("inline") == "1")
    response = FileResponse(blob_open(blob), content_type=content_type, as_attachment=as_attachment, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@actor_required
def outgoing_version_file_view(request: HttpRequest, actor: Actor, pk: int, version_id: int) -> HttpResponseBase:
    """The PDF of one version. ``?inline=1`` lets the PDF viewer read it in the page."""
    document = outgoing_or_404(actor, pk)
    version = DraftVersion.objects.filter(pk=version_id, document=document).select_related("pdf").first()
    if version is None:
        raise Http404
    return _send(request, version.pdf, version.filename, PDF)


@actor_required
def outgoing_source_file_view(request: HttpRequest, actor: Actor, pk: int, version_id: int) -> HttpResponseBase:
    """The DOCX/ODT a version was made from, always as a download."""
    document = outgoing_or_404(actor, pk)
    version = DraftVersion.objects.filter(pk=version_id, document=document).select_related("source").first()
    if version is None or version.source is None:
        raise Http404
    source = version.source
    extension = ".docx" if source.content_type == DOCX else ".odt"
    stem = version.filename.rsplit(".", 1)[0] or f"du-thao-{document.pk}"
    return _send(request, source, f"{stem}{extension}", source.content_type, inline=False)


@actor_required
def outgoing_attachment_file_view(request: HttpRequest, actor: Actor, pk: int, attachment_id: int) -> HttpResponseBase:
    """An attachment: the stamped copy once the agency has signed it, else the original."""
    document = outgoing_or_404(actor, pk)
    attachment = (OutgoingAttachment.objects.filter(pk=attachment_id, document=document)
                  .select_related("original", "stamped").first())
    if attachment is None:
        raise Http404
    blob = attachment.stamped or attachment.original
    if request.GET.get("original") == "1":
        blob = attachment.original
    return _send(request, blob, attachment.filename, PDF)
