"""``vanthu pdf verify FILE [--trust ROOT.pem ...] [--at ISO-TIME] [--json]``: validate every signature of a PDF.

Exit status: 0 every signature valid (TOTAL_PASSED); 1 a signature is invalid or the file was changed in a
way its signatures do not allow (TOTAL_FAILED); 2 undetermined (INDETERMINATE: no trusted chain, revocation
unavailable, expired certificate, or no signature at all); 3 the file cannot be read as a PDF; 64 bad
arguments (an unreadable trust root or time).
"""

from __future__ import annotations

import json
import logging
from argparse import ArgumentParser
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext

from vanthu.core.errors import ApplicationError
from vanthu.signing.validation import (
    Indication,
    pdf_validate,
    report_as_dict,
    report_as_text,
    trust_roots_load,
)

EXIT_CODES = {Indication.TOTAL_PASSED: 0, Indication.TOTAL_FAILED: 1, Indication.INDETERMINATE: 2}
EXIT_UNREADABLE = 3
EXIT_USAGE = 64


class Command(BaseCommand):
    help = "Kiểm tra chữ ký số của tệp PDF."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Kiểm tra mọi chữ ký số trong một tệp PDF.")
        verify.add_argument("file", help="Tệp PDF cần kiểm tra.")
        verify.add_argument("--trust", action="append", default=[], metavar="ROOT.pem",
                            help="Chứng thư số gốc tin cậy (PEM hoặc DER); có thể lặp lại.")
        verify.add_argument("--at", default=None, metavar="ISO-TIME",
                            help="Thời điểm kiểm tra, ISO 8601 (mặc định: bây giờ; thiếu múi giờ: giờ Việt Nam).")
        verify.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verbosity"] < 2:
            # pyHanko narrates every fetch and every finding as log records; the report says it all.
            for name in ("pyhanko", "pyhanko_certvalidator"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
        at = _parse_time(options["at"])
        sources = [*getattr(settings, "VANTHU_TRUST_ROOTS", []), *options["trust"]]
        try:
            roots = trust_roots_load(sources)
        except (ApplicationError, OSError) as exc:
            raise CommandError(str(exc), returncode=EXIT_USAGE) from exc
        try:
            pdf = Path(options["file"]).read_bytes()
            report = pdf_validate(pdf=pdf, trust_roots=roots, at=at)
        except OSError as exc:
            raise CommandError(gettext("Không đọc được tệp %(file)s: %(error)s") % {
                "file": options["file"], "error": exc.strerror},
                               returncode=EXIT_UNREADABLE) from exc
        except ApplicationError as exc:
            raise CommandError(str(exc.message), returncode=EXIT_UNREADABLE) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report_as_dict(report), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report_as_text(report), ending="")
        code = EXIT_CODES[report.indication]
        if code:
            raise CommandError(gettext("Kết quả kiểm tra chữ ký số: %(verdict)s.") % {"verdict": report.verdict},
                               returncode=code)


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(gettext("Thời điểm không hợp lệ: %(value)s") % {"value": value},
                           returncode=EXIT_USAGE) from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
