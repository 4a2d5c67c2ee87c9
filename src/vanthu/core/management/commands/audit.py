"""``vanthu audit verify``: walk the audit hash chain and report every break."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vanthu.core.audit import audit_verify
from vanthu.core.models import AuditEvent


class Command(BaseCommand):
    help = "Kiểm tra nhật ký hệ thống (chuỗi băm): phát hiện bản ghi bị sửa hoặc bị xóa."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Kiểm tra toàn bộ chuỗi nhật ký.")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(audit_verify())
        if problems:
            for problem in problems:
                where = f"#{problem.event_id}" if problem.event_id is not None else "-"
                self.stderr.write(f"Sự kiện {where}: {problem.problem}")
            raise CommandError(f"Chuỗi nhật ký bị phá vỡ: {len(problems)} lỗi.", returncode=1)
        self.stdout.write(self.style.SUCCESS(
            f"Chuỗi nhật ký toàn vẹn: {AuditEvent.objects.count()} sự kiện."))
