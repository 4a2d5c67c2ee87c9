"""ASGI entry point of the standalone hub: ``uvicorn vanthu.hub.asgi:application`` (``vanthu hub serve``)."""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings_hub")
# Requests run synchronously on the event loop's thread (server.py) and never yield to the loop while they use the
# database, so nothing can interleave on a connection: the case Django's async-safety guard exists for.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from vanthu.hub import conf, errors  # noqa: E402
from vanthu.hub.server import HubApplication  # noqa: E402
from vanthu.hub.views import error_body, operation_of  # noqa: E402

_limit = conf.max_package_bytes()

application = HubApplication(
    WSGIHandler(),
    max_body=_limit,
    threads=int(getattr(settings, "VANTHU_HUB_THREADS", 0)),
    refusal=lambda path: error_body(errors.too_large(_limit), operation_of(path)),
)
