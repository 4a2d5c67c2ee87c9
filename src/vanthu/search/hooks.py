"""What search does when an incoming document changes: rebuild its entry, queue its new files (ADR 0008).

Registered by ``register`` (called from ``SearchConfig.ready()``) on ``documents.effects.incoming_changed``. The
entry is rebuilt in the transaction of the change, so a search right after a save finds the new text; extracting
the text of new files is slow, so it is queued in the same transaction and runs in the worker.
"""

from __future__ import annotations

from vanthu.documents.effects import IncomingChange, incoming_changed
from vanthu.search.index import INDEXED_FIELDS, search_index_incoming
from vanthu.search.tasks import incoming_index_files


def incoming_index(change: IncomingChange) -> None:
    if change.created or change.changed & INDEXED_FIELDS:
        search_index_incoming(document_id=change.document.pk)
    if change.files_added:
        incoming_index_files.enqueue(document_id=change.document.pk)


def register() -> None:
    incoming_changed.register("search.index", incoming_index)
