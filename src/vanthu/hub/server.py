"""The hub's ASGI front: the size limit while the body streams in, then Django on a finished WSGI environ.

Why not Django's own ASGI handler: it spools the whole body before any code of ours runs (a 200 MB body would be
written out before error 7 could be answered), and it runs each request's view on a new thread, so a persistent
database connection is never reused — on PostgreSQL, one new connection per package.

By default (``VANTHU_HUB_THREADS=0``) the request then runs on the event loop's own thread: one request at a time
per worker process, its connection kept, and no hand-over between threads, which under the GIL cost more than
a third of a ``sendEdoc``. The loop still streams bodies and refusals while no request runs; concurrency comes from
``--workers``. ``VANTHU_HUB_THREADS=n`` runs requests on ``n`` threads instead (each with its connection), for a
database slow enough that a worker should wait on several at once (ADR 0007).
"""

from __future__ import annotations

import asyncio
import io
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Refusal = Callable[[str], bytes]  # the request path → the error-7 envelope for its operation

# After refusing a body, keep reading (and dropping) what the client still sends for this long, so that it gets
# to read the answer instead of a connection reset; nginx calls this a lingering close.
DRAIN_SECONDS = 30.0


class TooLarge(Exception):
    pass


class Disconnected(Exception):
    pass


class HubApplication:
    """ASGI application: ``max_body`` enforced on the declared length and on the streamed count."""

    def __init__(self, wsgi: WsgiApp, *, max_body: int, threads: int, refusal: Refusal) -> None:
        self.wsgi = wsgi
        self.max_body = max_body
        self.refusal = refusal
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="hub") if threads > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        declared = headers.get(b"content-length", b"")
        if declared.strip().isdigit() and int(declared) > self.max_body:
            await self._refuse(scope, receive, send, drain=b"expect" not in headers)
            return
        try:
            body = await self._read(receive)
        except Disconnected:
            return
        except TooLarge:
            await self._refuse(scope, receive, send, drain=True)
            return
        if self.executor is None:
            status, response_headers, content = self._run(scope, body)
        else:
            loop = asyncio.get_running_loop()
            status, response_headers, content = await loop.run_in_executor(self.executor, self._run, scope, body)
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": content})

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise Disconnected
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_body:
                raise TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, *, drain: bool) -> None:
        """Answer error 7 at once, then drop the rest of the body; nothing of it is kept."""
        content = self.refusal(str(scope.get("path", "")))
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(content)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": content, "more_body": True})
        deadline = time.monotonic() + DRAIN_SECONDS
        while drain and (remaining := deadline - time.monotonic()) > 0:
            try:
                message = await asyncio.wait_for(receive(), timeout=remaining)
            except TimeoutError:
                break
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        await send({"type": "http.response.body", "body": b""})

    def _run(self, scope: Scope, body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """One request through the WSGI handler, on a server thread (which keeps its database connection)."""
        captured: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        result = self.wsgi(wsgi_environ(scope, body), start_response)
        try:
            content = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # Django's request_finished: returns the connection, ends the request
        headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in captured["headers"]]
        return int(captured["status"].split(" ", 1)[0]), headers, content

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.executor is not None:
                    self.executor.shutdown(wait=False)
                await send({"type": "lifespan.shutdown.complete"})
                return


def wsgi_environ(scope: Scope, body: bytes) -> dict[str, Any]:
    """PEP 3333 environ of a finished ASGI request. Header names with ``_`` are dropped (they would alias)."""
    server = scope.get("server") or ("127.0.0.1", 80)
    client = scope.get("client") or ("", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf-8").decode("latin-1"),
        "PATH_INFO": scope["path"].encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] or 80),
        "REMOTE_ADDR": str(client[0]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").lower()
        if "_" in name or name == "content-length":
            continue
        key = "CONTENT_TYPE" if name == "content-type" else "HTTP_" + name.upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ
