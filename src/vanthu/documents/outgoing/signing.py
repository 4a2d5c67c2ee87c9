"""Personal digital signatures on outgoing documents (ND30 Điều 13, Phụ lục I): the competent leader's, and the
co-signers' before it (``outgoing/signers.py`` says who signs in which order and field). The agency's signature and
batches are in ``outgoing/sealing.py``; both follow the same three steps, so that no database row lock is held while
keys, the TSA or OCSP are used:

1. a short read checks who may act, the state and the key device, and takes the bytes to sign;
2. outside any transaction: unlock the key, check the certificate, sign (B-T), add validation data, validate;
3. one atomic block locks the document row, checks that nothing moved (state, latest version, attachments) and
   stores the result through ``outgoing_mark_cosigned`` / ``outgoing_mark_signed`` / ``outgoing_mark_sealed``.

A refusal in step 1 or 2 (wrong PIN, expired/revoked/untrusted/not-owned certificate, wrong person or turn, wrong
state) stores nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko_certvalidator import ValidationContext
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from vanthu.core.audit import audit_record
from vanthu.core.blobs import blob_read, blob_store
from vanthu.core.errors import ApplicationError, ConflictError, NotFoundError
from vanthu.core.files import PDF
from vanthu.documents.outgoing.issuing import (
    field_box_located,
    outgoing_mark_cosigned,
    outgoing_mark_signed,
)
from vanthu.documents.outgoing.models import DraftVersion, OutgoingDocument
from vanthu.documents.outgoing.permissions import lock_visible, sign_turn
from vanthu.documents.outgoing.selectors import outgoing_get_for_user
from vanthu.documents.outgoing.signers import (
    SignerSlot,
    document_signers,
    signatures_valid,
    slot_lines,
)
from vanthu.documents.outgoing.template import DATE_FIELD, NUMBER_FIELD, PERSONAL_SIG_FIELD
from vanthu.organizations.actor import Actor
from vanthu.signing.appearance import Appearance, Box, personal_appearance
from vanthu.signing.config import signing_timestamper, signing_validation_context
from vanthu.signing.errors import KeyUnavailableError
from vanthu.signing.formfill import pdf_reserve_fields, text_fields
from vanthu.signing.keys import certs_from_pem
from vanthu.signing.models import CertificateKind, KeyDevice
from vanthu.signing.pades import SigningSession
from vanthu.signing.pinguard import pin_guarded
from vanthu.signing.selectors import key_device_key_source, signature_image_for
from vanthu.signing.services import certificate_assert_usable_by, fingerprint, pdf_check

MM = 72 / 25.4
COSIGNER_W, COSIGNER_H = 65 * MM, 45 * MM  # a full ND30 block standing alone: two lines, signature, name
GAP = 4 * MM
# The seal (up to ~40 mm) covers the left third of the main signer's image, so it overhangs that image by up to
# ~27 mm to the left and ~20 mm up and down: co-signers' blocks keep clear of it.
SEAL_GAP_X, SEAL_GAP_Y = 28 * MM, 12 * MM


# --- Boxes and appearances ---------------------------------------------------------------------------------------


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
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
    sizes = page_sizes(pdf) or [(595.28, 841.89)]
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


def cosigner_default_boxes(main: dict[str, Any], page_size: tuple[float, float],
                           field_names: list[str]) -> dict[str, dict[str, Any]]:
    """Boxes for co-signers a draft has no room recorded for, overlapping neither the main signer's box, nor the
    seal that will cover the left third of the main signer's image, nor each other: co-signer 1 left of the main
    block (top-aligned), co-signers 2 and 3 in the next row (left, right) — below the blocks, or above them when the
    page has no room below; one column under (or over) the main block when there is no room beside it. Each holds
    a full ND30 block (``"located": False``)."""
    _width, height = page_size
    mx1, my1, mx2, my2 = _box(main)
    left = (max(mx1 - SEAL_GAP_X - COSIGNER_W, 10 * MM), mx1 - SEAL_GAP_X)
    if left[1] - left[0] >= 40 * MM:
        right = (max(mx2 - COSIGNER_W, left[1] + GAP), mx2)
        slots = [(left, 0), (left, 1), (right, 1)]
    else:
        right = (max(mx2 - COSIGNER_W, 10 * MM), mx2)
        slots = [(right, 1), (right, 2), (right, 3)]
    slots = slots[:len(field_names)]
    rows = max((row for _x, row in slots), default=0)
    first_bottom = min(my1, my2 - COSIGNER_H) if slots and slots[0][1] == 0 else my1
    below = first_bottom - SEAL_GAP_Y - rows * COSIGNER_H - (rows - 1) * GAP >= 5 * MM
    boxes: dict[str, dict[str, Any]] = {}
    for name, ((x1, x2), row) in zip(field_names, slots, strict=False):
        if row == 0:
            y1 = my2 - COSIGNER_H
        elif below:
            y1 = first_bottom - SEAL_GAP_Y - row * COSIGNER_H - (row - 1) * GAP
        else:
            y1 = min(my2 + SEAL_GAP_Y + (row - 1) * (COSIGNER_H + GAP), height - COSIGNER_H - 5 * MM)
        boxes[name] = {"page": int(main.get("page", 0)), "located": False,
                       "box": [round(x1, 2), round(y1, 2), round(x2, 2), round(y1 + COSIGNER_H, 2)]}
    return boxes


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


# --- Shared by the personal and the agency signatures -------------------------------------------------------------


def latest_version(document: OutgoingDocument) -> DraftVersion:
    version = document.versions.order_by("-number").first()
    if version is None:
        raise ApplicationError("no_version", _("Văn bản chưa có bản dự thảo."))
    return version


def key_device_of(actor: Actor, device_id: int, kind: str) -> KeyDevice:
    """The actor's active key device of ``kind``: personal — registered to them; organisation — their agency's,
    for its clerks. Someone else's device is refused as not owned."""
    device = (KeyDevice.objects.select_related("certificate").filter(pk=device_id, is_active=True).first())
    if device is None:
        raise NotFoundError("signing.device_not_found", _("Không tìm thấy thiết bị ký."))
    cert = certs_from_pem(device.certificate.pem.encode("ascii"))[0]
    certificate_assert_usable_by(actor=actor, cert=cert, kind=kind)
    return device


