"""``vanthu flush``: Django's flush, which the audit triggers stop at the audit table unless asked to erase it.

The audit table refuses DELETE (SQLite) and TRUNCATE (PostgreSQL), which is what flush runs, so a plain flush
fails there and leaves the database as it was. ``--erase-audit-log`` (the default under the test settings, whose
transactional tests flush between tests; ``vanthu demo-load --reset``) lifts the triggers inside the flush's own
transaction. Erasing the log also retires its checkpoints: the folder is renamed ``….retired-<time>``, since they
describe rows that no longer exist and would fail every later verification.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections
from django.utils import timezone

from vanthu.core.audit_guard import audit_guard_suspended


class Command(DjangoFlush):
    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--erase-audit-log", action="store_true",
            default=bool(getattr(settings, "VANTHU_AUDIT_FLUSH_ERASES_LOG", False)),
            help="Xóa cả nhật ký hệ thống (bỏ qua trigger bảo vệ) và cất các điểm kiểm tra của nó sang thư mục khác.",
        )

    def handle(self, **options: Any) -> None:
        if not options["erase_audit_log"]:
            super().handle(**options)
            return
        connection = connections[options["database"]]
        execute_sql_flush = connection.ops.execute_sql_flush

        def flush_with_log(sql_list: Sequence[str]) -> None:
            with audit_guard_suspended(connection):
                execute_sql_flush(sql_list)
            checkpoints_retire()

        # Only the flush itself runs with the triggers lifted: not the confirmation prompt before it.
        setattr(connection.ops, "execute_sql_flush", flush_with_log)  # noqa: B010 - an instance, not the class
        try:
            super().handle(**options)
        finally:
            delattr(connection.ops, "execute_sql_flush")


def checkpoints_retire() -> Path | None:
    """Rename the checkpoint folder out of the way if it holds any checkpoint; returns the new name."""
    directory = Path(settings.VANTHU_AUDIT_CHECKPOINT_DIR)
    if not directory.is_dir() or not any(directory.glob("*.json")):
        return None
    retired = directory.with_name(f"{directory.name}.retired-{timezone.now():%Y%m%d-%H%M%S-%f}")
    directory.rename(retired)
    return retired
