"""Signing services: registering certificates and checking that a certificate is the actor's to use."""

from __future__ import annotations

import hashlib

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.db import transaction

from vanthu.core.audit import audit_record
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import Agency, User
from vanthu.signing.errors import CertificateNotOwnedError
from vanthu.signing.models import Certificate, CertificateKind


def fingerprint(cert: asn1_x509.Certificate) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


@transaction.atomic
def certificate_register(
    *, actor: Actor | None, cert: asn1_x509.Certificate, owner_user: User | None = None,
    owner_agency: Agency | None = None,
) -> Certificate:
    """Record a signing certificate for a user (personal) or an agency (organisation). Idempotent per cert."""
    existing = Certificate.objects.filter(fingerprint_sha256=fingerprint(cert)).first()
    if existing is not None:
        return existing
    row = Certificate.objects.create(
        kind=CertificateKind.PERSONAL if owner_user is not None else CertificateKind.ORGANISATION,
        owner_user=owner_user, owner_agency=owner_agency,
        pem=pem.armor("CERTIFICATE", cert.dump()).decode("ascii"),
        subject=cert.subject.human_friendly[:500], issuer=cert.issuer.human_friendly[:500],
        serial=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before, not_after=cert.not_valid_after,
        fingerprint_sha256=fingerprint(cert),
    )
    audit_record(
        actor=actor.user if actor else None, event_type="signing.certificate_registered", target=row,
        agency=owner_agency, data={"serial": row.serial, "kind": row.kind},
    )
    return row


def certificate_assert_usable_by(*, actor: Actor, cert: asn1_x509.Certificate, kind: str) -> Certificate:
    """The certificate must be registered to the acting user (personal) or to the actor's agency (organisation,
    used by the agency's clerk). Anything else is refused with ``signing.certificate_not_owned``."""
    row = Certificate.objects.filter(fingerprint_sha256=fingerprint(cert), kind=kind).first()
    if row is None:
        raise CertificateNotOwnedError()
    if kind == CertificateKind.PERSONAL and row.owner_user_id != actor.user.pk:
        raise CertificateNotOwnedError()
    if kind == CertificateKind.ORGANISATION and (
        row.owner_agency_id is None or row.owner_agency_id != actor.agency_id or not actor.is_clerk
    ):
        raise CertificateNotOwnedError()
    return row
