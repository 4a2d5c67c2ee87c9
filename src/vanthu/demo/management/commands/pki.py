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

from vanthu.demo.pki import DEFAULT_PORT, init_demo_pki
from vanthu.demo.pki.register import DEMO_PIN, demo_pki_register
from vanthu.signing.models import TrustedRoot
from vanthu.signing.pki.builder import exists, load_pki
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
            self._register(directory)
            return
        if not exists(directory):
            raise CommandError(f"Chưa có PKI demo tại {directory}: chạy `vanthu pki init` trước.")
        self._serve(directory, options)

    def _register(self, directory: Path) -> None:
        """Register the demo certificates, key devices and images for the demo users/agencies in the database."""
        from django.db import DatabaseError, connection


        try:
            tables = connection.introspection.table_names()
        except (DatabaseError, RuntimeError):  # no database here (or access blocked): the files are enough
            self.stdout.write("Không kết nối được cơ sở dữ liệu: chưa đăng ký chứng thư demo.")
            return
        if TrustedRoot._meta.db_table not in tables:
            self.stdout.write("Cơ sở dữ liệu chưa được tạo (vanthu migrate): chưa đăng ký chứng thư demo.")
            return
        result = demo_pki_register(directory)
        if result.skipped and not result.changed() and result.skipped[0].startswith("no demo"):
            self.stdout.write("Chưa có dữ liệu demo (vanthu demo-load): chưa đăng ký chứng thư demo.")
            return
        if result.changed():
            self.stdout.write(self.style.SUCCESS(
                f"Đã đăng ký: {result.trusted_roots} CA gốc demo, {result.certificates} chứng thư, "
                f"{result.key_devices} thiết bị ký (mã PIN demo {DEMO_PIN}), {result.signature_images} ảnh chữ ký, "
                f"{result.seal_images} ảnh con dấu."))
        else:
            self.stdout.write("Chứng thư, thiết bị ký và ảnh demo đã được đăng ký trước đó: không thay đổi gì.")
        if result.skipped:
            self.stdout.write(f"Bỏ qua (không có trong cơ sở dữ liệu): {', '.join(result.skipped)}")
        configured = Path(getattr(settings, "VANTHU_DEMO_PKI_DIR", "") or "")
        if not getattr(settings, "VANTHU_TSA_URL", "") and configured.resolve() != directory.resolve():
            self.stdout.write(f"Lưu ý: đặt VANTHU_DEMO_PKI_DIR={directory} (hoặc VANTHU_TSA_URL) để ký số dùng "
                              "dịch vụ dấu thời gian của PKI demo.")

    def _serve(self, directory: Path, options: dict[str, Any]) -> None:
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
