"""The loopback TSA / OCSP / CRL service: certomancer's Animator (WSGI) in a werkzeug server thread."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from certomancer.integrations.animator import Animator, AnimatorArchStore
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .config import service_urls

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from .builder import BuiltPki


class _QuietHandler(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:
        return None


class _WholeSecondAnimator(Animator):
    """Certomancer stamps OCSP, CRL and TSA answers with ``now`` including microseconds; NSS (``pdfsig``) rejects
    fractional seconds in OCSP GeneralizedTime values, so answer with whole seconds."""

    def at_time(self, request: Any) -> datetime:
        moment: datetime = super().at_time(request)  # type: ignore[no-untyped-call]
        return moment.replace(microsecond=0)


class _Slot:
    """A WSGI app that forwards to the Animator once the PKI (whose URLs need the bound port) is built."""

    def __init__(self) -> None:
        self.app: Animator | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"PKI not loaded"]
        result: Iterable[bytes] = self.app(environ, start_response)
        return result


class PkiService:
    """Bind first (``port=0`` picks a free port), then :meth:`mount` a PKI built for :attr:`url_prefix`."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, quiet: bool = True) -> None:
        self._slot = _Slot()
        self._server: BaseWSGIServer = make_server(host, port, self._slot, threaded=True,
                                                   request_handler=_QuietHandler if quiet else None)
        self.host = host
        self.port = int(self._server.server_port)
        self._thread: threading.Thread | None = None

    @property
    def url_prefix(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def tsa_url(self) -> str:
        return service_urls(self.url_prefix)["tsa_url"]

    @property
    def ocsp_url(self) -> str:
        return service_urls(self.url_prefix)["ocsp_url"]

    @property
    def crl_url(self) -> str:
        return service_urls(self.url_prefix)["crl_url"]

    def mount(self, pki: BuiltPki) -> None:
        if pki.url_prefix != self.url_prefix:
            raise ValueError(f"PKI was built for {pki.url_prefix}, service listens on {self.url_prefix}")
        self._slot.app = _WholeSecondAnimator(AnimatorArchStore(pki.config.pki_archs), with_web_ui=False)

    def start(self) -> None:
        """Serve in a daemon thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, name="vanthu-pki", daemon=True)
        self._thread.start()

    def serve_forever(self) -> None:
        """Serve in the calling thread (``vanthu pki serve``)."""
        self._server.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits for serve_forever, so only call it when serving
            self._server.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self._server.server_close()
