"""``vanthu audit``: verify the audit log, make and export its signed checkpoints, reinstall its database guard.

- ``verify [--checkpoint-dir DIR]`` — every chain against its head and the signed checkpoints (exit 1 on any
  problem, each one said precisely); ``DIR`` verifies against an exported copy instead of the live folder;
- ``checkpoint`` — sign and store a checkpoint now (the worker makes one every ``VANTHU_AUDIT_CHECKPOINT_MINUTES``);
- ``export-checkpoints DIR`` — copy the checkpoints and the signer's certificate to ``DIR`` (never overwrites);
- ``protect`` — create the triggers again (after a SQLite migration rebuilt the table, see ``core/audit_guard``).
"""

from __future__ import annotations

import logging
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.audit_guard import audit_guard_install
from vanthu.core.errors import ApplicationError
from vanthu.signing.audit.checkpoints import checkpoint_make
from vanthu.signing.audit.store import checkpoint_dir, checkpoints_export
from vanthu.signing.audit.verify import AuditReport, audit_verify_report


class Command(BaseCommand):
    help = "Nhật ký hệ thống: kiểm tra chuỗi băm và các điểm kiểm tra đã ký, tạo và xuất điểm kiểm tra."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Kiểm tra toàn bộ nhật ký: chuỗi băm và các điểm kiểm tra đã ký.")
        verify.add_argument("--checkpoint-dir", type=Path, default=None, metavar="DIR",
                            help="Thư mục điểm kiểm tra (mặc định VANTHU_AUDIT_CHECKPOINT_DIR), ví dụ một bản đã xuất.")
        sub.add_parser("checkpoint", help="Tạo ngay một điểm kiểm tra đã ký và gắn dấu thời gian.")
        export = sub.add_parser("export-checkpoints", help="Sao các điểm kiểm tra và chứng thư của người ký ra DIR.")
        export.add_argument("directory", type=Path, metavar="DIR")
        sub.add_parser("protect", help="Cài lại trigger chặn sửa, xóa bảng nhật ký trong cơ sở dữ liệu.")

    def handle(self, *args: Any, **options: Any) -> None:
        # pyHanko logs every certificate and timestamp check; the findings below say what matters.
        for name in ("pyhanko", "pyhanko_certvalidator"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except ApplicationError as exc:
            raise CommandError(str(exc.message), returncode=1) from exc

    def _verify(self, options: dict[str, Any]) -> None:
        report = audit_verify_report(checkpoint_dir=options["checkpoint_dir"])
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
        """What the verdict rests on: the chains, the checkpoints, the database guard."""
        out = self.stdout if ok else self.stderr
        out.write(_("%(chains)s chuỗi (chuỗi chung và một chuỗi cho mỗi cơ quan có sự kiện).")
                  % {"chains": report.chains})
        summary = report.checkpoints
        if summary.count:
            out.write(_("Đã kiểm tra %(count)s điểm kiểm tra trong %(dir)s; điểm mới nhất số %(number)s lúc "
                        "%(time)s bao phủ %(events)s sự kiện.") % {
                "count": summary.count, "dir": summary.directory, "number": summary.latest_number,
                "time": summary.latest_made_at, "events": summary.latest_events})
        else:
            out.write(_("Chưa có điểm kiểm tra nào trong %(dir)s: chỉ kiểm tra được chuỗi băm, chưa phát hiện được "
                        "việc sửa rồi tính lại toàn bộ chuỗi. Tạo điểm kiểm tra bằng `vanthu audit checkpoint`.")
                      % {"dir": summary.directory})
        if report.guard_installed is False:
            self.stderr.write(_("Cảnh báo: bảng nhật ký không có trigger chặn sửa, xóa trong cơ sở dữ liệu; chạy "
                                "`vanthu audit protect` để cài lại."))

    def _checkpoint(self, options: dict[str, Any]) -> None:
        made = checkpoint_make()
        if made is None:
            self.stdout.write(_("Không có sự kiện mới kể từ điểm kiểm tra trước (hoặc nhật ký còn trống): không tạo "
                                "điểm kiểm tra mới trong %(dir)s.") % {"dir": checkpoint_dir()})
            return
        self.stdout.write(self.style.SUCCESS(_(
            "Đã tạo điểm kiểm tra số %(number)s (%(file)s): %(events)s sự kiện trong %(chains)s chuỗi, %(moved)s chuỗi "
            "có sự kiện mới; ký bằng %(signer)s, dấu thời gian TSA %(time)s.") % {
            "number": made.number, "file": made.path, "events": made.events, "chains": made.chains,
            "moved": made.moved, "signer": made.signer,
            "time": timezone.localtime(made.stamped_at).strftime("%d/%m/%Y %H:%M:%S")}))

    def _export_checkpoints(self, options: dict[str, Any]) -> None:
        exported = checkpoints_export(options["directory"])
        self.stdout.write(self.style.SUCCESS(_(
            "Đã xuất %(copied)s tệp điểm kiểm tra vào %(dir)s (%(present)s tệp đã có sẵn), kèm chứng thư số của người "
            "ký.") % {"copied": exported.copied, "dir": options["directory"], "present": exported.present}))

    def _protect(self, options: dict[str, Any]) -> None:
        if not audit_guard_install(connection):
            raise CommandError(_("Cơ sở dữ liệu %(vendor)s chưa có trigger bảo vệ nhật ký.")
                               % {"vendor": connection.vendor}, returncode=1)
        self.stdout.write(self.style.SUCCESS(_("Đã cài trigger chặn sửa, xóa bảng nhật ký hệ thống.")))
