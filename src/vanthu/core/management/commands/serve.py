"""``vanthu serve``: collect static files once, then run the ASGI application under uvicorn."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy máy chủ web Vanthu (uvicorn, ASGI)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--skip-collectstatic", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn

        if not options["skip_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Vanthu đang chạy tại http://{options['host']}:{options['port']}/")
        # uvicorn believes X-Forwarded-For/-Proto from loopback by default and rewrites the client address with
        # them, before Django could tell; off: vanthu.core.http.client decides, from VANTHU_TRUSTED_PROXIES.
        uvicorn.run("vanthu.config.asgi:application", host=options["host"], port=options["port"],
                    workers=options["workers"], lifespan="off", proxy_headers=False)
