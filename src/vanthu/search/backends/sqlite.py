"""SQLite: FTS5 with ``unicode61 remove_diacritics 2`` over the normalised ``SearchEntry`` text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, FloatField, Func, Lookup, QuerySet
from django.db.models.sql.compiler import SQLCompiler

from vanthu.documents.models import IncomingDocument
from vanthu.search.models import FtsField
from vanthu.search.normalize import SearchTerms

if TYPE_CHECKING:
    from django.db.models.sql.compiler import _AsSqlType

# bm25 weight of the metadata column against the file-text column: a hit in the trích yếu or số, ký hiệu
# matters more than the same word somewhere in a 40-page attachment.
META_WEIGHT = 10.0
BODY_WEIGHT = 1.0


class FtsMatch(Lookup[str]):
    lookup_name = "fts_match"

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> _AsSqlType:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", (*lhs_params, *rhs_params)


FtsField.register_lookup(FtsMatch)


class Bm25(Func):
    """``bm25(search_fts, …)``: negative, lower is better; it already sorts best-first ascending."""

    function = "bm25"
    output_field: Field[float, float] = FloatField()

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: object
    ) -> _AsSqlType:
        # The first argument must be the FTS table itself, named exactly as it appears in FROM.
        table = compiler.quote_name_unless_alias(self._table_alias(compiler))
        return f"bm25({table}, {META_WEIGHT}, {BODY_WEIGHT})", ()

    @staticmethod
    def _table_alias(compiler: SQLCompiler) -> str:
        for alias, join in compiler.query.alias_map.items():
            if join.table_name == "search_fts":
                return alias
        raise ValueError("search_fts is not joined")


def fts_expression(terms: SearchTerms) -> str:
    """Every word quoted (so ``AND``, ``NEAR`` or ``"`` are plain text), the last one a prefix if typed so."""
    quoted = [f'"{word}"' for word in terms.words]
    if terms.last_is_prefix:
        quoted[-1] += "*"
    return " ".join(quoted)


class SqliteBackend:
    vendor = "sqlite"

    def match(self, queryset: QuerySet[IncomingDocument], terms: SearchTerms) -> QuerySet[IncomingDocument]:
        return queryset.filter(fts_row__search_fts__fts_match=fts_expression(terms)).annotate(
            search_rank=Bm25()
        )
