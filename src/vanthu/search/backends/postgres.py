"""PostgreSQL: ``tsvector`` (config ``simple``, ``unaccent``) with a GIN index, ranked by ``ts_rank``."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, QuerySet, Value

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
        # The words are already unaccented by the shared normaliser. unaccent() here would be a no-op, and being
        # only STABLE it kept the tsquery from folding to a constant: ts_rank re-parsed it on every matching row
        # (45 ms → 28 ms on 30 000 documents; docs/benchmarks.md).
        query = SearchQuery(Value(tsquery_text(terms)), config="simple", search_type="raw")
        return queryset.filter(search_entry__vector=query).annotate(
            search_rank=-SearchRank(F("search_entry__vector"), query)
        )
