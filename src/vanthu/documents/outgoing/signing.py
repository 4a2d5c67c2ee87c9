"""Digital signatures on outgoing documents (ND30 Điều 13, Phụ lục I): the competent leader's personal signature,
the agency's signature (ký số cơ quan) with the seal image and the attachments' text stamp, and batches of agency
signatures with progress.

Every service works in three steps so that no database row lock is held while keys, the TSA or OCSP are used:

1. a short read checks who may act, the state and the key device, and takes the bytes to sign;
2. outside any transaction: unlock the key, check the certificate, sign (B-T), add validation data, validate;
3. one atomic block locks the document row, checks that nothing moved (state, latest version, attachments) and
   stores the result through ``outgoing_mark_signed`` / ``outgoing_mark_sealed``.

A refusal in step 1 or 2 (wrong PIN, expired/revoked/untrusted/not-owned certificate, wrong person, wrong state)
stores nothing.
"""

from __future__ import annotations

import io
import logging
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko_certvalidator import ValidationContext
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from vanthu.core.audit import audit_record
from vanthu.core.blobs import blob_read, blob_store
from vanthu.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from vanthu.documents.files import PDF
from vanthu.documents.outgoing.drafting import lock_visible
from vanthu.documents.outgoing.enums import SigningCapacity
from vanthu.documents.outgoing.issuing import field_box_located, outgoing_mark_sealed, outgoing_mark_signed
from vanthu.documents.outgoing.models import DraftVersion, OutgoingAttachment, OutgoingDocument
from vanthu.documents.outgoing.selectors import outgoing_get_for_user
from vanthu.documents.outgoing.template import DATE_FIELD, NUMBER_FIELD, PERSONAL_SIG_FIELD, SEAL_BOX
from vanthu.documents.outgoing.transitions import transition_check
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode
from vanthu.organizations.models import Position
from vanthu.signing.appearance import Appearance, Box, attachment_stamp_appearance, personal_appearance
from vanthu.signing.appearance import seal_appearance as seal_drawing
from vanthu.signing.config import signing_timestamper, signing_validation_context
from vanthu.signing.errors import KeyUnavailableError
from vanthu.signing.keys import certs_from_pem
from vanthu.signing.models import CertificateKind, KeyDevice, SealImage, SigningJob
from vanthu.signing.pades import SigningSession, pdf_add_validation_info
from vanthu.signing.selectors import key_device_key_source, seal_image_for, signature_image_for
from vanthu.signing.services import certificate_assert_usable_by, fingerprint, pdf_check
from vanthu.signing.tasks import signing_job_thread_start

logger = logging.getLogger(__name__)

SEAL_FIELD = SEAL_BOX  # the agency's signature field on the main document: "vanthu_seal"
ATTACHMENT_FIELD = "vanthu_sig_org"  # the agency's text-only signature on each attachment
VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
BATCH_MAX = 500
MM = 72 / 25.4


# --- Boxes and appearances ---------------------------------------------------------------------------------------


def _page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    reader: Any = PdfFileReader(io.BytesIO(pdf), strict=False)
    sizes = []
    for index in range(int(reader.root["/Pages"]["/Count"])):
        page_ref, _resources = reader.find_page_for_modification(index)
        page: Any = page_ref.get_object()
        box = None
        while box is None and page is not None:
            box = page.get("/MediaBox")
            parent = page.get("/Parent")
            page = parent.get_object() if parent is not None else None
        x1, y1, x2, y2 = (float(v) for v in (box or (0, 0, 595.28, 841.89)))
        sizes.append((abs(x2 - x1), abs(y2 - y1)))
    return sizes


def default_boxes(pdf: bytes) -> dict[str, dict[str, Any]]:
    """ND30 positions for a draft that recorded none: number under the agency name top left of page 1, date top
    right of page 1, signer block bottom right of the last page (A4 margins 30/15/20/20 mm)."""
    sizes = _page_sizes(pdf) or [(595.28, 841.89)]
    width, height = sizes[0]
    last_w, _last_h = sizes[-1]
    row = height - 20 * MM - 62
    signature = [last_w - 15 * MM - 250, 20 * MM + 40, last_w - 15 * MM - 10, 20 * MM + 210]
    return {
        NUMBER_FIELD: {"page": 0, "box": [30 * MM, row, 30 * MM + 200, row + 18], "located": False},
        DATE_FIELD: {"page": 0, "box": [width - 15 * MM - 265, row, width - 15 * MM, row + 18], "located": False},
        PERSONAL_SIG_FIELD: {"page": len(sizes) - 1, "box": signature, "located": False},
    }


