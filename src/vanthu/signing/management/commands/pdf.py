"""``vanthu pdf verify FILE [--trust ROOT.pem ...] [--no-deployment-roots] [--at ISO-TIME] [--json]``.

Validates every signature of a PDF against the same trust anchors as the web check (``signing_validation_context``:
the roots an administrator imported — the demo root in demo mode — and ``VANTHU_TRUST_ROOTS``); ``--trust`` adds
roots, ``--no-deployment-roots`` leaves the deployment's out.

Exit status: 0 every signature valid (TOTAL_PASSED); 1 a signature is invalid or the file was changed in a way its
signatures do not allow (TOTAL_FAILED); 2 undetermined (INDETERMINATE: no trusted chain, revocation unavailable,
expired certificate, a structure that could not be analysed, or no signature at all); 3 the file cannot be read as
a PDF; 64 bad arguments (an unknown option, an unreadable trust root or time). Messages are for people: Vietnamese,
without Python's exception names.
"""

from __future__ import annotations

import json
import logging
import sys
from argparse import ArgumentParser
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from asn1crypto import x509
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext

from vanthu.core.errors import ApplicationError
from vanthu.signing.config import signing_trust_roots, signing_validation_context, trust_roots_unique
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
ARGPARSE_USAGE = 2  # what argparse exits with; 2 means "undetermined" here

# Libraries that narrate every fetch and finding as log records; the report says it all.
CHATTY_LOGGERS = ("pyhanko", "pyhanko_certvalidator", "vanthu.signing.validation")


class Command(BaseCommand):
    help = "Kiểm tra chữ ký số của tệp PDF."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parse_args = parser.parse_args

        def parse_or_usage_exit(args: Sequence[str] | None = None, namespace: Any = None) -> Any:
            try:
                return parse_args(args, namespace)
            except SystemExit as exc:  # argparse has printed its own message and the usage
                if exc.code != ARGPARSE_USAGE:
                    raise
                self.stderr.write(gettext("Tham số không hợp lệ; xem `vanthu pdf verify --help`."))
                raise SystemExit(EXIT_USAGE) from exc

        parser.parse_args = parse_or_usage_exit  # type: ignore[method-assign,assignment]
        return parser

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Kiểm tra mọi chữ ký số trong một tệp PDF.")
        verify.add_argument("file", help="Tệp PDF cần kiểm tra.")
        verify.add_argument("--trust", action="append", default=[], metavar="ROOT.pem",
                            help="Thêm chứng thư số gốc tin cậy (PEM hoặc DER); có thể lặp lại.")
        verify.add_argument("--no-deployment-roots", action="store_true",
                            help="Không dùng các CA gốc tin cậy của hệ thống (chỉ dùng --trust).")
        verify.add_argument("--at", default=None, metavar="ISO-TIME",
                            help="Thời điểm kiểm tra, ISO 8601 (mặc định: bây giờ; thiếu múi giờ: giờ Việt Nam).")
        verify.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def execute(self, *args: Any, **options: Any) -> str | None:
        """On the command line a failure is one Vietnamese line on stderr and the documented exit status (Django
        would print "CommandError: …"); called from code, the ``CommandError`` is raised as usual."""
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self._exit(str(exc), exc.returncode)

    def _exit(self, message: str, code: int) -> NoReturn:
        self.stderr.write(message)
        sys.exit(code)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verbosity"] < 2:
            for name in CHATTY_LOGGERS:
                logging.getLogger(name).setLevel(logging.CRITICAL)
        at = _parse_time(options["at"])
        roots = self._trust_roots(options["trust"], deployment=not options["no_deployment_roots"])
        try:
            pdf = Path(options["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(gettext("Không đọc được tệp %(file)s: %(error)s") % {
                "file": options["file"], "error": exc.strerror or exc}, returncode=EXIT_UNREADABLE) from exc
        try:
            report = pdf_validate(pdf=pdf, validation_context=signing_validation_context(at=at, trust_roots=roots))
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

    def _trust_roots(self, files: list[str], *, deployment: bool) -> list[x509.Certificate]:
        """The deployment's anchors (as the web check uses them) unless left out, then the ``--trust`` files."""
        try:
            extra = trust_roots_load(files)
        except (ApplicationError, OSError) as exc:
            message = exc.message if isinstance(exc, ApplicationError) else (
                gettext("Không đọc được chứng thư số gốc tin cậy %(where)s.") % {"where": exc.filename})
            raise CommandError(str(message), returncode=EXIT_USAGE) from exc
        if not deployment:
            return extra
        try:
            try:
                base = signing_trust_roots()
            except DatabaseError:
                self.stderr.write(gettext("Không đọc được danh sách CA gốc tin cậy trong cơ sở dữ liệu; chỉ dùng "
                                          "VANTHU_TRUST_ROOTS và --trust."))
                base = signing_trust_roots(database=False)
        except ApplicationError as exc:
            raise CommandError(str(exc.message), returncode=EXIT_USAGE) from exc
        return trust_roots_unique([*base, *extra])


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
