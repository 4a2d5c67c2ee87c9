"""Checks made before any signature, and interrupted signing (prepare the digest, sign elsewhere, finish).

Interrupted signing is what remote and mobile signing build on: ``signing_prepare`` returns the exact bytes
(and their digest) that the holder of the key must sign; ``signing_finish`` embeds that signature value,
requests the timestamp and returns the signed PDF. The prepared state lives in memory.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.signers import ExternalSigner
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument, PostSignInstructions
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors
from pyhanko_certvalidator.path import ValidationPath
from pyhanko_certvalidator.registry import SimpleCertificateStore

from vanthu.signing.appearance import Appearance
from vanthu.signing.errors import (
    CertificateExpiredError,
    CertificateNotYetValidError,
    CertificateRevokedError,
    CertificateUntrustedError,
    SigningFailedError,
)
from vanthu.signing.keys import is_ec

_T = TypeVar("_T")


def run_with_context(coro: Coroutine[Any, Any, _T], validation_context: ValidationContext) -> _T:
    """Run one top-level signing operation in its own event loop and release the context's HTTP session in
    that loop, so the same ValidationContext can serve the next operation."""

    async def runner() -> _T:
        try:
            return await coro
        finally:
            await validation_context.aclose()  # type: ignore[no-untyped-call]

    return asyncio.run(runner())


def _describe(cert: asn1_x509.Certificate) -> dict[str, Any]:
    return {"subject": cert.subject.human_friendly, "serial": format(cert.serial_number, "x")}


async def async_check_certificate_usable(
    *, cert: asn1_x509.Certificate, chain: Sequence[asn1_x509.Certificate], validation_context: ValidationContext,
) -> ValidationPath:
    """Refuse expired, not-yet-valid, revoked or untrusted certificates before signing (OCSP/CRL checked).

    Returns the validated path: it supplies the chain to embed when the key source has none (PKCS#11 tokens
    rarely carry their CA certificates)."""
    validator = CertificateValidator(cert, intermediate_certs=list(chain), validation_context=validation_context)
    try:
        path: ValidationPath = await validator.async_validate_usage({"digital_signature"})  # type: ignore[no-untyped-call]
        return path
    except cv_errors.ExpiredError as exc:
        raise CertificateExpiredError(_describe(cert)) from exc
    except cv_errors.NotYetValidError as exc:
        raise CertificateNotYetValidError(_describe(cert)) from exc
    except cv_errors.RevokedError as exc:
        raise CertificateRevokedError(_describe(cert)) from exc
    except (cv_errors.PathValidationError, cv_errors.PathBuildingError, cv_errors.InvalidCertificateError) as exc:
        raise CertificateUntrustedError({**_describe(cert), "reason": str(exc)}) from exc


def _placeholder_signature(cert: asn1_x509.Certificate) -> bytes:
    if is_ec(cert):
        return bytes(72)  # DER ECDSA-Sig-Value upper bound for P-256
    return bytes(cert.public_key.bit_size // 8)


@dataclass
class PreparedSignature:
    """State of an interrupted signature. ``data_to_sign`` are the DER signed attributes; ``digest`` their hash."""

    data_to_sign: bytes
    digest: bytes
    md_algorithm: str
    signer: ExternalSigner = field(repr=False)
    signed_attrs: cms.CMSAttributes = field(repr=False)
    prepared_digest: PreparedByteRangeDigest = field(repr=False)
    post_sign_instructions: PostSignInstructions | None = field(repr=False)
    output: IO[bytes] = field(repr=False)
    timestamper: TimeStamper = field(repr=False)
    validation_context: ValidationContext = field(repr=False)


async def _prepare(
    *, pdf: bytes, cert: asn1_x509.Certificate, chain: Sequence[asn1_x509.Certificate],
    appearance: Appearance | None, field_name: str, timestamper: TimeStamper,
    validation_context: ValidationContext, md: str,
) -> PreparedSignature:
    from vanthu.signing.pades import _writer, build_pdf_signer

    await async_check_certificate_usable(cert=cert, chain=chain, validation_context=validation_context)
    signer = ExternalSigner(
        signing_cert=cert,
        cert_registry=SimpleCertificateStore.from_certs(list(chain)),  # type: ignore[no-untyped-call]
        signature_value=_placeholder_signature(cert),
    )
    pdf_signer = build_pdf_signer(
        pdf=pdf, signer=signer, appearance=appearance, field_name=field_name, timestamper=timestamper,
        validation_context=validation_context, level="B-T", md=md,
    )
    prep_digest, tbs_document, output = await pdf_signer.async_digest_doc_for_signing(_writer(pdf))
    signed_attrs = await signer.signed_attrs(prep_digest.document_digest, md, use_pades=True)
    data = signed_attrs.dump()
    return PreparedSignature(
        data_to_sign=data, digest=hashlib.new(md, data).digest(), md_algorithm=md, signer=signer,
        signed_attrs=signed_attrs, prepared_digest=prep_digest,
        post_sign_instructions=tbs_document.post_sign_instructions, output=output,
        timestamper=timestamper, validation_context=validation_context,
    )


def signing_prepare(
    *, pdf: bytes, cert: asn1_x509.Certificate, chain: Sequence[asn1_x509.Certificate],
    appearance: Appearance | None, field_name: str, timestamper: TimeStamper,
    validation_context: ValidationContext, md: str = "sha256",
) -> PreparedSignature:
    """Check the certificate, reserve the signature field and compute what the key holder must sign."""
    return run_with_context(_prepare(
        pdf=pdf, cert=cert, chain=chain, appearance=appearance, field_name=field_name,
        timestamper=timestamper, validation_context=validation_context, md=md,
    ), validation_context)


async def _finish(prepared: PreparedSignature, signature_value: bytes) -> bytes:
    # The timestamp covers the signature value, so the real value must be in place before it is requested.
    signer = ExternalSigner(
        signing_cert=prepared.signer.signing_cert,
        cert_registry=prepared.signer.cert_registry,
        signature_value=signature_value,
    )
    sig_cms = await signer.async_sign_prescribed_attributes(
        prepared.md_algorithm, signed_attrs=prepared.signed_attrs, timestamper=prepared.timestamper,
    )
    await PdfTBSDocument.async_finish_signing(
        prepared.output, prepared.prepared_digest, sig_cms,
        post_sign_instr=prepared.post_sign_instructions, validation_context=prepared.validation_context,
    )
    prepared.output.seek(0)
    return prepared.output.read()


def signing_finish(prepared: PreparedSignature, signature_value: bytes) -> bytes:
    """Embed the externally produced signature value (PKCS#1 v1.5 or DER ECDSA) and return the signed PDF."""
    try:
        return run_with_context(_finish(prepared, signature_value), prepared.validation_context)
    except ValueError as exc:
        raise SigningFailedError({"reason": str(exc)}) from exc
