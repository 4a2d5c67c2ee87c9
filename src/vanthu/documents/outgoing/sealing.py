"""The agency's digital signature on outgoing documents (ký số cơ quan, ND30 Điều 13 and Phụ lục I): the red seal over
the left third of the main signer's image, the text-only stamp on every attachment in a separate file, validation data
(B-LT) for every signature; and batches of agency signatures with progress. The three steps of ``outgoing/signing.py``
apply: a short read, the signing outside any transaction, one atomic store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko_certvalidator import ValidationContext

from vanthu.core.audit import audit_record
from vanthu.core.blobs import blob_read, blob_store
from vanthu.core.calendar import VIETNAM
from vanthu.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError, refuse_if
from vanthu.core.files import PDF
from vanthu.documents.outgoing.issuing import outgoing_mark_sealed
from vanthu.documents.outgoing.models import OutgoingAttachment, OutgoingDocument
from vanthu.documents.outgoing.permissions import can_seal, lock_visible
from vanthu.documents.outgoing.selectors import outgoing_get_for_user
from vanthu.documents.outgoing.signers import document_signers, signatures_valid
from vanthu.documents.outgoing.signing import (
    MM,
    assert_unchanged,
    default_boxes,
    key_device_of,
    latest_version,
    page_sizes,
    session_open,
    signed_fields,
)
from vanthu.documents.outgoing.template import PERSONAL_SIG_FIELD, SEAL_BOX
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode
from vanthu.signing.appearance import Appearance, Box, attachment_stamp_appearance
from vanthu.signing.appearance import seal_appearance as seal_drawing
from vanthu.signing.config import signing_validation_context
from vanthu.signing.models import CertificateKind, KeyDevice, SealImage, SigningJob
from vanthu.signing.pades import SigningSession, pdf_add_validation_info
from vanthu.signing.selectors import seal_image_for
from vanthu.signing.services import pdf_check
from vanthu.signing.tasks import signing_job_thread_start

SEAL_FIELD = SEAL_BOX  # the agency's signature field on the main document: "vanthu_seal"
ATTACHMENT_FIELD = "vanthu_sig_org"  # the agency's text-only signature on each attachment
BATCH_MAX = 500


def _box(entry: dict[str, Any]) -> Box:
    x1, y1, x2, y2 = (float(v) for v in entry["box"])
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


# --- Agency signature --------------------------------------------------------------------------------------------


@dataclass
class _SealWork:
    document_id: int
    version_id: int
    reference: str
    pdf: bytes
    appearance: Appearance
    attachments: list[tuple[int, bytes]] = field(default_factory=list)
    signer_fields: list[str] = field(default_factory=list)  # every signer's field, for has_valid_personal_signature


def _seal_appearance(seal: SealImage, boxes: dict[str, Any], pdf: bytes) -> Appearance:
    """The red seal at its real diameter over the left third of the signer's image; without a recorded image
    (paper-signed scans), centred on the draft's seal box, else over the left third of the signature box."""
    png = blob_read(seal.image)
    diameter = float(seal.diameter_mm)
    personal = boxes.get(PERSONAL_SIG_FIELD)
    if isinstance(personal, dict):
        page, box = int(personal.get("page", 0)), _box(personal)
        image_box = personal.get("image_box")
        if image_box:
            target = Appearance(page=page, box=box, pdf=b"", image_box=tuple(float(v) for v in image_box))  # type: ignore[arg-type]
            return seal_drawing(seal_png=png, over=target, diameter_mm=diameter)
    seal_box = boxes.get(SEAL_BOX)
    if isinstance(seal_box, dict):
        x1, y1, x2, y2 = _box(seal_box)
        cx, cy, r = (x1 + x2) / 2, (y1 + y2) / 2, diameter * MM / 2
        # A target whose left third ends at the seal's right edge puts the seal centred on the recorded box.
        target = Appearance(page=int(seal_box.get("page", 0)), box=(cx, cy - r, cx + 3 * r, cy + r), pdf=b"")
        return seal_drawing(seal_png=png, over=target, diameter_mm=diameter)
    entry = personal if isinstance(personal, dict) else default_boxes(pdf)[PERSONAL_SIG_FIELD]
    target = Appearance(page=int(entry.get("page", 0)), box=_box(entry), pdf=b"")
    return seal_drawing(seal_png=png, over=target, diameter_mm=diameter)


