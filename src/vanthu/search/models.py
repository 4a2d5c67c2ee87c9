"""The search index: one normalised row per incoming document, read by the engine-specific index.

``SearchEntry`` is written only by :mod:`vanthu.search.index`. The database keeps the engine's own structure
in step with it (triggers created by migration 0002), so a write here is searchable in the same transaction:

* SQLite: the FTS5 table ``search_fts`` is an *external-content* index over this table (rowid = document id).
* PostgreSQL: ``vector`` is filled by a trigger with ``to_tsvector('simple', unaccent(...))``, metadata weighted
  ``A`` and file text ``D``, and carries a GIN index. On SQLite the column exists but stays empty.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from vanthu.documents.models import IncomingDocument
from vanthu.organizations.models import Agency


class SearchEntry(models.Model):
    document = models.OneToOneField(
        IncomingDocument, primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    meta_text = models.TextField(_("thông tin văn bản (đã chuẩn hóa)"), blank=True)
    body_text = models.TextField(_("nội dung tệp (đã chuẩn hóa)"), blank=True)
    vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mục chỉ mục tìm kiếm")
        verbose_name_plural = _("chỉ mục tìm kiếm")

    def __str__(self) -> str:
        return f"search:{self.document_id}"


class FtsField(models.TextField):  # type: ignore[type-arg]
    """FTS5's hidden table-named column; the SQLite backend registers the ``fts_match`` lookup on it."""


class FtsRow(models.Model):
    """SQLite only: the FTS5 virtual table, mapped so the ORM can join it to ``IncomingDocument``.

    ``search_fts`` is FTS5's hidden column named after the table; ``MATCH`` against it searches every column.
    Never written through the ORM (triggers do that) and never queried on PostgreSQL.
    """

    document = models.OneToOneField(
        IncomingDocument, primary_key=True, db_column="rowid", on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="fts_row",
    )
    search_fts = FtsField()

    class Meta:
        managed = False
        db_table = "search_fts"

    def __str__(self) -> str:
        return f"fts:{self.document_id}"
