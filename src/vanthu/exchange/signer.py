"""The deployment's exchange certificate, which signs every package we send (XML-DSig, docs/standards/edxml.md).

``VANTHU_EXCHANGE_CERT_FILE`` (PKCS#12) unlocked with ``VANTHU_EXCHANGE_CERT_PASSWORD``, with the algorithm of
``VANTHU_EDXML_DSIG_ALGORITHM`` (rsa-sha256, rsa-sha1 for partners that need it, or none). No file: packages go
unsigned, as many gateways send them; the legal value rests on the PAdES signatures inside the PDFs.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import cast

from django.conf import settings
from django.utils.translation import gettext as _

from vanthu import edxml
from vanthu.core.errors import ApplicationError

_lock = threading.Lock()
_cached: dict[tuple[str, float, str], edxml.PackageSigner] = {}


def package_signer() -> edxml.PackageSigner | None:
    algorithm = str(settings.VANTHU_EDXML_DSIG_ALGORITHM or "none").strip().lower()
    path = str(settings.VANTHU_EXCHANGE_CERT_FILE or "").strip()
    if algorithm == "none" or not path:
        return None
    try:
        mtime = Path(path).stat().st_mtime
        key = (path, mtime, algorithm)
        with _lock:
            signer = _cached.get(key)
        if signer is None:
            password = str(settings.VANTHU_EXCHANGE_CERT_PASSWORD or "").encode() or None
            signer = edxml.PackageSigner.from_pkcs12(Path(path).read_bytes(), password,
                                                     algorithm=cast(edxml.DsigAlgorithm, algorithm))
            with _lock:
                _cached.clear()
                _cached[key] = signer
        return signer
    except (OSError, ApplicationError) as exc:
        raise ApplicationError(
            "exchange_certificate_unusable",
            _("Không dùng được chứng thư số liên thông của hệ thống (%(path)s); quản trị hệ thống cần kiểm tra "
              "VANTHU_EXCHANGE_CERT_FILE.") % {"path": path},
            {"path": path},
        ) from exc
