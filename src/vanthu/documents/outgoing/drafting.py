"""Writes while drafting: create, new version, submit to the review route, resubmit, cancel (ND30 Điều 10–12)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.blobs import blob_store
from vanthu.core.errors import ApplicationError, refuse_if
from vanthu.core.files import DOCX, ODT, PDF, CheckedFile, UploadedContent, file_check
from vanthu.documents.convert import office_to_pdf
from vanthu.documents.enums import Channel
from vanthu.documents.models import DocumentType, IncomingDocument
from vanthu.documents.outgoing.enums import OutgoingState, ReviewKind, SigningCapacity, TemplateKind
from vanthu.documents.outgoing.inputs import OutgoingInput, Route, RouteStep, TemplateInput
from vanthu.documents.outgoing.lifecycle import TRANSITIONS
from vanthu.documents.outgoing.models import DraftVersion, OutgoingDocument, ReviewStep
from vanthu.documents.outgoing.permissions import (
    can_cancel,
    can_draft,
    can_handle_secret,
    can_new_version,
    can_resubmit,
    can_submit,
    lock_visible,
)
from vanthu.documents.outgoing.placement import locate_fields
from vanthu.documents.outgoing.signers import (
    SIGNER_ROLES,
    cosigner_field_name,
    cosigners_check,
    cosigners_create,
    cosigners_reset,
    document_cosigners,
    signer_lines,
)
from vanthu.documents.outgoing.template import SignerBlock, TemplateFields, template_render
from vanthu.documents.outgoing.transitions import transition_apply
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import Agency, Membership, Unit, User

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _invalid(errors: dict[str, str]) -> ApplicationError:
    return ApplicationError(
        "invalid_input", _("Thông tin văn bản đi chưa hợp lệ: %(details)s") % {"details": " ".join(errors.values())},
        {"fields": errors},
    )


def _member(agency: Agency, user_id: int, roles: tuple[str, ...] = ()) -> User | None:
    qs = Membership.objects.filter(agency=agency, user_id=user_id, is_active=True)
    if roles:
        qs = qs.filter(roles__code__in=roles)
    membership = qs.select_related("user").first()
    return membership.user if membership else None


def _check_input(agency: Agency, data: OutgoingInput) -> dict[str, object]:
    errors: dict[str, str] = {}
    if not data.subject.strip():
        errors["subject"] = _("Chưa nhập trích yếu.")
    elif len(data.subject) > 500:
        errors["subject"] = _("Trích yếu dài quá 500 ký tự.")
    if not DocumentType.objects.filter(pk=data.document_type_id, is_active=True).exists():
        errors["document_type_id"] = _("Loại văn bản không hợp lệ.")
    if data.signing_capacity not in SigningCapacity.values:
        errors["signing_capacity"] = _("Thẩm quyền ký không hợp lệ.")
    signer = None
    if data.signer_id is not None:
        signer = _member(agency, data.signer_id, SIGNER_ROLES)
        if signer is None:
            errors["signer_id"] = _("Người ký phải là lãnh đạo của cơ quan.")
    cosigners, cosigner_errors = cosigners_check(
        agency=agency, entries=data.cosigners, main_signer_id=signer.pk if signer else data.signer_id,
        secret=bool(data.confidentiality))
    errors.update(cosigner_errors)
    recipients = list(Agency.objects.filter(pk__in=data.recipient_ids, is_active=True))
    if len(recipients) != len(set(data.recipient_ids)):
        errors["recipient_ids"] = _("Cơ quan nhận không hợp lệ.")
    reply_to = None
    if data.reply_to_id is not None:
        reply_to = IncomingDocument.objects.filter(pk=data.reply_to_id, agency=agency).first()
        if reply_to is None:
            errors["reply_to_id"] = _("Văn bản đến được trả lời không hợp lệ.")
    unit = None
    if data.drafting_unit_id is not None:
        unit = Unit.objects.filter(pk=data.drafting_unit_id, agency=agency, is_active=True).first()
        if unit is None:
            errors["drafting_unit_id"] = _("Đơn vị soạn thảo không hợp lệ.")
    if data.copy_count < 1:
        errors["copy_count"] = _("Số lượng bản phải lớn hơn 0.")
    if errors:
        raise _invalid(errors)
    return {
        "document_type_id": data.document_type_id, "subject": data.subject.strip(), "summary": data.summary.strip(),
        "priority": data.priority, "confidentiality": data.confidentiality, "signer": signer,
        "signing_capacity": data.signing_capacity, "signer_title": data.signer_title.strip(),
        "to_places": data.to_places.strip(), "is_internal": data.is_internal, "copy_count": data.copy_count,
        "reply_to": reply_to, "unit": unit, "recipients": recipients, "cosigners": cosigners,
        # Secret documents are registered and numbered but never travel over the network (ND30, Luật BVBMNN).
        "channel": Channel.PAPER if data.confidentiality else data.channel,
    }


def _template_pdf(document: OutgoingDocument, template: TemplateInput) -> tuple[bytes, str, int, dict[str, object]]:
    code = document.document_type.code
    if code not in TemplateKind.values:
        raise ApplicationError("no_template", _("Chưa có mẫu dựng sẵn cho loại văn bản này; hãy tải tệp lên."))
    agency = document.agency
    signer = document.signer
    cosigners = []
    for cosigner in document_cosigners(document):
        capacity, title = signer_lines(agency=cosigner.agency, capacity=cosigner.signing_capacity,
                                       title=cosigner.signer_title)
        cosigners.append(SignerBlock(field_name=cosigner_field_name(cosigner.order), capacity_line=capacity,
                                     title_line=title, name=cosigner.user.full_name or str(cosigner.user)))
    rendered = template_render(TemplateFields(
        kind=code, type_name=document.document_type.name, subject=document.subject, body=template.body,
        agency_name=agency.name, parent_agency_name=agency.parent.name if agency.parent else "",
        place_name=template.place_name or agency.place_name, addressees=template.addressees,
        to_places=document.to_places, signing_capacity=document.signing_capacity, authority=template.authority,
        signer_title=document.signer_title, signer_name=(signer.full_name or str(signer)) if signer else "",
        cosigners=tuple(cosigners),
    ))
    return rendered.pdf, code, rendered.page_count, dict(rendered.boxes)


def _check_source(source: UploadedContent) -> CheckedFile:
    checked = file_check(filename=source.filename, content=source.content)
    if checked.content_type not in (DOCX, ODT):
        raise ApplicationError("draft_source_type", _("Tệp nguồn của dự thảo phải là DOCX hoặc ODT."))
    return checked


def _converted(source: CheckedFile) -> UploadedContent:
    """The draft's PDF made by LibreOffice from its DOCX/ODT source (documents/convert.py)."""
    pdf = office_to_pdf(content=source.content, filename=source.filename)
    return UploadedContent(filename=f"{Path(source.filename).stem or 'du-thao'}.pdf", content=pdf)


