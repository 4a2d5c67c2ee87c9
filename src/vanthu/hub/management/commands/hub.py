"""``vanthu hub …``: run and administer the standalone exchange hub (settings ``vanthu.config.settings_hub``).

``migrate`` · ``serve --host --port --workers`` · ``system add --system-id ID (--secret S | --secret-env VAR)
[--agency CODE …]`` · ``system list`` · ``agency add --code C --name N [--parent P] --system ID`` · ``agency list``
· ``agency delete --code C``. Secrets are never printed or logged.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from vanthu.core.errors import ApplicationError
from vanthu.hub import services
from vanthu.hub.models import ConnectedSystem, HubAgency


class Command(BaseCommand):
    help = "Trục liên thông văn bản: chạy dịch vụ, kết nối hệ thống, quản lý danh bạ đơn vị."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("migrate", help="Tạo hoặc cập nhật cơ sở dữ liệu của trục.")
        serve = sub.add_parser("serve", help="Chạy trục (uvicorn, ASGI).")
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=8700)
        serve.add_argument("--workers", type=int, default=1)
        serve.add_argument("--access-log", action="store_true", help="Ghi một dòng cho mỗi yêu cầu.")

        system = sub.add_parser("system", help="Hệ thống kết nối.").add_subparsers(dest="system_action",
                                                                                     required=True)
        add = system.add_parser("add", help="Kết nối một hệ thống hoặc đổi khóa bí mật của nó.")
        add.add_argument("--system-id", required=True)
        secret = add.add_mutually_exclusive_group()
        secret.add_argument("--secret", help="Khóa bí mật (--secret-env giữ khóa ngoài lịch sử lệnh).")
        secret.add_argument("--secret-env", help="Tên biến môi trường chứa khóa bí mật "
                                                 "(mặc định VANTHU_HUB_SYSTEM_SECRET).")
        add.add_argument("--name", default="")
        add.add_argument("--agency", action="append", default=[], metavar="CODE",
                         help="Mã đơn vị do hệ thống này quản lý (lặp lại được).")
        system.add_parser("list", help="Liệt kê các hệ thống (không in khóa bí mật).")

        agency = sub.add_parser("agency", help="Danh bạ đơn vị.").add_subparsers(dest="agency_action", required=True)
        agency_add = agency.add_parser("add", help="Thêm hoặc cập nhật một đơn vị.")
        agency_add.add_argument("--code", required=True)
        agency_add.add_argument("--name", required=True)
        agency_add.add_argument("--parent", default="")
        agency_add.add_argument("--mail", default="")
        agency_add.add_argument("--system", required=True, metavar="SYSTEM_ID")
        agency.add_parser("list", help="Liệt kê danh bạ.")
        agency_delete = agency.add_parser("delete", help="Đánh dấu xóa một đơn vị.")
        agency_delete.add_argument("--code", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "migrate":
                call_command("migrate", interactive=False, verbosity=options["verbosity"])
            elif action == "serve":
                self._serve(options)
            elif action == "system":
                self._system(options)
            else:
                self._agency(options)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc

    def _serve(self, options: dict[str, Any]) -> None:
        import uvicorn

        self.stdout.write(f"Trục liên thông đang chạy tại http://{options['host']}:{options['port']}/")
        self.stdout.flush()
        # The peer address stays the TCP peer: uvicorn's default would take it from X-Forwarded-For on loopback.
        uvicorn.run("vanthu.hub.asgi:application", host=options["host"], port=options["port"],
                    workers=options["workers"], lifespan="off", proxy_headers=False, access_log=options["access_log"],
                    log_level="info" if options["access_log"] else "warning")

    def _system(self, options: dict[str, Any]) -> None:
        if options["system_action"] == "list":
            for system in ConnectedSystem.objects.order_by("system_id"):
                hosted = system.agencies.filter(deleted=False).count()
                state = "" if system.is_active else " (ngừng)"
                self.stdout.write(f"{system.system_id}\t{system.name}\t{hosted} đơn vị{state}")
            return
        secret = options["secret"]
        if not secret:
            variable = options["secret_env"] or "VANTHU_HUB_SYSTEM_SECRET"
            secret = os.environ.get(variable, "")
            if not secret:
                raise CommandError(f"Chưa có khóa bí mật: dùng --secret hoặc đặt biến môi trường {variable}.")
        system = services.system_add(system_id=options["system_id"], secret=secret, name=options["name"])
        for code in options["agency"]:
            existing = HubAgency.objects.filter(code_key=code.strip().upper()).first()
            services.agency_register(actor=None, system=system, code=code,
                                     name=existing.name if existing else code.strip(),
                                     parent_code=existing.parent_code if existing else "")
        agencies = f", {len(options['agency'])} đơn vị" if options["agency"] else ""
        self.stdout.write(self.style.SUCCESS(f"Đã kết nối hệ thống {system.system_id}{agencies}."))

    def _agency(self, options: dict[str, Any]) -> None:
        action = options["agency_action"]
        if action == "list":
            for agency in HubAgency.objects.select_related("system").order_by("code_key"):
                state = "\t(đã xóa)" if agency.deleted else ""
                self.stdout.write(f"{agency.code}\t{agency.name}\t{agency.parent_code or '-'}\t"
                                  f"{agency.system.system_id}\tv{agency.version}{state}")
            return
        if action == "delete":
            agency = services.agency_delete(actor=None, code=options["code"])
            self.stdout.write(self.style.SUCCESS(f"Đã xóa đơn vị {agency.code}."))
            return
        system = ConnectedSystem.objects.filter(system_id=options["system"].strip()).first()
        if system is None:
            raise CommandError(f"Không có hệ thống {options['system']}: thêm bằng `vanthu hub system add`.")
        agency = services.agency_register(actor=None, system=system, code=options["code"], name=options["name"],
                                          parent_code=options["parent"], mail=options["mail"])
        self.stdout.write(self.style.SUCCESS(f"Đã lưu đơn vị {agency.code} ({agency.name}) thuộc {system.system_id}."))
