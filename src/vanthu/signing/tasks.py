"""The fast signing path and batch signing jobs.

``SigningSession`` holds ONE unlocked key for one or many signatures:

- the certificate is checked once when the session opens (validity, chain to a trusted root, OCSP/CRL), and the
  validated path gives the chain embedded in every signature (PKCS#11 tokens rarely carry it);
- the key is parsed once: a PKCS#12 key is loaded into ``cryptography`` a single time (pyHanko's ``SimpleSigner``
  re-parses and re-checks the RSA key at every signature); a PKCS#11 session stays logged in for the session;
- the signature container size is computed from the certificates and the TSA's token size (one dummy timestamp
  per timestamper, cached), so no size-estimating trial signature (and no second TSA request) is made;
- pyHanko's pre-signing validation is skipped: the session already checked the certificate.

A batch (``signing_job_thread_start``) runs in a background thread of the current process and keeps the unlocked
key source in memory only for the duration of the batch. The PIN itself is never stored anywhere, so a batch
cannot be resumed by another process: if the process stops, the job stays RUNNING and the clerk starts a new batch
for the documents that are still NUMBERED.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, Signer, SimpleSigner
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors
from pyhanko_certvalidator.path import ValidationPath
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from vanthu.core.audit import audit_record
from vanthu.core.errors import ApplicationError
from vanthu.signing.appearance import Appearance
from vanthu.signing.errors import CertificateUntrustedError, SigningFailedError
from vanthu.signing.keys import KeySource, Pkcs11KeySource, is_ec
from vanthu.signing.models import SigningJob, SigningJobState
from vanthu.signing.signers import async_check_certificate_usable, run_with_context

logger = logging.getLogger(__name__)

MD = "sha256"
# CMS structure, signed attributes (content type, digest, signing-certificate-v2, time) and unsigned-attribute
# framing around the timestamp token; generous, the reserved space is zero-padded anyway.
CMS_OVERHEAD = 3072


class _LoadedKeySigner(SimpleSigner):
    """A ``SimpleSigner`` whose private key is parsed once instead of at every signature."""

    def __init__(self, *, signing_cert: asn1_x509.Certificate, signing_key: asn1_keys.PrivateKeyInfo,
                 cert_registry: SimpleCertificateStore) -> None:
        super().__init__(signing_cert=signing_cert, signing_key=signing_key, cert_registry=cert_registry)
        self._loaded = serialization.load_der_private_key(signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._loaded, RSAPrivateKey):
            return self._loaded.sign(data, PKCS1v15(), hash_algo)
        if mechanism == "ecdsa" and isinstance(self._loaded, EllipticCurvePrivateKey):
            return self._loaded.sign(data, signature_algorithm=ECDSA(hash_algo))
        result: bytes = super().sign_raw(data, digest_algorithm)
        return result


async def _validated_path(
    cert: asn1_x509.Certificate, chain: Sequence[asn1_x509.Certificate], context: ValidationContext,
) -> ValidationPath:
    validator = CertificateValidator(cert, intermediate_certs=list(chain), validation_context=context)
    try:
        path: ValidationPath = await validator.async_validate_usage({"digital_signature"})  # type: ignore[no-untyped-call]
        return path
    except (cv_errors.ValidationError, cv_errors.PathError) as exc:
        # Word the refusal exactly as every other signing path does (expired, revoked, untrusted…).
        await async_check_certificate_usable(cert=cert, chain=chain, validation_context=context)
        raise CertificateUntrustedError({"reason": str(exc)}) from exc


def _signature_size(cert: asn1_x509.Certificate) -> int:
    return 72 if is_ec(cert) else cert.public_key.bit_size // 8


class SigningSession:
    """One unlocked key, checked once, for any number of PAdES B-T signatures. Use as a context manager or call
    :meth:`close`."""

    def __init__(self, key_source: KeySource, *, timestamper: TimeStamper | None = None,
                 validation_context: ValidationContext | None = None) -> None:
        from vanthu.signing.config import signing_timestamper, signing_validation_context

        self.timestamper = timestamper or signing_timestamper()
        self._stack = contextlib.ExitStack()
        cert = key_source.certificate
        context = validation_context or signing_validation_context()
        path = run_with_context(_validated_path(cert, key_source.chain, context), context)
        self.certificate = cert
        self.chain = [c for c in path.iter_certs(include_root=True) if c.sha256 != cert.sha256]
        try:
            self.signer = self._open_signer(key_source)
            self.bytes_reserved: int | None = self._reserve()
        except BaseException:
            self._stack.close()
            raise

    def _open_signer(self, key_source: KeySource) -> Signer:
        registry = SimpleCertificateStore.from_certs(self.chain)  # type: ignore[no-untyped-call]
        if isinstance(key_source, Pkcs11KeySource):
            source = dataclasses.replace(key_source, cert=self.certificate, extra_chain=self.chain)
            return self._stack.enter_context(source.open())
        signer = self._stack.enter_context(key_source.open())
        if isinstance(signer, SimpleSigner):
            self._stack.close()  # the decrypted key now lives in the loaded signer only
            return _LoadedKeySigner(signing_cert=self.certificate, signing_key=signer.signing_key,
                                    cert_registry=registry)
        return signer

    def _reserve(self) -> int:
        async def dummy() -> int:
            return len((await self.timestamper.async_dummy_response(MD)).dump())

        try:
            token = asyncio.run(dummy())
        except Exception as exc:  # any TSA failure is reported the same way
            raise ApplicationError("signing.tsa_unavailable",
                                   _("Không kết nối được dịch vụ cấp dấu thời gian (TSA)."),
                                   {"reason": str(exc)}) from exc
        certs = len(self.certificate.dump()) + sum(len(c.dump()) for c in self.chain)
        der = certs + _signature_size(self.certificate) + token + 512 + CMS_OVERHEAD
        return 2 * der  # hexadecimal in /Contents

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> SigningSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def _sign(self, pdf: bytes, field_name: str, appearance: Appearance | None, reason: str | None,
                    reserved: int | None) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        existing = {name for name, _value, _ref in enumerate_sig_fields(writer.prev)}
        field_spec = None
        if field_name not in existing:
            field_spec = SigFieldSpec(field_name, on_page=appearance.page if appearance else 0,
                                      box=appearance.int_box if appearance else None)
        meta = PdfSignatureMetadata(field_name=field_name, md_algorithm=MD, subfilter=SigSeedSubFilter.PADES,
                                    reason=reason)
        pdf_signer = PdfSigner(meta, self.signer, timestamper=self.timestamper,
                               stamp_style=appearance.stamp_style() if appearance else None,
                               new_field_spec=field_spec)
        output = await pdf_signer.async_sign_pdf(writer, bytes_reserved=reserved)
        result: bytes = output.getvalue()
        return result

    def sign(self, pdf: bytes, *, field_name: str, appearance: Appearance | None,
             reason: str | None = None) -> bytes:
        """A PAdES B-T signature (RFC 3161 signature timestamp) in an incremental update: into ``field_name`` if
        the PDF has that (empty) signature field, else into a new field at ``appearance.box``."""
        try:
            try:
                return asyncio.run(self._sign(pdf, field_name, appearance, reason, self.bytes_reserved))
            except SigningError as exc:
                if "larger than expected" not in str(exc):
                    raise
                logger.warning("signature larger than reserved (%s bytes); signing again with an estimate",
                               self.bytes_reserved)
                self.bytes_reserved = None
                return asyncio.run(self._sign(pdf, field_name, appearance, reason, None))
        except ApplicationError:
            raise
        except (SigningError, PdfError, ValueError, KeyError, OSError) as exc:
            raise SigningFailedError({"reason": str(exc)}) from exc
        except Exception as exc:  # PKCS#11 and TSA client errors have no common base class
            logger.exception("signing failed")
            raise SigningFailedError({"reason": str(exc)}) from exc


# --- Batch jobs --------------------------------------------------------------------------------------------------

_threads: dict[int, threading.Thread] = {}
_threads_lock = threading.Lock()


def _error_entry(document_id: int, exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, ApplicationError):
        return {"document_id": document_id, "code": exc.code, "message": str(exc.message)}
    return {"document_id": document_id, "code": "signing.failed", "message": str(_("Ký số không thành công"))}


def _run_job(job_id: int, session: SigningSession, work: Callable[[int], None], document_ids: list[int]) -> None:
    done = failed = 0
    errors: list[dict[str, Any]] = []
    try:
        close_old_connections()
        SigningJob.objects.filter(pk=job_id).update(state=SigningJobState.RUNNING)
        for document_id in document_ids:
            try:
                work(document_id)
            except Exception as exc:  # one broken document must not stop the batch
                if not isinstance(exc, ApplicationError):
                    logger.exception("batch signing job %s: document %s failed", job_id, document_id)
                failed += 1
                errors.append(_error_entry(document_id, exc))
            done += 1
            SigningJob.objects.filter(pk=job_id).update(done=done, failed=failed, errors=errors)
        state = SigningJobState.DONE if failed == 0 else SigningJobState.FAILED
    except Exception as exc:  # the job row must say it stopped
        logger.exception("batch signing job %s stopped", job_id)
        errors.append(_error_entry(0, exc))
        state = SigningJobState.FAILED
    finally:
        session.close()
    try:
        SigningJob.objects.filter(pk=job_id).update(state=state, done=done, failed=failed, errors=errors,
                                                    finished_at=timezone.now())
        job = SigningJob.objects.select_related("created_by", "agency").get(pk=job_id)
        audit_record(actor=job.created_by, event_type="signing.batch_finished", target=job, agency=job.agency,
                     data={"total": job.total, "done": done, "failed": failed})
    finally:
        connections.close_all()
        with _threads_lock:
            _threads.pop(job_id, None)


def signing_job_thread_start(*, job: SigningJob, session: SigningSession, work: Callable[[int], None]) -> None:
    """Sign ``job.document_ids`` one by one with ``work(document_id)`` in a background thread, recording progress
    (``done`` = documents processed, ``failed`` = those refused, ``errors`` = why) on the job row. The thread owns
    ``session`` and closes it at the end. Call after the job row is committed."""
    thread = threading.Thread(target=_run_job, args=(job.pk, session, work, list(job.document_ids)),
                              name=f"vanthu-signing-job-{job.pk}", daemon=True)
    with _threads_lock:
        _threads[job.pk] = thread
    thread.start()


def signing_job_wait(job_id: int, timeout: float | None = None) -> bool:
    """Wait for a batch started in this process (tests, command line). True when it is no longer running here."""
    with _threads_lock:
        thread = _threads.get(job_id)
    if thread is None:
        return True
    thread.join(timeout)
    return not thread.is_alive()
