"""The ``vanthu`` command: a few short names over Django's management commands.

``vanthu serve | worker | migrate | demo-load [--reset] | demo-sign | audit verify | holidays seed --year 2026``;
anything else is passed to Django as is (``vanthu createsuperuser``, ``vanthu shell``…).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

ALIASES = {"demo-load": "demo_load", "demo-sign": "demo_sign"}


def main(argv: Sequence[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args:
        args[0] = ALIASES.get(args[0], args[0])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vanthu", *args])


if __name__ == "__main__":
    main()
