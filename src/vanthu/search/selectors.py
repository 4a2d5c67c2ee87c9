"""Full-text search over incoming documents, scoped exactly like the list the actor may see."""

from __future__ import annotations

from django.db.models import F, QuerySet

from vanthu.documents.models import IncomingDocument
from vanthu.documents.selectors import IncomingFilters, incoming_list_for_user
from vanthu.organizations.actor import Actor
from vanthu.search.backends import backend_for_connection
from vanthu.search.normalize import query_terms


def incoming_search(*, actor: Actor, query: str, filters: IncomingFilters) -> QuerySet[IncomingDocument]:
    """Documents the actor may see whose metadata or file text contains every word of ``query``.

    Diacritic-insensitive both ways ("quyet dinh" ↔ "Quyết định", đ ↔ d); the last word also matches as a
    prefix. Ordered by relevance, then newest arrival. ``query`` falls back to ``filters.query``; a query with
    no letters or digits at all (``"*"``, ``'"'``) is no search, and returns the plain list.
    """
    base = incoming_list_for_user(actor=actor, filters=filters)
    terms = query_terms(query or filters.query)
    if terms.is_empty:
        return base
    return backend_for_connection().match(base, terms).order_by(F("search_rank").asc(), "-arrived_at", "-id")