def session_open(device: KeyDevice, pin: str, context: ValidationContext) -> SigningSession:
    """An open signing session on the device's key: unlocked (wrong PIN → signing.wrong_pin, and after too many
    signing.device_locked: ``signing.pinguard``), the registered
    certificate, checked now (expired, not yet valid, revoked, untrusted → typed refusals). The caller closes it
    (``with`` or ``close()``)."""

    def unlock() -> SigningSession:
        source = key_device_key_source(device, pin)
        if fingerprint(source.certificate) != device.certificate.fingerprint_sha256:
            raise KeyUnavailableError({"device": device.pk})
        return SigningSession(key_source=source, validation_context=context,
                              timestamper=signing_timestamper()).open()

    return pin_guarded(device, unlock)  # too many wrong PINs in a row lock the device for a while


def signed_fields(pdf: bytes) -> dict[str, bool]:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return {name: value is not None for name, value, _ref in enumerate_sig_fields(reader)}


def assert_unchanged(document: OutgoingDocument, version_id: int) -> DraftVersion:
    latest = latest_version(document)
    if latest.pk != version_id:
        raise ConflictError("signing.document_changed",
                            _("Văn bản vừa có phiên bản mới trong lúc ký; hãy ký lại."))
    return latest


# --- Personal signature ------------------------------------------------------------------------------------------


@dataclass
class _PersonalWork:
    document_id: int
    version_id: int
    slot: SignerSlot
    signer_fields: list[str]
    pdf: bytes
    appearance: Appearance
    boxes: dict[str, Any]


def _signer_boxes(pdf: bytes, version: DraftVersion, signers: list[SignerSlot]) -> dict[str, Any]:
    """The recorded boxes, completed with the defaults for whatever the draft did not record."""
    boxes: dict[str, Any] = dict(version.field_boxes or {})
    defaults = default_boxes(pdf)
    for name in (NUMBER_FIELD, DATE_FIELD, PERSONAL_SIG_FIELD):
        if not isinstance(boxes.get(name), dict):
            boxes[name] = defaults[name]
    missing = [s.field_name for s in signers if not s.is_main and not isinstance(boxes.get(s.field_name), dict)]
    if missing:
        main = boxes[PERSONAL_SIG_FIELD]
        sizes = page_sizes(pdf) or [(595.28, 841.89)]
        size = sizes[min(int(main.get("page", 0)), len(sizes) - 1)]
        taken = [s.field_name for s in signers if not s.is_main and s.field_name not in missing]
        placed = cosigner_default_boxes(main, size, taken + missing)
        boxes.update({name: placed[name] for name in missing})
    return boxes


