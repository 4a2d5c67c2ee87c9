"""The hub's ASGI front (vanthu/hub/server.py): body limit while streaming, lingering refusal, WSGI hand-over."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from vanthu.hub.server import HubApplication, wsgi_environ

Message = dict[str, Any]


def _echo_app(seen: list[dict[str, Any]]) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.append(dict(environ, body=environ["wsgi.input"].read()))
        start_response("201 Created", [("Content-Type", "text/plain")])
        return [b"ok:", environ["PATH_INFO"].encode()]
    return app


def _run(app: HubApplication, scope: dict[str, Any], incoming: list[Message]) -> tuple[list[Message], int]:
    """Drive one request; returns what the app sent and how many incoming messages it consumed."""
    sent: list[Message] = []
    queue = list(incoming)
    consumed = 0

    async def receive() -> Message:
        nonlocal consumed
        if not queue:
            await asyncio.sleep(3600)
        consumed += 1
        return queue.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent, consumed


def _scope(headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    return {"type": "http", "method": "POST", "path": "/sendEdoc", "query_string": b"", "http_version": "1.1",
            "headers": headers or [], "server": ("127.0.0.1", 8700), "client": ("127.0.0.1", 5555)}


def _chunks(count: int, size: int) -> list[Message]:
    return [{"type": "http.request", "body": b"x" * size, "more_body": index < count - 1} for index in range(count)]


@pytest.fixture(params=[0, 2], ids=["inline", "threads"])
def app_and_seen(request: pytest.FixtureRequest) -> tuple[HubApplication, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []
    return HubApplication(_echo_app(seen), max_body=1000, threads=request.param, refusal=lambda path: b"{7}"), seen


def test_body_within_the_limit_reaches_the_wsgi_handler(app_and_seen: tuple[HubApplication, list[Any]]) -> None:
    app, seen = app_and_seen
    sent, _ = _run(app, _scope([(b"x-a", b"1"), (b"X-A", b"2"), (b"content-type", b"application/octet-stream")]),
                   _chunks(3, 300))
    assert sent[0]["status"] == 201 and sent[1]["body"] == b"ok:/sendEdoc"
    environ = seen[0]
    assert environ["body"] == b"x" * 900 and environ["CONTENT_LENGTH"] == "900"
    assert environ["HTTP_X_A"] == "1,2" and environ["CONTENT_TYPE"] == "application/octet-stream"


def test_declared_length_over_the_limit_is_refused_unread_then_drained(
        app_and_seen: tuple[HubApplication, list[Any]]) -> None:
    app, seen = app_and_seen
    sent, consumed = _run(app, _scope([(b"content-length", b"5000")]), _chunks(5, 1000))
    assert sent[0]["status"] == 413 and (b"connection", b"close") in sent[0]["headers"]
    assert sent[1]["body"] == b"{7}" and sent[-1] == {"type": "http.response.body", "body": b""}
    assert consumed == 5 and seen == []  # all read and dropped, nothing handed on


def test_streamed_body_over_the_limit_is_refused(app_and_seen: tuple[HubApplication, list[Any]]) -> None:
    app, seen = app_and_seen
    sent, consumed = _run(app, _scope(), _chunks(6, 400))
    assert sent[0]["status"] == 413 and consumed == 6 and seen == []


def test_client_that_expects_100_continue_is_not_drained(app_and_seen: tuple[HubApplication, list[Any]]) -> None:
    app, _ = app_and_seen
    sent, consumed = _run(app, _scope([(b"content-length", b"5000"), (b"expect", b"100-continue")]), _chunks(5, 1000))
    assert sent[0]["status"] == 413 and consumed == 0


def test_client_gone_mid_body_gets_nothing(app_and_seen: tuple[HubApplication, list[Any]]) -> None:
    app, seen = app_and_seen
    sent, _ = _run(app, _scope(), [{"type": "http.request", "body": b"x", "more_body": True},
                                   {"type": "http.disconnect"}])
    assert sent == [] and seen == []


def test_lifespan_is_acknowledged(app_and_seen: tuple[HubApplication, list[Any]]) -> None:
    app, _ = app_and_seen
    sent, _ = _run(app, {"type": "lifespan"}, [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    assert [message["type"] for message in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_environ_drops_header_names_with_underscores() -> None:
    environ = wsgi_environ(_scope([(b"x_forwarded_for", b"spoofed"), (b"x-real", b"ok")]), b"")
    assert "HTTP_X_FORWARDED_FOR" not in environ and environ["HTTP_X_REAL"] == "ok"
    assert environ["SERVER_PORT"] == "8700" and environ["REMOTE_ADDR"] == "127.0.0.1"