def _seal_prepare(actor: Actor, document_id: int) -> _SealWork:
    document = outgoing_get_for_user(actor=actor, document_id=document_id)
    refuse_if(can_seal(actor, document))
    seal = seal_image_for(document.agency)
    if seal is None:
        raise ApplicationError("signing.no_seal_image",
                               _("Cơ quan chưa có con dấu hình ảnh. Văn thư hoặc quản trị cơ quan cần tải lên trước."))
    version = latest_version(document)
    pdf = blob_read(version.pdf)
    if signed_fields(pdf).get(SEAL_FIELD):
        raise ConflictError("signing.already_sealed", _("Văn bản đã có chữ ký số của cơ quan."))
    attachments = [(a.pk, blob_read(a.original)) for a in document.attachments.order_by("order", "id")]
    return _SealWork(document_id=document.pk, version_id=version.pk, reference=document.reference, pdf=pdf,
                     appearance=_seal_appearance(seal, dict(version.field_boxes or {}), pdf),
                     attachments=attachments, signer_fields=[s.field_name for s in document_signers(document)])


def _signing_moment() -> str:
    """ISO 8601 in Vietnam time, whole seconds: 2026-03-05T09:30:00+07:00."""
    return timezone.now().astimezone(VIETNAM).replace(microsecond=0).isoformat()


@dataclass
class _SealResult:
    pdf: bytes
    stamped: dict[int, bytes]


def _seal_sign(work: _SealWork, session: SigningSession, context: ValidationContext) -> _SealResult:
    sealed = session.sign(pdf=work.pdf, field_name=SEAL_FIELD, appearance=work.appearance,
                          reason=_("Ký số của cơ quan, tổ chức"))
    stamp_text = f"{work.reference}\n{_signing_moment()}"
    stamped: dict[int, bytes] = {}
    for attachment_id, original in work.attachments:
        width, height = page_sizes(original)[0]
        stamp = attachment_stamp_appearance(text=stamp_text, page_width=width, page_height=height)
        signed = session.sign(pdf=original, field_name=ATTACHMENT_FIELD, appearance=stamp,
                              reason=_("Ký số của cơ quan, tổ chức"))
        stamped[attachment_id] = pdf_add_validation_info(signed, context)
    # B-LT for every signature on the document (the leader's and the agency's), in one DSS update.
    sealed = pdf_add_validation_info(sealed, context)
    return _SealResult(pdf=sealed, stamped=stamped)


def _seal_store(actor: Actor, work: _SealWork, result: _SealResult, device: KeyDevice,
                context: ValidationContext) -> OutgoingDocument:
    check = pdf_check(blob=blob_store(content=result.pdf, content_type=PDF), refresh=True,
                      validation_context=context)
    stamped_blobs = {pk: blob_store(content=data, content_type=PDF) for pk, data in result.stamped.items()}
    with transaction.atomic():
        document = lock_visible(actor, work.document_id)
        assert_unchanged(document, work.version_id)
        attachments = {a.pk: a for a in OutgoingAttachment.objects.select_for_update().filter(document=document)}
        if set(attachments) != set(stamped_blobs):
            raise ConflictError("signing.attachments_changed",
                                _("Danh sách tệp đính kèm vừa thay đổi trong lúc ký; hãy ký lại."))
        for pk, blob in stamped_blobs.items():
            attachment = attachments[pk]
            attachment.stamped = blob
            attachment.save(update_fields=["stamped"])
        outgoing_mark_sealed(actor=actor, document_id=work.document_id, sealed_pdf=result.pdf,
                             valid_signature=check.has_valid_organisation,
                             valid_personal_signature=signatures_valid(check.report, work.signer_fields))
        audit_record(actor=actor.user, event_type="signing.agency_signed", target=document, agency=document.agency,
                     data={"device": device.pk, "serial": device.certificate.serial, "verdict": check.verdict,
                           "attachments": len(stamped_blobs)})
    return document