def _convert_first(service: Callable[_P, _R]) -> Callable[_P, _R]:
    """Convert a DOCX/ODT-only draft before the service's transaction opens: LibreOffice takes seconds, and an open
    transaction would hold the row locks (and on SQLite, BEGIN IMMEDIATE, every other writer) meanwhile. The
    service then sees the converted PDF as the upload and the DOCX/ODT as its source."""

    @functools.wraps(service)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        source = kwargs.get("source")
        if isinstance(source, UploadedContent) and kwargs.get("upload") is None and kwargs.get("template") is None:
            kwargs["upload"] = _converted(_check_source(source))
        return service(*args, **kwargs)

    return wrapper


def _signer_name(document: OutgoingDocument) -> str:
    signer = document.signer
    return (signer.full_name or "") if signer else ""


def _add_version(
    *, document: OutgoingDocument, actor: Actor, upload: UploadedContent | None, source: UploadedContent | None,
    template: TemplateInput | None, note: str,
) -> DraftVersion:
    """A new DraftVersion from an uploaded PDF (its DOCX/ODT source kept if given), from a DOCX/ODT alone
    (converted to PDF with LibreOffice), or from a built-in template. Uploaded and converted PDFs get their number,
    date, signature and seal boxes located in the text (outgoing/placement.py). Every check and the conversion run
    before anything is stored, so a refused file leaves no blob behind."""
    if (upload is not None and template is not None) or (upload is None and template is None and source is None):
        raise ApplicationError("draft_source", _("Hãy tải lên tệp PDF hoặc DOCX/ODT của dự thảo, hoặc chọn một "
                                                 "mẫu dựng sẵn."))
    checked_source = _check_source(source) if source is not None else None
    if upload is None and template is None:
        assert checked_source is not None
        upload = _converted(checked_source)
    boxes: dict[str, object] = {}
    template_code = ""
    if upload is not None:
        checked = file_check(filename=upload.filename, content=upload.content)
        if checked.content_type != PDF:
            raise ApplicationError("draft_not_pdf", _("Dự thảo phải là tệp PDF."))
        pdf, filename, pages = checked.content, checked.filename, checked.page_count
        boxes = locate_fields(pdf, signer_name=_signer_name(document), place_name=document.agency.place_name)
    else:
        assert template is not None
        pdf, template_code, pages, boxes = _template_pdf(document, template)
        filename = f"du-thao-{document.pk}.pdf"
    source_blob = None
    if checked_source is not None:
        source_blob = blob_store(content=checked_source.content, content_type=checked_source.content_type)
    cosigners_reset(document)
    number = (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return DraftVersion.objects.create(
        document=document, number=number, pdf=blob_store(content=pdf, content_type=PDF), source=source_blob,
        filename=filename, template=template_code, field_boxes=boxes, page_count=pages, created_by=actor.user,
        note=note.strip(),
    )


@_convert_first
@transaction.atomic
def outgoing_create(
    *, actor: Actor, data: OutgoingInput, upload: UploadedContent | None = None,
    source: UploadedContent | None = None, template: TemplateInput | None = None, note: str = "",
) -> OutgoingDocument:
    """A new draft (DRAFTING) with its first version, from an uploaded PDF or a built-in ND30 template."""
    refuse_if(can_draft(actor))
    agency = actor.agency
    assert agency is not None
    values = _check_input(agency, data)
    refuse_if(can_handle_secret(actor, secret=bool(data.confidentiality)))
    recipients = values.pop("recipients")
    cosigners = values.pop("cosigners")
    assert isinstance(cosigners, list)
    unit = values.pop("unit") or actor.unit
    assert unit is None or isinstance(unit, Unit)
    document = OutgoingDocument.objects.create(
        agency=agency, state=OutgoingState.DRAFTING, drafter=actor.user, drafting_unit=unit, **values,
    )
    document.recipients.set(recipients)  # type: ignore[arg-type]
    cosigners_create(document, cosigners)
    version = _add_version(document=document, actor=actor, upload=upload, source=source, template=template,
                           note=note)
    audit_record(
        actor=actor.user, event_type="outgoing.created", target=document, agency=agency,
        data={"to": document.state, "version": version.number, "template": version.template,
              "reply_to": document.reply_to_id, "confidentiality": document.confidentiality,
              "cosigners": [[c.user.pk, c.agency.pk, c.signing_capacity] for c in cosigners]},
    )
    return document


@_convert_first
@transaction.atomic
def outgoing_new_version(
    *, actor: Actor, document_id: int, upload: UploadedContent | None = None,
    source: UploadedContent | None = None, template: TemplateInput | None = None, note: str = "",
) -> DraftVersion:
    document = lock_visible(actor, document_id)
    refuse_if(can_new_version(actor, document))
    transition = TRANSITIONS["new_version"]
    version = _add_version(document=document, actor=actor, upload=upload, source=source, template=template,
                           note=note)
    transition_apply(document=document, transition=transition, actor=actor,
                     data={"version": version.number, "note": version.note})
    return version


def _create_route(document: OutgoingDocument, route: Route) -> None:
    steps = route.steps
    if not steps:
        raise ApplicationError("route_empty", _("Quy trình xem xét phải có ít nhất một bước."))
    if steps[-1].kind != ReviewKind.FORMAT:
        raise ApplicationError("route_last_format", _("Bước cuối của quy trình xem xét phải là kiểm tra thể thức."))
    if len(steps) > 1 and steps[-1].parallel_group is not None and steps[-1].parallel_group == steps[-2].parallel_group:
        raise ApplicationError("route_last_format", _("Bước kiểm tra thể thức phải đứng riêng ở cuối quy trình."))
    version = document.versions.order_by("-number").first()
    stage = 0
    previous_group: int | None = None
    rows = []
    for order, step in enumerate(steps, start=1):
        if step.kind not in ReviewKind.values:
            raise ApplicationError("route_kind", _("Loại bước xem xét không hợp lệ."))
        reviewer = _member(document.agency, step.reviewer_id)
        if reviewer is None:
            raise ApplicationError("route_reviewer", _("Người xem xét phải là cán bộ của cơ quan."))
        if step.parallel_group is None or step.parallel_group != previous_group:
            stage += 1
        previous_group = step.parallel_group
        rows.append(ReviewStep(
            document=document, round=document.review_round, order=order, stage=stage,
            parallel_group=step.parallel_group, reviewer=reviewer, kind=step.kind, version=version,
        ))
    ReviewStep.objects.bulk_create(rows)


@transaction.atomic
def outgoing_submit(*, actor: Actor, document_id: int, route: Route) -> OutgoingDocument:
    """Send the latest version through the review route (DRAFTING → IN_REVIEW)."""
    document = lock_visible(actor, document_id)
    refuse_if(can_submit(actor, document))
    transition = TRANSITIONS["submit"]
    if document.signer_id is None:
        raise ApplicationError("signer_required", _("Chưa chọn người ký văn bản."))
    document.review_round += 1
    _create_route(document, route)
    transition_apply(document=document, transition=transition, actor=actor,
                     data={"round": document.review_round, "steps": len(route.steps)},
                     fields={"review_round": document.review_round})
    return document


@_convert_first
@transaction.atomic
def outgoing_resubmit(
    *, actor: Actor, document_id: int, route: Route | None = None, upload: UploadedContent | None = None,
    source: UploadedContent | None = None, template: TemplateInput | None = None, note: str = "",
) -> OutgoingDocument:
    """Back into review after changes, with a new version; the same route again unless a new one is given."""
    document = lock_visible(actor, document_id)
    refuse_if(can_resubmit(actor, document))
    transition = TRANSITIONS["resubmit"]
    if upload is not None or template is not None:
        _add_version(document=document, actor=actor, upload=upload, source=source, template=template, note=note)
    if route is None:
        previous = document.review_steps.filter(round=document.review_round).order_by("order")
        route = Route(tuple(RouteStep(s.reviewer_id, s.kind, s.parallel_group) for s in previous))
    document.review_round += 1
    _create_route(document, route)
    transition_apply(document=document, transition=transition, actor=actor,
                     data={"round": document.review_round, "note": note.strip()},
                     fields={"review_round": document.review_round})
    return document


@transaction.atomic
def outgoing_cancel(*, actor: Actor, document_id: int, reason: str) -> OutgoingDocument:
    """Drop a draft before numbering: the drafter their own, or a leader of the agency."""
    if not reason.strip():
        raise ApplicationError("reason_required", _("Phải nhập lý do hủy văn bản."))
    document = lock_visible(actor, document_id)
    refuse_if(can_cancel(actor, document))
    transition = TRANSITIONS["cancel"]
    transition_apply(document=document, transition=transition, actor=actor, data={"reason": reason.strip()},
                     fields={"cancel_reason": reason.strip()})
    return document
