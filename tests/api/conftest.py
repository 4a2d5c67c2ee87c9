from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from vanthu.api.services import api_token_create
from vanthu.organizations.actor import Actor

Call = Callable[..., Any]


def bearer(actor: Actor, *, name: str = "thử nghiệm", days: int | None = 30) -> dict[str, str]:
    _token, plain = api_token_create(actor=actor, name=name, expires_in_days=days)
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def call(client: Client) -> Call:
    """``call(actor, "post", "/api/v1/…", json_body)``: a JSON request with a fresh bearer token of ``actor``.

    ``actor=None`` sends no credentials at all.
    """
    tokens: dict[int, dict[str, str]] = {}

    def _call(actor: Actor | None, method: str, path: str, body: Any = None, **headers: str) -> Any:
        sent = dict(headers)
        if actor is not None:
            key = actor.membership.pk if actor.membership else 0
            if key not in tokens:
                tokens[key] = bearer(actor)
            sent.update(tokens[key])
        send = getattr(client, method)
        if method in ("post", "patch", "put"):
            return send(path, data=json.dumps(body if body is not None else {}), content_type="application/json",
                        headers=sent)
        return send(path, headers=sent)

    return _call


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The error contract: exactly code, message (non-empty) and extra, with the expected status."""
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "extra"}
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["extra"], dict)
    if code is not None:
        assert body["code"] == code
    return body