def outgoing_seal(*, actor: Actor, document_id: int, key_device_id: int, pin: str) -> OutgoingDocument:
    """The agency's signature (NUMBERED → SEALED) by its clerk: the red seal over the left third of the leader's
    signature image, a text-only stamp "<số/ký hiệu>\\n<time +07:00>" at the top right of page 1 of every
    attachment, then validation data (B-LT) for every signature of the document and of each attachment."""
    outgoing_get_for_user(actor=actor, document_id=document_id)  # not-found first for "not yours"
    device = key_device_of(actor, key_device_id, CertificateKind.ORGANISATION)
    work = _seal_prepare(actor, document_id)
    # The session's certificate check runs on its own event loop; the DSS and the validation get a context of their
    # own (as in a batch), so no aiohttp fetcher is reused across event loops.
    with session_open(device, pin, signing_validation_context()) as session:
        context = signing_validation_context()
        result = _seal_sign(work, session, context)
    _seal_store(actor, work, result, device, context)
    return outgoing_get_for_user(actor=actor, document_id=document_id)


# --- Batches -----------------------------------------------------------------------------------------------------


def outgoing_seal_batch_start(
    *, actor: Actor, document_ids: Sequence[int], key_device_id: int, pin: str,
) -> SigningJob:
    """Start sealing several NUMBERED documents with one agency key (a clerk; at most 500 at a time).

    The key is unlocked and the certificate checked here, so a wrong PIN or an unusable certificate is reported
    at once and nothing is stored. The documents are then signed one by one in a background thread of this
    process, which holds the unlocked key in memory until the batch ends (the PIN is never stored); the returned
    ``SigningJob`` shows the progress (``done`` of ``total``, ``failed``, ``errors``). One failing document does
    not stop the others."""
    ids = list(dict.fromkeys(int(pk) for pk in document_ids))
    if not ids:
        raise ApplicationError("signing.batch_empty", _("Chưa chọn văn bản nào để ký số."))
    if len(ids) > BATCH_MAX:
        raise ApplicationError("signing.batch_too_large",
                               _("Mỗi lần ký tối đa %(max)d văn bản.") % {"max": BATCH_MAX})
    if actor.agency is None or not actor.has_role(RoleCode.CLERK):
        raise PermissionDeniedError("forbidden", _("Bạn không có quyền thực hiện thao tác này."))
    device = key_device_of(actor, key_device_id, CertificateKind.ORGANISATION)
    if seal_image_for(actor.agency) is None:
        raise ApplicationError("signing.no_seal_image",
                               _("Cơ quan chưa có con dấu hình ảnh. Văn thư hoặc quản trị cơ quan cần tải lên trước."))
    session = session_open(device, pin, signing_validation_context())
    try:
        with transaction.atomic():
            job = SigningJob.objects.create(agency=actor.agency, created_by=actor.user, key_device=device,
                                            document_ids=ids, total=len(ids))
            audit_record(actor=actor.user, event_type="signing.batch_started", target=job, agency=actor.agency,
                         data={"total": len(ids), "device": device.pk})
    except BaseException:
        session.close()
        raise

    def work(document_id: int) -> None:
        prepared = _seal_prepare(actor, document_id)
        context = signing_validation_context()  # fresh per document: contexts accumulate state
        _seal_store(actor, prepared, _seal_sign(prepared, session, context), device, context)

    transaction.on_commit(lambda: signing_job_thread_start(job=job, session=session, work=work))
    return job


def signing_job_get(*, actor: Actor, job_id: int) -> SigningJob:
    """A batch of the actor's agency (its clerks and whoever started it); not-found otherwise."""
    job = SigningJob.objects.filter(pk=job_id).first()
    if job is None or job.agency_id != actor.agency_id or not (
        job.created_by_id == actor.user.pk or actor.has_role(RoleCode.CLERK)
    ):
        raise NotFoundError("not_found", _("Không tìm thấy lượt ký số."))
    return job