def _box(entry: dict[str, Any]) -> Box:
    x1, y1, x2, y2 = (float(v) for v in entry["box"])
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def _rounded(box: Box) -> Box:
    return (float(round(box[0])), float(round(box[1])), float(round(box[2])), float(round(box[3])))


def image_only_appearance(*, signature_png: bytes, page: int, box: Box) -> Appearance:
    """The signature image alone, centred in ``box``: for drafts that already print the capacity, title and name
    around the signature area (the built-in templates, located boxes of uploaded drafts)."""
    from PIL import Image

    box = _rounded(box)
    width, height = box[2] - box[0], box[3] - box[1]
    with Image.open(io.BytesIO(signature_png)) as img:
        img_w, img_h = img.size
    scale = min(width * 0.95 / img_w, height * 0.95 / img_h)
    draw_w, draw_h = img_w * scale, img_h * scale
    img_x, img_y = (width - draw_w) / 2, (height - draw_h) / 2
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.drawImage(ImageReader(io.BytesIO(signature_png)), img_x, img_y, draw_w, draw_h, mask="auto")
    pdf.showPage()
    pdf.save()
    image_box = (box[0] + img_x, box[1] + img_y, box[0] + img_x + draw_w, box[1] + img_y + draw_h)
    return Appearance(page=page, box=box, pdf=buffer.getvalue(), image_box=image_box)


_PLACE_WORDS = (" tỉnh ", " thành phố ", " huyện ", " quận ", " thị xã ", " xã ", " phường ", " thị trấn ")


def _collective_name(agency_name: str) -> str:
    """"Ủy ban nhân dân tỉnh Demo" → "Ủy ban nhân dân" (TM. ỦY BAN NHÂN DÂN)."""
    lowered = f" {agency_name.lower()} "
    cut = min((lowered.find(word) for word in _PLACE_WORDS if lowered.find(word) > 0), default=-1)
    return agency_name[:cut].strip() if cut > 0 else agency_name


def signer_block_lines(document: OutgoingDocument) -> tuple[str, str]:
    """The capacity line and the title line of the ND30 signer block (Phụ lục I, mục II.9):
    KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC; TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH; Q. GIÁM ĐỐC; TL./TUQ. GIÁM ĐỐC / CHÁNH VĂN PHÒNG;
    a head signing directly: GIÁM ĐỐC. The head's title is the agency's head position, else the signer's title
    without "Phó"."""
    title = document.signer_title.strip()
    head_position = Position.objects.filter(agency_id=document.agency_id, is_head=True).order_by("id").first()
    head = head_position.name if head_position else ""
    if not head:
        head = title[4:].strip() if title.lower().startswith("phó ") else title
    capacity = document.signing_capacity
    if capacity == SigningCapacity.KT:
        return f"KT. {head}", title
    if capacity == SigningCapacity.TM:
        return f"TM. {_collective_name(document.agency.name)}", title or head
    if capacity == SigningCapacity.Q:
        return f"Q. {head}", ""
    if capacity in (SigningCapacity.TL, SigningCapacity.TUQ):
        return f"{capacity} {head}", title
    return title or head, ""


# --- Preparation (short reads) -----------------------------------------------------------------------------------


def _latest_version(document: OutgoingDocument) -> DraftVersion:
    version = document.versions.order_by("-number").first()
    if version is None:
        raise ApplicationError("no_version", _("Văn bản chưa có bản dự thảo."))
    return version


def _device(actor: Actor, device_id: int, kind: str) -> KeyDevice:
    """The actor's active key device of ``kind``: personal — registered to them; organisation — their agency's,
    for its clerks. Someone else's device is refused as not owned."""
    device = (KeyDevice.objects.select_related("certificate").filter(pk=device_id, is_active=True).first())
    if device is None:
        raise NotFoundError("signing.device_not_found", _("Không tìm thấy thiết bị ký."))
    cert = certs_from_pem(device.certificate.pem.encode("ascii"))[0]
    certificate_assert_usable_by(actor=actor, cert=cert, kind=kind)
    return device


