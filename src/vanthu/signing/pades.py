"""PAdES signing (B-T, B-LT) as incremental updates, and validation data for every signature on a PDF."""

from __future__ import annotations

import io
from typing import Literal

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, Signer
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore, collect_validation_info
from pyhanko_certvalidator import ValidationContext

from vanthu.signing.appearance import Appearance
from vanthu.signing.errors import SigningFailedError
from vanthu.signing.keys import KeySource
from vanthu.signing.signers import async_check_certificate_usable, run_with_context

Level = Literal["B-T", "B-LT"]


def _timestamper(timestamp_url: str | None, timestamper: TimeStamper | None) -> TimeStamper:
    if timestamper is not None:
        return timestamper
    if not timestamp_url:
        raise SigningFailedError({"reason": "no timestamp authority"})
    return HTTPTimeStamper(timestamp_url, timeout=10)


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)


def existing_field_names(pdf: bytes) -> set[str]:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return {name for name, _value, _ref in enumerate_sig_fields(reader)}


def build_pdf_signer(
    *, pdf: bytes, signer: Signer, appearance: Appearance | None, field_name: str,
    timestamper: TimeStamper, validation_context: ValidationContext, level: Level, md: str,
    reason: str | None = None,
) -> PdfSigner:
    meta = PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=md,
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        embed_validation_info=level == "B-LT",
        validation_context=validation_context,
    )
    field_spec = None
    if field_name not in existing_field_names(pdf):
        field_spec = SigFieldSpec(
            field_name,
            on_page=appearance.page if appearance else 0,
            box=appearance.int_box if appearance else None,
        )
    return PdfSigner(
        meta, signer, timestamper=timestamper,
        stamp_style=appearance.stamp_style() if appearance else None,
        new_field_spec=field_spec,
    )


def pdf_sign(
    *, pdf: bytes, key_source: KeySource, appearance: Appearance | None, field_name: str,
    validation_context: ValidationContext, timestamp_url: str | None = None,
    timestamper: TimeStamper | None = None, level: Level = "B-T", md: str = "sha256",
    reason: str | None = None,
) -> bytes:
    """Sign ``pdf`` in an incremental update; signatures already on it stay valid.

    The certificate is checked first (validity period, chain, revocation via OCSP/CRL) and refused with a
    specific error, so no signature is ever made with a certificate that is not usable now.
    """
    ts = _timestamper(timestamp_url, timestamper)

    async def operation() -> bytes:
        await async_check_certificate_usable(
            cert=key_source.certificate, chain=key_source.chain, validation_context=validation_context
        )
        with key_source.open() as signer:
            pdf_signer = build_pdf_signer(
                pdf=pdf, signer=signer, appearance=appearance, field_name=field_name, timestamper=ts,
                validation_context=validation_context, level=level, md=md, reason=reason,
            )
            output = await pdf_signer.async_sign_pdf(_writer(pdf))
        result: bytes = output.getvalue()
        if level == "B-LT":
            result = await _add_validation_info(result, validation_context)
        return result

    return run_with_context(operation(), validation_context)


async def _add_validation_info(pdf: bytes, validation_context: ValidationContext) -> bytes:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    writer = IncrementalPdfFileWriter.from_reader(reader)
    modified = False
    for embedded in reader.embedded_signatures:
        paths = await collect_validation_info(embedded, validation_context, skip_timestamp=False)
        dss = DocumentSecurityStore.supply_dss_in_writer(
            writer, embedded.pkcs7_content.hex().encode("ascii"),
            validation_context=validation_context, paths=paths,
        )
        modified = modified or dss.modified
    if not modified:
        return pdf
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def pdf_add_validation_info(pdf: bytes, validation_context: ValidationContext) -> bytes:
    """Embed certificates, OCSP responses and CRLs (DSS + VRI) for EVERY signature and its timestamp.

    One incremental update for all signatures; pyHanko reports it as a permitted DSS update.
    """
    return run_with_context(_add_validation_info(pdf, validation_context), validation_context)
