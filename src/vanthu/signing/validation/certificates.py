"""Reading what a certificate says about its holder, and where its revocation status came from."""

from __future__ import annotations

from collections.abc import Iterable

from asn1crypto import crl, ocsp, x509

from vanthu.signing.validation.report import CertificateInfo, CertificateKind, RevocationSource

# Prefixes Vietnamese CAs put in the subject serialNumber of a natural person's certificate.
PERSONAL_ID_PREFIXES = ("CMND", "CCCD", "HC", "PASSPORT", "PERSONAL", "PNOVN", "IDCVN")


def _attribute(name: x509.Name, key: str) -> str | None:
    value = name.native.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value is not None else None


def certificate_kind(cert: x509.Certificate) -> CertificateKind:
    """ORGANISATION when the subject names an organisation and no natural person; else PERSONAL.

    A natural person is named by givenName/surname, by a personal identifier in serialNumber, or by a
    common name different from the organisation name.
    """
    subject = cert.subject
    organisation = _attribute(subject, "organization_name")
    if not organisation:
        return CertificateKind.PERSONAL
    if _attribute(subject, "given_name") or _attribute(subject, "surname"):
        return CertificateKind.PERSONAL
    serial = (_attribute(subject, "serial_number") or "").upper()
    if serial.startswith(PERSONAL_ID_PREFIXES):
        return CertificateKind.PERSONAL
    common_name = _attribute(subject, "common_name")
    if common_name and common_name.strip().casefold() != organisation.strip().casefold():
        return CertificateKind.PERSONAL
    return CertificateKind.ORGANISATION


def signer_name(cert: x509.Certificate) -> str:
    subject = cert.subject
    return (_attribute(subject, "common_name") or _attribute(subject, "organization_name")
            or subject.human_friendly)


def certificate_info(cert: x509.Certificate) -> CertificateInfo:
    return CertificateInfo(
        subject=cert.subject.human_friendly,
        serial=format(cert.serial_number, "X"),
        issuer=cert.issuer.human_friendly,
        not_before=cert.not_valid_before,
        not_after=cert.not_valid_after,
        sha256=cert.sha256.hex(),
    )


def has_revocation_pointers(cert: x509.Certificate) -> bool:
    return bool(cert.ocsp_urls or cert.crl_distribution_points)


def _ocsp_covers(response: ocsp.OCSPResponse, cert: x509.Certificate) -> bool:
    try:
        basic = response.basic_ocsp_response
    except (ValueError, KeyError):
        return False
    if basic is None:
        return False
    return any(single["cert_id"]["serial_number"].native == cert.serial_number
               for single in basic["tbs_response_data"]["responses"])


def revocation_source(
    cert: x509.Certificate,
    *,
    ocsps: Iterable[ocsp.OCSPResponse],
    crls: Iterable[crl.CertificateList],
    embedded: frozenset[bytes],
) -> RevocationSource | None:
    """Which kind of revocation data the context holds for ``cert`` (OCSP preferred, like validators).

    ``embedded`` holds the DER of the responses and lists that came with the document (its DSS).
    """
    for response in ocsps:
        if _ocsp_covers(response, cert):
            return RevocationSource.EMBEDDED if response.dump() in embedded else RevocationSource.OCSP
    for certificate_list in crls:
        if certificate_list.issuer == cert.issuer:
            return (RevocationSource.EMBEDDED if certificate_list.dump() in embedded
                    else RevocationSource.CRL)
    return None