def _session(device: KeyDevice, pin: str, context: ValidationContext) -> SigningSession:
    """An open signing session on the device's key: unlocked (wrong PIN → signing.wrong_pin), the registered
    certificate, checked now (expired, not yet valid, revoked, untrusted → typed refusals). The caller closes it
    (``with`` or ``close()``)."""
    source = key_device_key_source(device, pin)
    if fingerprint(source.certificate) != device.certificate.fingerprint_sha256:
        raise KeyUnavailableError({"device": device.pk})
    return SigningSession(key_source=source, validation_context=context, timestamper=signing_timestamper()).open()


def _signed_fields(pdf: bytes) -> dict[str, bool]:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return {name: value is not None for name, value, _ref in enumerate_sig_fields(reader)}


@dataclass
class _PersonalWork:
    document_id: int
    version_id: int
    pdf: bytes
    appearance: Appearance
    boxes: dict[str, Any]


def _personal_prepare(actor: Actor, document_id: int, signature_png: bytes) -> _PersonalWork:
    from vanthu.signing.formfill import pdf_reserve_fields, text_fields

    document = outgoing_get_for_user(actor=actor, document_id=document_id)
    transition_check(document=document, action="mark_signed", actor=actor)
    if document.signer_id != actor.user.pk:
        raise PermissionDeniedError("forbidden", _("Chỉ người ký được ký văn bản này."))
    version = _latest_version(document)
    pdf = blob_read(version.pdf)
    boxes: dict[str, Any] = dict(version.field_boxes or {})
    defaults = default_boxes(pdf)
    for name in (NUMBER_FIELD, DATE_FIELD, PERSONAL_SIG_FIELD):
        if not isinstance(boxes.get(name), dict):
            boxes[name] = defaults[name]
    signed = _signed_fields(pdf)
    if signed.get(PERSONAL_SIG_FIELD):
        raise ConflictError("signing.already_signed", _("Văn bản đã có chữ ký số của người ký."))
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    if NUMBER_FIELD not in text_fields(reader) or DATE_FIELD not in text_fields(reader):
        pdf = pdf_reserve_fields(pdf, boxes)
    entry = boxes[PERSONAL_SIG_FIELD]
    page, box = int(entry.get("page", 0)), _box(entry)
    if version.template or field_box_located(version, PERSONAL_SIG_FIELD):
        appearance = image_only_appearance(signature_png=signature_png, page=page, box=box)
    else:
        capacity, title = signer_block_lines(document)
        signer = document.signer
        assert signer is not None
        appearance = personal_appearance(capacity=capacity, title=title, full_name=signer.full_name or str(signer),
                                         signature_png=signature_png, page=page, box=box)
    boxes[PERSONAL_SIG_FIELD] = {**entry, "box": list(appearance.box),
                                 "image_box": [round(v, 2) for v in appearance.image_box or appearance.box]}
    return _PersonalWork(document_id=document.pk, version_id=version.pk, pdf=pdf, appearance=appearance,
                         boxes=boxes)


def _assert_unchanged(document: OutgoingDocument, version_id: int) -> DraftVersion:
    latest = _latest_version(document)
    if latest.pk != version_id:
        raise ConflictError("signing.document_changed",
                            _("Văn bản vừa có phiên bản mới trong lúc ký; hãy ký lại."))
    return latest


# --- Personal signature ------------------------------------------------------------------------------------------


