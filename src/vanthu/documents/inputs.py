"""Input specs that cross module borders (forms, API, demo loader, exchange) for incoming documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from vanthu.core.files import UploadedContent

if TYPE_CHECKING:
    from vanthu.documents.models import IncomingDocument


@dataclass(frozen=True)
class IncomingInput:
    """ND30 Phụ lục VI incoming fields, named as in edXML."""

    document_type_id: int
    code_number: str
    code_notation: str
    issued_date: dt.date
    organ_name: str
    subject: str
    organ_id: str = ""
    issuer_id: int | None = None
    signer_position: str = ""
    signer_full_name: str = ""
    priority: int = 0
    confidentiality: int = 0
    to_places: str = ""
    description: str = ""
    language: str = "Tiếng Việt"
    page_amount: int | None = None
    requested_due_date: dt.date | None = None
    document_id: str = ""
    note: str = ""
    main_file: UploadedContent | None = None
    attachments: tuple[UploadedContent, ...] = field(default_factory=tuple)


def incoming_input_from(document: IncomingDocument, **changes: Any) -> IncomingInput:
    """The document's current metadata as an input, with ``changes`` applied: an edit form that shows only some
    fields must not blank the others (the edXML DocumentId, the sender's code, the issuer link)."""
    names = {f.name for f in fields(IncomingInput)} - {"main_file", "attachments"}
    values = {name: getattr(document, name) for name in names}
    values["organ_id"] = values["organ_id"] or ""
    unknown = set(changes) - names
    if unknown:
        raise TypeError(f"not incoming input fields: {sorted(unknown)}")
    values.update(changes)
    return IncomingInput(**values)
