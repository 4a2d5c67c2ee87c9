from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import Call, bearer
from vanthu.organizations.actor import Actor


@pytest.fixture
def api(client: Client) -> Call:
    """``api(actor, "post", "/api/v1/…", body)``: a JSON request with a bearer token of ``actor``."""

    def _call(actor: Actor, method: str, path: str, body: Any = None) -> Any:
        headers = bearer(actor)
        send = getattr(client, method)
        if method in ("post", "patch", "put"):
            return send(path, data=json.dumps(body if body is not None else {}), content_type="application/json",
                        headers=headers)
        return send(path, headers=headers)

    return _call