def outgoing_sign_personal(*, actor: Actor, document_id: int, key_device_id: int, pin: str) -> OutgoingDocument:
    """The signer's personal PAdES B-T signature (AWAITING_SIGNATURE → SIGNED) in ``vanthu_sig_personal``, with
    the ND30 appearance (the blue signature image between the capacity/title lines and the name). The number and
    date fields are reserved first when the draft lacks them, so the clerk can fill them after this signature."""
    outgoing_get_for_user(actor=actor, document_id=document_id)  # not-found first for "not yours"
    device = _device(actor, key_device_id, CertificateKind.PERSONAL)
    image = signature_image_for(actor.user)
    if image is None:
        raise ApplicationError("signing.no_signature_image",
                               _("Bạn chưa có chữ ký hình ảnh. Hãy tải lên ảnh chữ ký trước khi ký số."))
    work = _personal_prepare(actor, document_id, blob_read(image.image))
    context = signing_validation_context()  # one per operation: the check after signing reuses its answers
    with _session(device, pin, context) as session:
        signed = session.sign(pdf=work.pdf, field_name=PERSONAL_SIG_FIELD, appearance=work.appearance,
                              reason=_("Ký ban hành văn bản"))
    check = pdf_check(blob=blob_store(content=signed, content_type=PDF), refresh=True, validation_context=context)
    with transaction.atomic():
        document = lock_visible(actor, document_id)
        _assert_unchanged(document, work.version_id)
        outgoing_mark_signed(actor=actor, document_id=document_id, signed_pdf=signed,
                             valid_signature=check.has_valid_personal)
        DraftVersion.objects.filter(pk=_latest_version(document).pk).update(field_boxes=work.boxes)
        audit_record(actor=actor.user, event_type="signing.personal_signed", target=document, agency=document.agency,
                     data={"device": device.pk, "serial": device.certificate.serial, "verdict": check.verdict})
    return outgoing_get_for_user(actor=actor, document_id=document_id)


# --- Agency signature --------------------------------------------------------------------------------------------


@dataclass
class _SealWork:
    document_id: int
    version_id: int
    reference: str
    pdf: bytes
    appearance: Appearance
    attachments: list[tuple[int, bytes]] = field(default_factory=list)


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
    transition_check(document=document, action="mark_sealed", actor=actor)
    seal = seal_image_for(document.agency)
    if seal is None:
        raise ApplicationError("signing.no_seal_image",
                               _("Cơ quan chưa có con dấu hình ảnh. Văn thư hoặc quản trị cơ quan cần tải lên trước."))
    version = _latest_version(document)
    pdf = blob_read(version.pdf)
    if _signed_fields(pdf).get(SEAL_FIELD):
        raise ConflictError("signing.already_sealed", _("Văn bản đã có chữ ký số của cơ quan."))
    attachments = [(a.pk, blob_read(a.original)) for a in document.attachments.order_by("order", "id")]
    return _SealWork(document_id=document.pk, version_id=version.pk, reference=document.reference, pdf=pdf,
                     appearance=_seal_appearance(seal, dict(version.field_boxes or {}), pdf),
                     attachments=attachments)


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
        width, height = _page_sizes(original)[0]
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
        _assert_unchanged(document, work.version_id)
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
                             valid_personal_signature=check.has_valid_personal)
        audit_record(actor=actor.user, event_type="signing.agency_signed", target=document, agency=document.agency,
                     data={"device": device.pk, "serial": device.certificate.serial, "verdict": check.verdict,
                           "attachments": len(stamped_blobs)})
    return document


def outgoing_seal(*, actor: Actor, document_id: int, key_device_id: int, pin: str) -> OutgoingDocument:
    """The agency's signature (NUMBERED → SEALED) by its clerk: the red seal over the left third of the leader's
    signature image, a text-only stamp "<số/ký hiệu>\\n<time +07:00>" at the top right of page 1 of every
    attachment, then validation data (B-LT) for every signature of the document and of each attachment."""
    outgoing_get_for_user(actor=actor, document_id=document_id)  # not-found first for "not yours"
    device = _device(actor, key_device_id, CertificateKind.ORGANISATION)
    work = _seal_prepare(actor, document_id)
    # The session's certificate check runs on its own event loop; the DSS and the validation get a context of their
    # own (as in a batch), so no aiohttp fetcher is reused across event loops.
    with _session(device, pin, signing_validation_context()) as session:
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
    device = _device(actor, key_device_id, CertificateKind.ORGANISATION)
    if seal_image_for(actor.agency) is None:
        raise ApplicationError("signing.no_seal_image",
                               _("Cơ quan chưa có con dấu hình ảnh. Văn thư hoặc quản trị cơ quan cần tải lên trước."))
    session = _session(device, pin, signing_validation_context())
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
