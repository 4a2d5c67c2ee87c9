"""Keeping the search index in step with the documents.

``search_index_incoming`` rebuilds one document's entry: run as an effect of every change of what a document says
(``search.effects``), and by the file task after extracting text. It needs no actor: it only mirrors data the
caller was already allowed to write, and every read of the index goes back through ``incoming_list_for_user``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from vanthu.core.blobs import blob_read
from vanthu.core.files import text_extract
from vanthu.documents.enums import IncomingState
from vanthu.documents.models import DocumentFile, IncomingDocument
from vanthu.search.models import SearchEntry
from vanthu.search.normalize import index_text

# The fields ``_meta_source`` reads: a change of any of them rebuilds the entry.
INDEXED_FIELDS = frozenset({
    "code_number", "code_notation", "issued_date", "arrival_number", "document_type", "document_type_id",
    "subject", "organ_name", "organ_id", "signer_full_name", "signer_position", "to_places", "description", "note",
})

# to_tsvector refuses more than 1 MB; a long attachment is still found by its first ~300 000 characters.
MAX_BODY_CHARS = 300_000


def incoming_extract_and_index(*, document_id: int) -> None:
    for file in DocumentFile.objects.filter(incoming_id=document_id, text="").select_related("blob"):
        text = text_extract(content=blob_read(file.blob), content_type=file.content_type)
        if text:
            DocumentFile.objects.filter(pk=file.pk).update(text=text)
    search_index_incoming(document_id=document_id)


def _meta_source(document: IncomingDocument) -> str:
    """Số, ký hiệu, trích yếu, cơ quan ban hành, người ký, nơi nhận, ghi chú (and the type and số đến)."""
    parts = [
        document.reference, document.code_number, document.code_notation,
        str(document.arrival_number or ""), document.document_type.name, document.subject,
        document.organ_name, document.organ_id, document.signer_full_name, document.signer_position,
        document.to_places, document.description, document.note,
    ]
    return " ".join(part for part in parts if part)


def _entry_for(document: IncomingDocument, files: Iterable[DocumentFile]) -> SearchEntry:
    body = index_text(" ".join(f.text for f in files if f.text))
    return SearchEntry(
        document_id=document.pk, agency_id=document.agency_id,
        meta_text=index_text(_meta_source(document)), body_text=body[:MAX_BODY_CHARS],
    )


def _documents() -> QuerySet[IncomingDocument]:
    files = DocumentFile.objects.only("id", "incoming_id", "text").order_by("id")
    return IncomingDocument.objects.select_related("document_type").prefetch_related(
        Prefetch("files", queryset=files)
    )


@transaction.atomic
def search_index_incoming(*, document_id: int) -> None:
    """Rebuild the entry of one document (removed if the document is gone, or recalled: a tombstone is kept for the
    record, not to be found)."""
    document = _documents().exclude(state=IncomingState.RECALLED).filter(pk=document_id).first()
    if document is None:
        SearchEntry.objects.filter(document_id=document_id).delete()
        return
    entry = _entry_for(document, document.files.all())
    SearchEntry.objects.update_or_create(
        document_id=document.pk,
        defaults={"agency_id": entry.agency_id, "meta_text": entry.meta_text, "body_text": entry.body_text},
    )


def search_reindex_all(*, batch_size: int = 1000) -> int:
    """Rebuild every entry, one transaction per batch, so a province-sized reindex never holds one long lock.

    Returns the number of documents indexed.
    """
    count = 0
    last_id = 0
    while True:
        ids = list(
            IncomingDocument.objects.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return count
        with transaction.atomic():
            documents = list(_documents().exclude(state=IncomingState.RECALLED).filter(pk__in=ids))
            SearchEntry.objects.filter(document_id__in=ids).delete()
            SearchEntry.objects.bulk_create([_entry_for(d, d.files.all()) for d in documents])
        count += len(documents)
        last_id = ids[-1]
