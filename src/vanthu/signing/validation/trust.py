"""The trust store: root certificates we accept as anchors, loaded from PEM/DER bytes or files.

An admin-imported store (the Vietnamese root CAs, plus the demo CA in demo mode) will feed the same
function with the bytes kept in the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from asn1crypto import pem, x509
from django.utils.translation import gettext
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.api import FetcherBackend, OwnedFetcherBackend
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy

from vanthu.core.errors import ApplicationError


def certificates_parse(data: bytes) -> list[x509.Certificate]:
    """Every certificate in ``data`` (one DER certificate or any number of PEM blocks)."""
    if pem.detect(data):
        return [x509.Certificate.load(der) for kind, _headers, der in pem.unarmor(data, multiple=True)
                if kind == "CERTIFICATE"]
    return [x509.Certificate.load(data)]


def trust_roots_load(sources: Iterable[Path | str | bytes]) -> list[x509.Certificate]:
    """Load trust anchors from file paths or raw bytes; a file may hold several PEM certificates."""
    roots: list[x509.Certificate] = []
    for source in sources:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        try:
            certs = certificates_parse(data)
            for cert in certs:
                cert.native  # noqa: B018 -- parse eagerly so a broken file fails here, not mid-validation
        except (ValueError, TypeError) as exc:
            where = "" if isinstance(source, bytes) else str(source)
            raise ApplicationError(
                "trust_root_unreadable",
                gettext("Không đọc được chứng thư số gốc tin cậy %(where)s.") % {"where": where},
                {"source": where},
            ) from exc
        roots.extend(certs)
    return roots


# Revocation is checked for every certificate that names a service (OCSP URL or CRL distribution
# point); an unreachable service makes the result undetermined instead of silently passing.
REVOCATION_POLICY = CertRevTrustPolicy(RevocationCheckingPolicy.from_legacy("hard-fail"))


def validation_context_build(
    *,
    trust_roots: Iterable[x509.Certificate],
    at: datetime | None = None,
    allow_fetching: bool = True,
    other_certs: Iterable[x509.Certificate] = (),
    ocsps: Iterable[object] = (),
    crls: Iterable[object] = (),
    fetcher_backend: FetcherBackend | OwnedFetcherBackend | None = None,
) -> ValidationContext:
    """A validation context anchored only on ``trust_roots`` (never the operating system's list);
    ``fetcher_backend`` for OCSP/CRL fetching (pyhanko-certvalidator's default when None)."""
    return ValidationContext(
        trust_roots=list(trust_roots),
        other_certs=list(other_certs),
        ocsps=list(ocsps),
        crls=list(crls),
        moment=at,
        allow_fetching=allow_fetching,
        revinfo_policy=REVOCATION_POLICY,
        fetcher_backend=fetcher_backend,
    )
