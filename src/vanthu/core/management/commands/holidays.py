"""``vanthu holidays seed --year 2026``: insert the statutory holidays of a year (editable afterwards)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from vanthu.core.calendar import holidays_seed


class Command(BaseCommand):
    help = "Quản lý lịch nghỉ lễ, Tết."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help="Thêm các ngày nghỉ lễ theo Bộ luật Lao động cho một hoặc nhiều năm.")
        seed.add_argument("--year", type=int, action="append", required=True, help="Năm, có thể lặp lại.")

    def handle(self, *args: Any, **options: Any) -> None:
        years = sorted(set(options["year"]))
        with transaction.atomic():
            created = holidays_seed(years=years)
        self.stdout.write(self.style.SUCCESS(
            f"Đã thêm {created} ngày nghỉ cho năm {', '.join(str(y) for y in years)}."))
