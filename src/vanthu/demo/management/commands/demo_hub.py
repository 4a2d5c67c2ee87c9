"""``vanthu demo-hub``: the demo's exchange hub (its database, systems, agencies and one inbound công văn)."""

from __future__ import annotations

import subprocess
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vanthu.demo.hub import DEMO_HUB_PORT, DEMO_SYSTEM, demo_hub_prepare


class Command(BaseCommand):
    help = ("Chuẩn bị trục liên thông demo (var/hub.sqlite3): hệ thống Tỉnh Demo và một 'trục quốc gia' demo với "
            "một số bộ, ngành; gửi một công văn mẫu của Văn phòng Chính phủ. KHÔNG DÙNG CHO MỤC ĐÍCH THẬT.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=DEMO_HUB_PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            hub = demo_hub_prepare(port=options["port"])
        except subprocess.CalledProcessError as exc:
            raise CommandError((exc.stderr or b"").decode(errors="replace")[-2000:]) from exc
        self.stdout.write(f"Trục liên thông demo: {hub.url} — hệ thống {DEMO_SYSTEM}, {hub.agencies} cơ quan "
                          f"Tỉnh Demo kết nối; khóa bí mật trong var/hub_demo_secret.")
        if hub.sent_inbound:
            self.stdout.write("Đã gửi công văn mẫu của Văn phòng Chính phủ tới UBND tỉnh Demo qua trục.")
