"""One search backend per database engine behind a small protocol; the engine is chosen by ``connection.vendor``."""

from __future__ import annotations

from typing import Protocol

from django.db import connection
from django.db.models import QuerySet

from vanthu.documents.models import IncomingDocument
from vanthu.search.backends.postgres import PostgresBackend
from vanthu.search.backends.sqlite import SqliteBackend
from vanthu.search.normalize import SearchTerms


class SearchBackend(Protocol):
    """Narrow ``queryset`` to documents whose entry matches every term, annotated with ``search_rank``.

    ``search_rank`` sorts ascending: the best match first (the backend flips the sign if its engine scores
    the other way), so callers order by ``("search_rank", ...)`` on every engine.
    """

    vendor: str

    def match(self, queryset: QuerySet[IncomingDocument], terms: SearchTerms) -> QuerySet[IncomingDocument]: ...


def backend_for_connection() -> SearchBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"search backend for {connection.vendor}")
