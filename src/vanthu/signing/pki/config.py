"""The certomancer configuration for a demo/test PKI, generated in code (never a hand-written YAML file)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .spec import ARCH, DEMO_COUNTRY, DEMO_ORG, INTERMEDIATE_CN, ROOT_CN, LeafSpec

ROOT = "root"
INTERMEDIATE = "interm"
TSA = "tsa"
OCSP_RESPONDER = "interm-ocsp"

Config = dict[str, Any]


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _validity(start: datetime, end: datetime) -> dict[str, str]:
    return {"valid-from": iso(start), "valid-to": iso(end)}


def _key_usage(*params: str) -> dict[str, Any]:
    return {"id": "key_usage", "critical": True, "smart-value": {"schema": "key-usage", "params": list(params)}}


def _ca_constraints(path_len: int | None) -> dict[str, Any]:
    value: dict[str, Any] = {"ca": True}
    if path_len is not None:
        value["path_len_constraint"] = path_len
    return {"id": "basic_constraints", "critical": True, "value": value}


def _crl_dp(repo: str) -> dict[str, Any]:
    return {"id": "crl_distribution_points", "smart-value": {"schema": "crl-dist-url",
                                                             "params": {"crl-repo-names": [repo]}}}


def _aia(ocsp: bool) -> dict[str, Any]:
    params: dict[str, Any] = {"ca-issuer-links": [{"repo": INTERMEDIATE}]}
    if ocsp:
        params["ocsp-responder-names"] = [INTERMEDIATE]
    return {"id": "authority_information_access", "smart-value": {"schema": "aia-urls", "params": params}}


def _issued_by_intermediate(start: datetime, end: datetime, *extensions: dict[str, Any]) -> dict[str, Any]:
    return {
        "issuer": INTERMEDIATE,
        "validity": _validity(start, end),
        "extensions": [_crl_dp(INTERMEDIATE), _aia(ocsp=True), *extensions],
    }


def build_config(*, now: datetime, url_prefix: str, key_dir: str, key_files: dict[str, str],
                 leaves: list[LeafSpec]) -> Config:
    """A complete certomancer configuration: one architecture ``vanthu-demo`` with its services.

    ``key_files`` maps every key label (root, interm, tsa, interm-ocsp and each leaf label) to a PEM file name in
    ``key_dir``.
    """
    year = timedelta(days=365)
    entities: dict[str, dict[str, str]] = {
        ROOT: {"common-name": ROOT_CN},
        INTERMEDIATE: {"common-name": INTERMEDIATE_CN},
        TSA: {"common-name": "Vanthu Demo TSA — KHÔNG DÙNG THẬT"},
        OCSP_RESPONDER: {"common-name": "Vanthu Demo OCSP — KHÔNG DÙNG THẬT"},
    }
    certs: dict[str, Any] = {
        ROOT: {"subject": ROOT, "issuer": ROOT, "validity": _validity(now - 2 * year, now + 20 * year),
               "extensions": [_ca_constraints(None), _key_usage("digital_signature", "key_cert_sign", "crl_sign")]},
        INTERMEDIATE: {"subject": INTERMEDIATE, "issuer": ROOT,
                       "validity": _validity(now - 2 * year, now + 10 * year),
                       "extensions": [_ca_constraints(0), _key_usage("digital_signature", "key_cert_sign", "crl_sign"),
                                      _crl_dp(ROOT)]},
        TSA: _issued_by_intermediate(
            now - year, now + 5 * year, _key_usage("digital_signature"),
            {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]}),
        OCSP_RESPONDER: {
            "issuer": INTERMEDIATE, "validity": _validity(now - year, now + 5 * year),
            "extensions": [_key_usage("digital_signature"),
                           {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
                           {"id": "ocsp_no_check"}]},
    }
    for leaf in leaves:
        entities[leaf.label] = dict(leaf.name)
        start, end = leaf.window(now)
        spec = _issued_by_intermediate(start, end, _key_usage("digital_signature", "non_repudiation"))
        if leaf.revoked:
            spec["revocation"] = {"revoked-since": iso(now - timedelta(days=10)), "reason": "key_compromise"}
        certs[leaf.label] = spec
    return {
        "external-url-prefix": url_prefix,
        "keysets": {ARCH: {"path-prefix": key_dir,
                           "keys": {label: {"path": file} for label, file in key_files.items()}}},
        "pki-architectures": {ARCH: {
            "keyset": ARCH,
            "entity-defaults": {"country-name": DEMO_COUNTRY, "organization-name": DEMO_ORG},
            "entities": entities,
            "certs": certs,
            "services": {
                "ocsp": {INTERMEDIATE: {"for-issuer": INTERMEDIATE, "responder-cert": OCSP_RESPONDER,
                                        "signing-key": OCSP_RESPONDER}},
                "crl-repo": {
                    ROOT: {"for-issuer": ROOT, "signing-key": ROOT, "simulated-update-schedule": "P7D"},
                    INTERMEDIATE: {"for-issuer": INTERMEDIATE, "signing-key": INTERMEDIATE,
                                   "simulated-update-schedule": "P1D"},
                },
                "time-stamping": {TSA: {"signing-key": TSA, "signing-cert": TSA}},
                "cert-repo": {
                    ROOT: {"for-issuer": ROOT, "publish-issued-certs": True},
                    INTERMEDIATE: {"for-issuer": INTERMEDIATE, "publish-issued-certs": True},
                },
            },
        }},
    }


def service_urls(url_prefix: str) -> dict[str, str]:
    base = f"{url_prefix}/{ARCH}"
    return {
        "tsa_url": f"{base}/tsa/{TSA}",
        "ocsp_url": f"{base}/ocsp/{INTERMEDIATE}",
        "crl_url": f"{base}/crls/{INTERMEDIATE}/latest.crl",
        "root_crl_url": f"{base}/crls/{ROOT}/latest.crl",
    }
