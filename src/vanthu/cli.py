"""The ``vanthu`` command: a few short names over Django's management commands.

``vanthu serve | worker | migrate | demo-load [--reset] | demo-sign | audit verify | holidays seed --year 2026``;
anything else is passed to Django as is (``vanthu createsuperuser``, ``vanthu shell``…).
``vanthu hub …`` runs the standalone exchange hub with its own settings and database (``settings_hub``).

The people running a command cannot act on a library's deprecation notice or other warning, so warnings raised
from inside the libraries below are not printed here; warnings about our own code still are, and the test suite
(which does not go through this entry point) sees everything.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence

ALIASES = {"demo-load": "demo_load", "demo-sign": "demo_sign", "demo-hub": "demo_hub"}
HUB_SETTINGS = "vanthu.config.settings_hub"

# The third-party packages we run (pyproject.toml) and the ones they pull in, by top-level module. A warning is
# matched on the module that triggered it (the caller named by its stacklevel), so a deprecated call made by our
# own code is still shown.
LIBRARY_MODULES = (
    "aiohttp", "asn1crypto", "axes", "certomancer", "channels", "cryptography", "dj_database_url", "django",
    "django_otp", "django_tasks", "django_tasks_db", "fontTools", "lxml", "ninja", "openpyxl", "oscrypto", "PIL",
    "pkcs11", "psycopg", "pydantic", "pyhanko", "pyhanko_certvalidator", "qrcode", "reportlab", "segno", "signxml",
    "starlette", "tzlocal", "uharfbuzz", "uvicorn", "websockets", "whitenoise",
)
LIBRARY_PATTERN = "(" + "|".join(LIBRARY_MODULES) + r")(\..*)?$"


def library_warnings_silence() -> None:
    """Ignore every warning category, but only from the library modules above."""
    warnings.filterwarnings("ignore", module=LIBRARY_PATTERN)


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "hub" and "hub" not in os.environ.get("DJANGO_SETTINGS_MODULE", "").rsplit(".", 1)[-1]:
        os.environ["DJANGO_SETTINGS_MODULE"] = HUB_SETTINGS
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings")
    if args:
        args[0] = ALIASES.get(args[0], args[0])
    library_warnings_silence()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vanthu", *args])


if __name__ == "__main__":
    main()
