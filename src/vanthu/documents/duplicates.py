"""Duplicate warning (ND30 Phụ lục VI): same DocumentId, or same issuer + number + notation + date."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.db.models import Q

from vanthu.documents.models import IncomingDocument
from vanthu.organizations.models import Agency


def normalize_notation(notation: str) -> str:
    """NFC, upper case, no spaces, Đ→D: ``qđ - ubnd`` and ``QĐ-UBND`` compare equal."""
    text = unicodedata.normalize("NFC", notation).upper().replace("Đ", "D")
    return "".join(text.split())


def normalize_number(number: str) -> str:
    stripped = number.strip().lstrip("0")
    return stripped or "0"


def incoming_find_duplicates(
    *,
    agency: Agency,
    code_number: str,
    code_notation: str,
    organ_name: str,
    issued_date: dt.date | None,
    document_id: str = "",
    exclude_id: int | None = None,
) -> list[IncomingDocument]:
    """Probable duplicates already received by ``agency``."""
    notation = normalize_notation(code_notation)
    number = normalize_number(code_number)
    organ = " ".join(organ_name.lower().split())
    condition = Q()
    if document_id:
        condition |= Q(document_id=document_id)
    if code_number and issued_date is not None:
        condition |= Q(issued_date=issued_date, code_number__endswith=number)
    if not condition:
        return []
    candidates = IncomingDocument.objects.filter(condition, agency=agency).exclude(state="RECALLED")
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    found = []
    for doc in candidates.order_by("id")[:50]:
        if (document_id and doc.document_id == document_id) or (
            normalize_number(doc.code_number) == number
            and normalize_notation(doc.code_notation) == notation
            and " ".join(doc.organ_name.lower().split()) == organ
        ):
            found.append(doc)
    return found
