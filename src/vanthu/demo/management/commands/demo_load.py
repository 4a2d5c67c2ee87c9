"""``vanthu demo-load [--reset]``: build Tỉnh Demo and print the logins."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vanthu.core.errors import ApplicationError
from vanthu.demo.data import DEMO_PASSWORD
from vanthu.demo.loader import demo_load, demo_logins


class Command(BaseCommand):
    help = "Tải dữ liệu mẫu “Tỉnh Demo” (cơ quan, người dùng, khoảng 200 văn bản đến)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--reset", action="store_true",
                            help="Xóa TOÀN BỘ cơ sở dữ liệu rồi tải lại dữ liệu mẫu.")
        parser.add_argument("--documents", type=int, default=200, help="Số văn bản đến mẫu (mặc định 200).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = demo_load(reset=options["reset"], documents=options["documents"])
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        if summary.created:
            self.stdout.write(self.style.SUCCESS(
                f"Đã tải Tỉnh Demo: {summary.agencies} cơ quan, {summary.users} người dùng, "
                f"{summary.documents} văn bản đến ({summary.seconds:.1f} giây)."))
        else:
            self.stdout.write(
                f"Tỉnh Demo đã có sẵn ({summary.documents} văn bản đến); không thay đổi gì. "
                "Dùng --reset để tải lại từ đầu.")
        logins = demo_logins()
        width = max(len(row.username) for row in logins) + 2
        self.stdout.write("")
        self.stdout.write(f"{'Tên đăng nhập':<{width}}{'Vai trò':<40}Cơ quan")
        for row in logins:
            self.stdout.write(f"{row.username:<{width}}{row.role:<40}{row.agency}")
        self.stdout.write("")
        self.stdout.write(self.style.WARNING(f"Mật khẩu chung của mọi tài khoản mẫu: {DEMO_PASSWORD}"))
