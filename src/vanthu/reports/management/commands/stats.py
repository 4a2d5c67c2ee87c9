"""``vanthu stats rebuild [--from YYYY-MM] [--to YYYY-MM]`` · ``vanthu stats refresh``: the statistics rollups."""

from __future__ import annotations

import re
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vanthu.reports.rollup import stats_rebuild, stats_refresh_dirty

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _month(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    match = MONTH.match(value.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise CommandError(_("Tháng phải có dạng YYYY-MM, ví dụ 2026-11."))
    return int(match.group(1)), int(match.group(2))


class Command(BaseCommand):
    help = "Tính lại số liệu thống kê (toàn bộ, hoặc các tháng có thay đổi)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("rebuild", help="Tính lại từ đầu mọi tháng (trừ các tháng đã chốt).")
        rebuild.add_argument("--from", dest="first",
                             help="Tháng đầu, YYYY-MM (mặc định: tháng có văn bản đầu tiên)")
        rebuild.add_argument("--to", dest="last", help="Tháng cuối, YYYY-MM (mặc định: tháng này)")
        sub.add_parser("refresh", help="Tính lại các tháng có thay đổi chưa được tính.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rebuild":
            count = stats_rebuild(first=_month(options["first"]), last=_month(options["last"]))
            self.stdout.write(ngettext("Đã tính lại %(n)d cơ quan-tháng.", "Đã tính lại %(n)d cơ quan-tháng.",
                                       count) % {"n": count})
        else:
            count = stats_refresh_dirty()
            self.stdout.write(ngettext("Đã tính lại %(n)d cơ quan-tháng có thay đổi.",
                                       "Đã tính lại %(n)d cơ quan-tháng có thay đổi.", count) % {"n": count})
