"""PostgreSQL: ``tsvector`` (config ``simple``, ``unaccent``) with a GIN index, ranked by ``ts_rank``."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, Func, QuerySet, Value

from vanthu.documents.models import IncomingDocument
from vanthu.search.normalize import SearchTerms


def tsquery_text(terms: SearchTerms) -> str:
    """``'quyet' & 'dinh':*`` — every word quoted as a lexeme so no query text is read as tsquery syntax."""
    quoted = ["'" + word.replace("'", "''") + "'" for word in terms.words]
    if terms.last_is_prefix:
        quoted[-1] += ":*"
    return " & ".join(quoted)


class PostgresBackend:
    vendor = "postgresql"

    def match(self, queryset: QuerySet[IncomingDocument], terms: SearchTerms) -> QuerySet[IncomingDocument]:
        # unaccent on the query too, so that whatever the trigger's unaccent did to the text is mirrored.
        query = SearchQuery(
            Func(Value(tsquery_text(terms)), function="unaccent"), config="simple", search_type="raw"
        )
        return queryset.filter(search_entry__vector=query).annotate(
            search_rank=-SearchRank(F("search_entry__vector"), query)
        )
