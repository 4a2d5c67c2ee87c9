"""The demo PKI's TSA/OCSP/CRL service while the demo signs: used when it answers, else started here."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError
from vanthu.signing.config import signing_config_reset, tsa_url
from vanthu.signing.pki.builder import load_pki
from vanthu.signing.pki.service import PkiService


def _manifest(directory: Path) -> dict[str, object]:
    try:
        data: dict[str, object] = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ApplicationError(
            "demo.no_pki", _("Chưa có PKI demo tại %(dir)s: chạy `vanthu pki init` trước.") % {"dir": directory},
        ) from exc
    return data


def _service_answers(crl_url: str) -> bool:
    """True when the demo PKI service answers on its port; False when nothing listens there."""
    try:
        with urllib.request.urlopen(crl_url, timeout=5) as response:  # noqa: S310 - our own loopback URL
            return bool(response.status == 200)
    except urllib.error.HTTPError as exc:
        raise ApplicationError(
            "demo.pki_port_busy",
            _("Cổng của dịch vụ PKI demo (%(url)s) đang được chương trình khác dùng.") % {"url": crl_url},
        ) from exc
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def demo_pki_running(directory: Path) -> Iterator[bool]:
    """Make sure the demo PKI's TSA/OCSP/CRL service answers while the block runs: use the running one (``vanthu
    pki serve``), else serve it from a thread of this process until the block ends. Yields whether it was started
    here. The signing code's TSA is the demo one unless the installation configured its own."""
    manifest = _manifest(directory)
    services = manifest.get("services")
    urls = services if isinstance(services, dict) else {}
    crl, tsa = str(urls.get("crl_url", "")), str(urls.get("tsa_url", ""))
    service: PkiService | None = None
    if not _service_answers(crl):
        location = urlsplit(crl)
        service = PkiService(host=location.hostname or "127.0.0.1", port=location.port or 80)
        try:
            service.mount(load_pki(directory))
            service.start()
        except BaseException:
            service.stop()
            raise
    previous_tsa = getattr(settings, "VANTHU_TSA_URL", "")
    own_tsa = not tsa_url()
    if own_tsa:
        settings.VANTHU_TSA_URL = tsa
        signing_config_reset()
    try:
        yield service is not None
    finally:
        if own_tsa:
            settings.VANTHU_TSA_URL = previous_tsa
            signing_config_reset()
        if service is not None:
            service.stop()
