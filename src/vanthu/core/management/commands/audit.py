"""``vanthu audit``: verify the audit log, reinstall its database guard.

- ``verify`` — every chain against its head (exit 1 on any problem, each one said precisely);
- ``protect`` — create the triggers again (after a SQLite migration rebuilt the table, see ``core/audit_guard``).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from vanthu.core.audit import AuditReport, audit_verify_report
from vanthu.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Nhật ký hệ thống: kiểm tra chuỗi băm, phát hiện bản ghi bị sửa hoặc bị xóa."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Kiểm tra toàn bộ chuỗi nhật ký.")
        sub.add_parser("protect", help="Cài lại trigger chặn sửa, xóa bảng nhật ký trong cơ sở dữ liệu.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except ApplicationError as exc:
            raise CommandError(str(exc.message), returncode=1) from exc

    def _verify(self, options: dict[str, Any]) -> None:
        report = audit_verify_report()
        for problem in report.problems:
            self.stderr.write(f"- {problem.problem}")
        if report.problems:
            self._context(report, ok=False)
            raise CommandError(_("Chuỗi nhật ký bị phá vỡ: %(count)s lỗi.") % {"count": len(report.problems)},
                               returncode=1)
        self.stdout.write(self.style.SUCCESS(
            _("Chuỗi nhật ký toàn vẹn: %(count)s sự kiện.") % {"count": report.events}))
        self._context(report, ok=True)

    def _context(self, report: AuditReport, *, ok: bool) -> None:
        """What the verdict rests on: the chains, the database guard."""
        out = self.stdout if ok else self.stderr
        out.write(_("%(chains)s chuỗi (chuỗi chung và một chuỗi cho mỗi cơ quan có sự kiện).")
                  % {"chains": report.chains})
        if report.guard_installed is False:
            self.stderr.write(_("Cảnh báo: bảng nhật ký không có trigger chặn sửa, xóa trong cơ sở dữ liệu; chạy "
                                "`vanthu audit protect` để cài lại."))

    def _protect(self, options: dict[str, Any]) -> None:
        from vanthu.core.audit_guard import audit_guard_install

        if not audit_guard_install(connection):
            raise CommandError(_("Cơ sở dữ liệu %(vendor)s chưa có trigger bảo vệ nhật ký.")
                               % {"vendor": connection.vendor}, returncode=1)
        self.stdout.write(self.style.SUCCESS(_("Đã cài trigger chặn sửa, xóa bảng nhật ký hệ thống.")))
