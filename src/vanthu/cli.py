"""The ``vanthu`` command: a few short names over Django's management commands.

``vanthu serve | worker | migrate | demo-load [--reset] | demo-sign | audit verify | holidays seed --year 2026``;
anything else is passed to Django as is (``vanthu createsuperuser``, ``vanthu shell``…).
``vanthu hub …`` runs the standalone exchange hub with its own settings and database (``settings_hub``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

ALIASES = {"demo-load": "demo_load", "demo-sign": "demo_sign", "demo-hub": "demo_hub"}
HUB_SETTINGS = "vanthu.config.settings_hub"


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "hub" and "hub" not in os.environ.get("DJANGO_SETTINGS_MODULE", "").rsplit(".", 1)[-1]:
        os.environ["DJANGO_SETTINGS_MODULE"] = HUB_SETTINGS
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings")
    if args:
        args[0] = ALIASES.get(args[0], args[0])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vanthu", *args])


if __name__ == "__main__":
    main()
