from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from vanthu.search.index import search_index_incoming, search_reindex_all


class Command(BaseCommand):
    help = "Xây dựng lại chỉ mục tìm kiếm văn bản đến (toàn bộ, hoặc một văn bản với --document)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--document", type=int, help="Chỉ lập lại chỉ mục cho văn bản có mã này.")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["document"]:
            search_index_incoming(document_id=options["document"])
            self.stdout.write(_("Đã lập lại chỉ mục cho văn bản %(id)s.") % {"id": options["document"]})
            return
        count = search_reindex_all(batch_size=options["batch_size"])
        self.stdout.write(_("Đã lập lại chỉ mục cho %(count)s văn bản đến.") % {"count": count})
