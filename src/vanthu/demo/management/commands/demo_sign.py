"""``vanthu demo-sign [--dir var/pki]``: the demo's outgoing documents in every state, really signed."""

from __future__ import annotations

import logging
from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vanthu.core.errors import ApplicationError
from vanthu.demo.outgoing import demo_sign
from vanthu.demo.pki.register import DEMO_PIN
from vanthu.documents.outgoing.enums import OutgoingState


@contextmanager
def _quiet(names: tuple[str, ...]) -> Iterator[None]:
    """pyHanko logs every OCSP and CRL fetch at INFO: dozens of lines per signature on the console."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = ("Tạo văn bản đi mẫu của Tỉnh Demo ở mọi trạng thái, ký số bằng PKI demo (chạy sau `vanthu demo-load` "
            "và `vanthu pki init`). KHÔNG DÙNG CHO MỤC ĐÍCH THẬT.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dir", default=str(settings.VANTHU_DEMO_PKI_DIR), help="Thư mục PKI demo.")

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = ("pyhanko", "pyhanko_certvalidator") if options["verbosity"] < 2 else ()
        try:
            with _quiet(quiet):
                summary = demo_sign(pki_dir=Path(options["dir"]))
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        if not summary.created:
            self.stdout.write(f"Văn bản đi mẫu đã có sẵn ({summary.documents} văn bản); không thay đổi gì.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Đã tạo {summary.documents} văn bản đi mẫu của {', '.join(summary.senders)} "
            f"({summary.seconds:.1f} giây)."))
        counts = ", ".join(f"{OutgoingState(state).label}: {count}" for state, count in
                           sorted(summary.states.items(), key=lambda item: list(OutgoingState.values).index(item[0])))
        self.stdout.write(f"Trạng thái: {counts}.")
        if not summary.docx:
            self.stdout.write("Chưa cài LibreOffice: bỏ qua dự thảo soạn từ tệp DOCX.")
        if summary.started_pki:
            self.stdout.write("Đã tạm chạy dịch vụ PKI demo (TSA/OCSP/CRL) trong lúc ký; "
                              "`vanthu pki serve` chạy lâu dài.")
        self.stdout.write(self.style.WARNING(
            f"Ký thử: đăng nhập chutich.ubnd hoặc phochutich.ubnd (văn bản chờ ký), vanthu.ubnd (cấp số, ký số cơ "
            f"quan, phát hành); mã PIN thiết bị ký demo: {DEMO_PIN}."))
