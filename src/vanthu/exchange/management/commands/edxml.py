"""``vanthu edxml inspect FILE [--json]``: print a package's header, trace, business, status and attachments
(name, content type, decoded size, SHA-256); exit 1 with the typed error and its element for a defective one."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from vanthu.edxml.inspection import inspect_file, inspect_main, inspect_parser

__all__ = ["Command", "inspect_main"]


class Command(BaseCommand):
    help = "Gói tin edXML (QCVN 102:2016): xem nội dung, kiểm tra cấu trúc và chữ ký số."

    def add_arguments(self, parser: ArgumentParser) -> None:
        inspect_parser(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        code = inspect_file(options["file"], as_json=options["json"], stdout=self.stdout, stderr=self.stderr)
        if code:
            raise SystemExit(code)
