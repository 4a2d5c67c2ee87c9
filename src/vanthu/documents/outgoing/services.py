"""Every write on outgoing documents, in one import."""

from vanthu.documents.outgoing.attachments import outgoing_attachment_add, outgoing_attachment_remove
from vanthu.documents.outgoing.delivery_status import delivery_status_record
from vanthu.documents.outgoing.distribution import ExternalRecipient, exchange_enqueue, outgoing_issue
from vanthu.documents.outgoing.drafting import (
    outgoing_cancel,
    outgoing_create,
    outgoing_new_version,
    outgoing_resubmit,
    outgoing_submit,
)
from vanthu.documents.outgoing.issuing import (
    code_notation_for,
    outgoing_assert_can_send_electronically,
    outgoing_mark_cosigned,
    outgoing_mark_sealed,
    outgoing_mark_signed,
    outgoing_mark_signed_on_paper,
    outgoing_number,
    outgoing_void,
    register_for,
)
from vanthu.documents.outgoing.recall import outgoing_recall, outgoing_replace
from vanthu.documents.outgoing.review import outgoing_signer_return, review_approve, review_return
from vanthu.documents.outgoing.sealing import outgoing_seal, outgoing_seal_batch_start, signing_job_get
from vanthu.documents.outgoing.signing import outgoing_sign_personal

__all__ = [
    "ExternalRecipient",
    "code_notation_for",
    "delivery_status_record",
    "exchange_enqueue",
    "outgoing_assert_can_send_electronically",
    "outgoing_attachment_add",
    "outgoing_attachment_remove",
    "outgoing_cancel",
    "outgoing_create",
    "outgoing_issue",
    "outgoing_mark_cosigned",
    "outgoing_mark_sealed",
    "outgoing_mark_signed",
    "outgoing_mark_signed_on_paper",
    "outgoing_new_version",
    "outgoing_number",
    "outgoing_recall",
    "outgoing_replace",
    "outgoing_resubmit",
    "outgoing_seal",
    "outgoing_seal_batch_start",
    "outgoing_sign_personal",
    "outgoing_signer_return",
    "outgoing_submit",
    "outgoing_void",
    "register_for",
    "review_approve",
    "review_return",
    "signing_job_get",
]
