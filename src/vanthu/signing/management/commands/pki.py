"""``vanthu pki init [--dir var/pki] [--force]`` and ``vanthu pki serve [--dir var/pki] [--port 8799]``.

The demo PKI: KHÔNG DÙNG CHO MỤC ĐÍCH THẬT (not for production).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vanthu.signing.pki.builder import exists, load_pki
from vanthu.signing.pki.demo import DEFAULT_PORT, init_demo_pki
from vanthu.signing.pki.service import PkiService


class Command(BaseCommand):
    help = "PKI demo (KHÔNG DÙNG CHO MỤC ĐÍCH THẬT): tạo chứng thư, ảnh chữ ký, con dấu; chạy dịch vụ TSA/OCSP/CRL."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        default_dir = str(Path(settings.VAR_DIR) / "pki")
        init = sub.add_parser("init", help="Tạo PKI demo (giữ nguyên PKI đã có, trừ khi có --force).")
        init.add_argument("--dir", default=default_dir)
        init.add_argument("--force", action="store_true", help="Xóa và tạo lại PKI demo.")
        init.add_argument("--host", default="127.0.0.1", help="Địa chỉ của dịch vụ TSA/OCSP/CRL ghi trong chứng thư.")
        init.add_argument("--port", type=int, default=DEFAULT_PORT)
        serve = sub.add_parser("serve", help="Chạy dịch vụ TSA/OCSP/CRL của PKI demo (tiền cảnh).")
        serve.add_argument("--dir", default=default_dir)
        serve.add_argument("--port", type=int, default=None,
                           help="Mặc định: cổng đã ghi trong chứng thư khi tạo PKI.")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["dir"])
        if options["action"] == "init":
            pki, created = init_demo_pki(directory, host=options["host"], port=options["port"],
                                         force=options["force"])
            if created:
                self.stdout.write(self.style.SUCCESS(
                    f"Đã tạo PKI demo tại {directory} ({len(pki.leaf_labels)} chứng thư ký). "
                    "KHÔNG DÙNG CHO MỤC ĐÍCH THẬT."))
            else:
                self.stdout.write(f"PKI demo đã có tại {directory}: giữ nguyên (dùng --force để tạo lại).")
            return
        if not exists(directory):
            raise CommandError(f"Chưa có PKI demo tại {directory}: chạy `vanthu pki init` trước.")
        pki = load_pki(directory)
        recorded = urlsplit(pki.url_prefix)
        port = options["port"] or recorded.port or DEFAULT_PORT
        if port != recorded.port:
            raise CommandError(f"Chứng thư trỏ tới {pki.url_prefix}; không thể phục vụ ở cổng {port}. "
                               "Tạo lại bằng `vanthu pki init --force --port …`.")
        service = PkiService(host=recorded.hostname or "127.0.0.1", port=port, quiet=False)
        service.mount(pki)
        self.stdout.write(f"Dịch vụ PKI demo: TSA {service.tsa_url} · OCSP {service.ocsp_url} · CRL {service.crl_url}")
        self.stdout.write("KHÔNG DÙNG CHO MỤC ĐÍCH THẬT. Nhấn Ctrl+C để dừng.")
        try:
            service.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            service.stop()
