"""Where the signing code gets its trust anchors and its timestamp authority.

- Trust: the active ``TrustedRoot`` rows (imported by a system administrator; the demo root in demo mode) plus the
  PEM/DER files of ``settings.VANTHU_TRUST_ROOTS`` (environment ``VANTHU_TRUST_ROOTS``, comma-separated).
  Parsed certificates are cached per fingerprint / per file modification time; the ``ValidationContext`` itself
  is built fresh for every operation because it accumulates state (fetched OCSP/CRL, the moment, HTTP sessions).
- Timestamps: ``settings.VANTHU_TSA_URL``; when empty, the TSA of the demo PKI in ``settings.VANTHU_DEMO_PKI_DIR``
  (its ``manifest.json``) if there is one. The timestamper is cached per URL: pyHanko keeps its dummy response
  (used to size the signature container) on the object, and it opens one short HTTP session per request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from asn1crypto import x509
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator import ValidationContext

from vanthu.core.errors import ApplicationError
from vanthu.signing.models import TrustedRoot
from vanthu.signing.validation.trust import certificates_parse, trust_roots_load, validation_context_build

TSA_TIMEOUT_SECONDS = 10

_lock = threading.Lock()
_db_roots: dict[str, x509.Certificate] = {}  # fingerprint → parsed certificate
_file_roots: dict[str, tuple[float, list[x509.Certificate]]] = {}  # path → (mtime, certificates)
_timestampers: dict[str, TimeStamper] = {}


def _roots_from_db() -> list[x509.Certificate]:
    rows = list(TrustedRoot.objects.filter(is_active=True).values_list("fingerprint_sha256", "pem"))
    roots: list[x509.Certificate] = []
    with _lock:
        for fingerprint, pem_text in rows:
            cert = _db_roots.get(fingerprint)
            if cert is None:
                cert = certificates_parse(pem_text.encode("ascii"))[0]
                _db_roots[fingerprint] = cert
            roots.append(cert)
    return roots


def _roots_from_files() -> list[x509.Certificate]:
    roots: list[x509.Certificate] = []
    for path in getattr(settings, "VANTHU_TRUST_ROOTS", []) or []:
        try:
            mtime = Path(path).stat().st_mtime
        except OSError as exc:
            raise ApplicationError(
                "trust_root_unreadable",
                _("Không đọc được chứng thư số gốc tin cậy %(where)s.") % {"where": path}, {"source": str(path)},
            ) from exc
        with _lock:
            cached = _file_roots.get(str(path))
        if cached is None or cached[0] != mtime:
            cached = (mtime, trust_roots_load([path]))
            with _lock:
                _file_roots[str(path)] = cached
        roots.extend(cached[1])
    return roots


def trust_roots_unique(certs: Iterable[x509.Certificate]) -> list[x509.Certificate]:
    """``certs`` in order, each certificate once."""
    seen: set[bytes] = set()
    roots: list[x509.Certificate] = []
    for cert in certs:
        if cert.sha256 not in seen:
            seen.add(cert.sha256)
            roots.append(cert)
    return roots


def signing_trust_roots(*, database: bool = True) -> list[x509.Certificate]:
    """Every trust anchor in force: active TrustedRoot rows (unless ``database`` is false), then the configured
    files (duplicates dropped)."""
    return trust_roots_unique([*(_roots_from_db() if database else []), *_roots_from_files()])


def signing_validation_context(
    *, at: datetime | None = None, trust_roots: Iterable[x509.Certificate] | None = None,
) -> ValidationContext:
    """A fresh validation context: our trust anchors only (never the operating system's) — ``signing_trust_roots()``
    unless ``trust_roots`` are given —, revocation data fetched from the certificates' OCSP/CRL services (on the
    process's one TLS context), ``hard-fail`` when they cannot be reached. The web check, the stored checks, the
    receiver's report and ``vanthu pdf verify`` all validate with it."""
    from vanthu.signing.pades import fetcher_backend

    roots = signing_trust_roots() if trust_roots is None else list(trust_roots)
    return validation_context_build(trust_roots=roots, at=at, allow_fetching=True, fetcher_backend=fetcher_backend())


def demo_tsa_url() -> str:
    """The TSA URL recorded in the demo PKI manifest, or "" when there is no demo PKI."""
    directory = getattr(settings, "VANTHU_DEMO_PKI_DIR", "")
    if not directory:
        return ""
    manifest = Path(directory) / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return str(data.get("services", {}).get("tsa_url", ""))


def tsa_url() -> str:
    return str(getattr(settings, "VANTHU_TSA_URL", "") or "") or demo_tsa_url()


def signing_timestamper() -> TimeStamper:
    """The RFC 3161 timestamp client of this installation (one per URL per process)."""
    url = tsa_url()
    if not url:
        raise ApplicationError(
            "signing.no_tsa",
            _("Chưa cấu hình dịch vụ cấp dấu thời gian (TSA); không thể ký số. "
              "Quản trị hệ thống cần đặt VANTHU_TSA_URL."),
        )
    with _lock:
        timestamper = _timestampers.get(url)
        if timestamper is None:
            timestamper = HTTPTimeStamper(url, timeout=TSA_TIMEOUT_SECONDS)
            _timestampers[url] = timestamper
    return timestamper


def signing_config_reset() -> None:
    """Forget every cached root and timestamper (tests, settings changes)."""
    with _lock:
        _db_roots.clear()
        _file_roots.clear()
        _timestampers.clear()
