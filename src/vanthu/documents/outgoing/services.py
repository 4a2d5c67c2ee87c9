"""Every write on outgoing documents, in one import."""

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
    outgoing_mark_sealed,
    outgoing_mark_signed,
    outgoing_mark_signed_on_paper,
    outgoing_number,
    outgoing_void,
    register_for,
)
from vanthu.documents.outgoing.review import outgoing_signer_return, review_approve, review_return

__all__ = [
    "code_notation_for", "outgoing_assert_can_send_electronically", "outgoing_cancel", "outgoing_create",
    "outgoing_mark_sealed", "outgoing_mark_signed", "outgoing_mark_signed_on_paper", "outgoing_new_version",
    "outgoing_number", "outgoing_resubmit", "outgoing_signer_return", "outgoing_submit", "outgoing_void",
    "register_for", "review_approve", "review_return",
]