def _personal_prepare(actor: Actor, document_id: int, signature_png: bytes) -> _PersonalWork:
    document = outgoing_get_for_user(actor=actor, document_id=document_id)
    signers = document_signers(document)
    slot = sign_turn(actor, document, signers)
    if isinstance(slot, ApplicationError):
        raise slot
    version = latest_version(document)
    pdf = blob_read(version.pdf)
    boxes = _signer_boxes(pdf, version, signers)
    if signed_fields(pdf).get(slot.field_name):
        raise ConflictError("signing.already_signed", _("Văn bản đã có chữ ký số của người ký."))
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    if NUMBER_FIELD not in text_fields(reader) or DATE_FIELD not in text_fields(reader):
        pdf = pdf_reserve_fields(pdf, boxes)
    entry = boxes[slot.field_name]
    page, box = int(entry.get("page", 0)), _box(entry)
    if field_box_located(version, slot.field_name):
        appearance = image_only_appearance(signature_png=signature_png, page=page, box=box)
    else:
        capacity, title = slot_lines(slot)
        appearance = personal_appearance(capacity=capacity, title=title, full_name=slot.full_name,
                                         signature_png=signature_png, page=page, box=box)
    boxes[slot.field_name] = {**entry, "box": list(appearance.box),
                              "image_box": [round(v, 2) for v in appearance.image_box or appearance.box]}
    return _PersonalWork(document_id=document.pk, version_id=version.pk, slot=slot,
                         signer_fields=[s.field_name for s in signers], pdf=pdf, appearance=appearance, boxes=boxes)


def outgoing_sign_personal(*, actor: Actor, document_id: int, key_device_id: int, pin: str) -> OutgoingDocument:
    """The personal PAdES B-T signature of whoever's turn it is (``signers.signing_turn``): a co-signer into their
    own field (the document stays AWAITING_SIGNATURE), or — once every co-signer has signed — the main signer into
    ``vanthu_sig_personal`` (AWAITING_SIGNATURE → SIGNED). The appearance is the ND30 block (the blue signature image
    between the capacity/title lines and the name), or the image alone where the draft prints the lines. The number
    and date fields are reserved by the first signature when the draft lacks them, so the clerk can fill them after
    the last one. ``has_valid_personal_signature`` is true only when every signer's signature validates."""
    outgoing_get_for_user(actor=actor, document_id=document_id)  # not-found first for "not yours"
    device = key_device_of(actor, key_device_id, CertificateKind.PERSONAL)
    image = signature_image_for(actor.user)
    if image is None:
        raise ApplicationError("signing.no_signature_image",
                               _("Bạn chưa có chữ ký hình ảnh. Hãy tải lên ảnh chữ ký trước khi ký số."))
    work = _personal_prepare(actor, document_id, blob_read(image.image))
    context = signing_validation_context()  # one per operation: the check after signing reuses its answers
    with session_open(device, pin, context) as session:
        signed = session.sign(pdf=work.pdf, field_name=work.slot.field_name, appearance=work.appearance,
                              reason=_("Ký ban hành văn bản"))
    check = pdf_check(blob=blob_store(content=signed, content_type=PDF), refresh=True, validation_context=context)
    with transaction.atomic():
        document = lock_visible(actor, document_id)
        assert_unchanged(document, work.version_id)
        if work.slot.is_main:
            outgoing_mark_signed(actor=actor, document_id=document_id, signed_pdf=signed,
                                 valid_signature=signatures_valid(check.report, work.signer_fields))
        else:
            outgoing_mark_cosigned(actor=actor, document_id=document_id, signed_pdf=signed,
                                   valid_signature=signatures_valid(check.report, [work.slot.field_name]))
        DraftVersion.objects.filter(pk=latest_version(document).pk).update(field_boxes=work.boxes)
        audit_record(actor=actor.user, event_type="signing.personal_signed", target=document, agency=document.agency,
                     data={"device": device.pk, "serial": device.certificate.serial, "verdict": check.verdict,
                           "field": work.slot.field_name})
    return outgoing_get_for_user(actor=actor, document_id=document_id)
