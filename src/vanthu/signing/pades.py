"""PAdES signing (B-T, B-LT) as incremental updates, and validation data for every signature on a PDF.

Speed (bench/signing.py, docs/benchmarks.md). A naive pyHanko integration spends most of a signature outside the
cryptography: parsing the key (PKCS#12 key derivation, then an RSA key check on every raw signature — twice per
signature, because of the size-estimating trial signature), the trial signature itself with its extra request to
the TSA, a fresh TLS context (the CA bundle parsed again) for every HTTP session, and the PDF parsed twice. Here:

- :class:`SigningSession` opens the key source once, checks the certificate once and keeps one event loop, one
  HTTP session for the TSA and one TLS context for any number of signatures with that key (a batch);
  :func:`pdf_sign` is a session of one signature;
- the raw signature uses the private key object parsed once per session; the key was already checked when it was
  unlocked (PKCS#12), so it is not checked again — instead every signature value is verified against the
  certificate's public key before it is embedded, which also catches a faulty key or a corrupted computation;
- the space for the signature container is sized from the certificate chain, the key size and an allowance for
  the timestamp token, so no trial signature (and no dummy timestamp request) is made; if a TSA ever answers with
  a token larger than the allowance, the signature is redone once with pyHanko's own estimate;
- B-T signatures skip pyHanko's pre-signing validation (our own certificate check already ran; pyHanko would
  validate the signer again and the TSA's chain with revocation requests); B-LT adds the validation data for every
  signature in one DSS update after signing;
- the input PDF is parsed once (the signature-field lookup reads the writer's own reader).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import logging
import ssl
import threading
from collections.abc import Coroutine, Iterator, Sequence
from types import TracebackType
from typing import Any, Literal, TypeVar

import aiohttp
import certifi
from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.attributes import CMSAttributeProvider, SigningCertificateV2Provider
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.general import SigningError, as_signing_certificate_v2
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, Signer, SimpleSigner
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError, extract_ts_certs
from pyhanko.sign.validation.dss import DocumentSecurityStore, collect_validation_info
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.fetchers.aiohttp_fetchers.util import LazySession
from pyhanko_certvalidator.fetchers.api import OwnedFetcherBackend
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from vanthu.core.errors import ApplicationError
from vanthu.signing.appearance import Appearance
from vanthu.signing.errors import SigningFailedError
from vanthu.signing.keys import KeySource, Pkcs11KeySource
from vanthu.signing.signers import async_check_certificate_usable, run_with_context

logger = logging.getLogger(__name__)
Level = Literal["B-T", "B-LT"]
_T = TypeVar("_T")

# Room for the RFC 3161 token in the signature container: TSTInfo, the TSA's signature and its certificates. The
# demo TSA's tokens are ~2.5 KB; the allowance covers a TSA that embeds a chain of three RSA-4096 certificates.
TIMESTAMP_ALLOWANCE = 8 * 1024
# Everything else in the CMS SignedData besides certificates and the two signature values (structure, algorithm
# identifiers, signer identifier, the PAdES signed attributes with the ESS signing-certificate-v2 attribute).
_CMS_OVERHEAD = 3 * 1024

_ssl_context: ssl.SSLContext | None = None
_ssl_lock = threading.Lock()


def shared_ssl_context() -> ssl.SSLContext:
    """One TLS client context for the process (creating one parses the whole CA bundle: ~50 ms)."""
    global _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            _ssl_context = ssl.create_default_context(cafile=certifi.where())
        return _ssl_context


def _client_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=shared_ssl_context()))


class _SharedContextLazySession(LazySession):
    """pyhanko-certvalidator's lazily created session, on the shared TLS context and with one session per event
    loop (an aiohttp session belongs to the loop that made it), so one backend can serve any number of
    validation contexts, concurrently open or not."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._sessions: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}

    def get_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._sessions.get(loop)
        if session is None or session.closed:
            session = self._sessions[loop] = _client_session()
        return session

    async def close(self) -> None:
        session = self._sessions.pop(asyncio.get_running_loop(), None)
        if session is not None:
            await session.close()


def fetcher_backend(per_request_timeout: float = 10) -> OwnedFetcherBackend:
    """OCSP/CRL/certificate fetching for ``ValidationContext(..., fetcher_backend=fetcher_backend())`` on the shared
    TLS context instead of a new one (~50 ms) per validation context. The context owns it: ``aclose()`` (which
    every signing operation here calls) closes the HTTP session of the loop it ran in."""
    return OwnedFetcherBackend(AIOHttpFetcherBackend(
        session=_SharedContextLazySession(), per_request_timeout=per_request_timeout,  # type: ignore[arg-type]
    ))


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
    reason: str | None = None, writer: IncrementalPdfFileWriter | None = None, presign_validation: bool = True,
) -> PdfSigner:
    """The pyHanko ``PdfSigner`` for one PAdES signature into ``field_name`` (created at the appearance's box
    when the PDF does not have it yet).

    ``writer``: the writer the signature will be written with; its reader is used to look the field up instead of
    parsing ``pdf`` again. ``presign_validation=False`` leaves the validation context out of the B-T metadata, so
    pyHanko does not validate the signer and the TSA again (the caller has checked the certificate)."""
    meta = PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=md,
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        embed_validation_info=level == "B-LT",
        validation_context=validation_context if presign_validation or level == "B-LT" else None,
    )
    if writer is not None:
        names = {name for name, _value, _ref in enumerate_sig_fields(writer.prev)}
    else:
        names = existing_field_names(pdf)
    field_spec = None
    if field_name not in names:
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


class _DerAttribute(CMSAttributeProvider):
    """A signed attribute whose value is the same for every signature of a session, kept as DER: asn1crypto
    re-serialises a value built from parsed objects on every dump, a value loaded from DER costs nothing."""

    def __init__(self, attribute_type: str, spec: type[Any], der: bytes) -> None:
        self.attribute_type = attribute_type
        self._spec, self._der = spec, der

    async def build_attr_value(self, dry_run: bool = False) -> Any:
        return self._spec.load(self._der)


class _LoadedKeySigner(SimpleSigner):
    """A SimpleSigner for many signatures: the private key parsed once (pyHanko parses and RSA-checks it on every
    raw signature), and the certificates and the signing-certificate-v2 attribute kept as DER and handed out
    freshly loaded for each signature (the certificate check parsed them deeply; asn1crypto would walk and
    re-serialise those trees in every signature container).

    Every signature value is verified with the certificate's public key before it is used."""

    def __init__(self, signer: SimpleSigner, chain: Sequence[asn1_x509.Certificate] = ()) -> None:
        cert = signer.signing_cert
        assert cert is not None
        super().__init__(signing_cert=cert, signing_key=signer.signing_key,
                         cert_registry=signer.cert_registry, signature_mechanism=signer.signature_mechanism,
                         prefer_pss=signer.prefer_pss, embed_roots=signer.embed_roots)
        # The key came out of an unlocked key source that already loaded (and checked) it.
        self._key = serialization.load_der_private_key(signer.signing_key.dump(), password=None,
                                                       unsafe_skip_rsa_key_validation=True)
        self._public = serialization.load_der_public_key(cert.public_key.dump())
        self._registry_der = _unique_der([*signer.cert_registry, *chain])
        self._signing_certificate = _DerAttribute("signing_certificate_v2", tsp.SigningCertificateV2,
                                                  as_signing_certificate_v2(cert).dump())

    @property
    def cert_registry(self) -> SimpleCertificateStore:
        return SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call,no-any-return]
            [asn1_x509.Certificate.load(der) for der in self._registry_der])

    def _signed_attr_providers(self, *args: Any, **kwargs: Any) -> Iterator[CMSAttributeProvider]:
        for provider in super()._signed_attr_providers(*args, **kwargs):
            yield self._signing_certificate if isinstance(provider, SigningCertificateV2Provider) else provider

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            name = mechanism.signature_algo
        except ValueError:
            name = mechanism["algorithm"].native
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        key, public = self._key, self._public
        try:
            if name == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
                value = key.sign(data, PKCS1v15(), hash_algo)
                assert isinstance(public, rsa.RSAPublicKey)
                public.verify(value, data, PKCS1v15(), hash_algo)
                return value
            if name == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
                value = key.sign(data, ec.ECDSA(hash_algo))
                assert isinstance(public, ec.EllipticCurvePublicKey)
                public.verify(value, data, ec.ECDSA(hash_algo))
                return value
        except InvalidSignature as exc:
            raise SigningFailedError({"reason": "the key does not match the certificate"}) from exc
        return super().sign_raw(data, digest_algorithm)


def _unique_der(certs: Sequence[asn1_x509.Certificate]) -> list[bytes]:
    seen: set[bytes] = set()
    result = []
    for cert in certs:
        if cert.sha256 not in seen:
            seen.add(cert.sha256)
            result.append(cert.dump())
    return result


def _fast(signer: Signer, chain: Sequence[asn1_x509.Certificate]) -> Signer:
    return _LoadedKeySigner(signer, chain) if type(signer) is SimpleSigner else signer


def _der_size(cert: asn1_x509.Certificate) -> int:
    return len(cert.dump())


def signature_size(
    *, cert: asn1_x509.Certificate, chain: Sequence[asn1_x509.Certificate] = (),
    timestamp_allowance: int = TIMESTAMP_ALLOWANCE,
) -> int:
    """``bytes_reserved`` (hex digits in /Contents) for a PAdES signature by ``cert`` with its ``chain`` embedded
    and one signature timestamp, without making a trial signature."""
    key_bytes = (int(cert.public_key.bit_size) + 7) // 8
    signature = 2 * key_bytes + 16 if cert.public_key.algorithm == "ec" else key_bytes
    certificates = _der_size(cert) + sum(_der_size(c) for c in chain if c.sha256 != cert.sha256)
    total = _CMS_OVERHEAD + certificates + signature + timestamp_allowance
    return 2 * (-(-total // 512) * 512)


class _PooledTimeStamper(HTTPTimeStamper):
    """pyHanko's HTTP timestamper on a session kept for the whole signing session (pyHanko opens a session, and
    a TLS context, per request); it keeps the last token so the TSA's certificate can be checked."""

    last_token: cms.ContentInfo | None = None

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        token: cms.ContentInfo = await super().async_timestamp(message_digest, md_algorithm)
        self.last_token = token
        return token


def _pooled(session: aiohttp.ClientSession, timestamper: TimeStamper) -> TimeStamper:
    """The same TSA settings on the session's pooled connection; any other kind of timestamper as given."""
    if type(timestamper) is not HTTPTimeStamper or timestamper._session is not None:
        return timestamper
    return _PooledTimeStamper(timestamper.url, timeout=timestamper.timeout, auth=timestamper.auth,
                              headers=timestamper.headers, session=session)


class SigningSession:
    """Many PAdES signatures with one key: the key source is opened (unlocked, logged in) once, the certificate is
    checked once (validity, chain, OCSP/CRL: :func:`async_check_certificate_usable`) when the session starts, and
    one event loop, HTTP session and TLS context serve every signature.

    ``with SigningSession(key_source=..., validation_context=..., timestamp_url=...) as session:
    signed = [session.sign(pdf=pdf, appearance=..., field_name=...) for pdf in pdfs]``

    A session is for one batch: the certificate check is not repeated inside it, so keep a session to minutes
    (a batch of hundreds of documents), not hours. Not thread-safe: one thread at a time (a batch opens it in the
    request and hands it to its worker thread). Refusals are typed: the certificate checks of
    :func:`async_check_certificate_usable`, ``signing.tsa_unavailable``, ``signing.failed``.
    """

    def __init__(
        self, *, key_source: KeySource, validation_context: ValidationContext, timestamp_url: str | None = None,
        timestamper: TimeStamper | None = None, level: Level = "B-T", md: str = "sha256",
        bytes_reserved: int | None = None,
    ) -> None:
        self.key_source = key_source
        self.validation_context = validation_context
        self.level: Level = level
        self.md = md
        self._given_timestamper = _timestamper(timestamp_url, timestamper)
        self._bytes_reserved = bytes_reserved
        self._stack = contextlib.ExitStack()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._signer: Signer | None = None
        self.chain: list[asn1_x509.Certificate] = []
        self._timestamper: TimeStamper | None = None
        self._session: aiohttp.ClientSession | None = None
        self._tsa_checked = False

    def _run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        assert self._loop is not None, "use the session in a with block"
        return self._loop.run_until_complete(coro)

    def __enter__(self) -> SigningSession:
        return self if self._loop is not None else self.open()

    def open(self) -> SigningSession:
        """Unlock the key and check the certificate now; ``with`` does it, or call it and :meth:`close` later."""
        try:
            # A plain loop rather than asyncio.Runner: on Python 3.11, Runner.run's SIGINT bookkeeping ends up
            # calling repr() on the finished task, i.e. on the whole signed PDF (~25 ms for 2 MB).
            self._loop = asyncio.new_event_loop()
            self._stack.callback(self._close_loop)
            self._stack.callback(self._close)
            cert = self.key_source.certificate
            path = self._run(async_check_certificate_usable(
                cert=cert, chain=self.key_source.chain, validation_context=self.validation_context,
            ))
            # The validated path is the chain every signature embeds (a token rarely holds its CA certificates).
            self.chain = [c for c in path.iter_certs(include_root=True) if c.sha256 != cert.sha256]
            source = self.key_source
            if isinstance(source, Pkcs11KeySource):
                source = dataclasses.replace(source, cert=cert, extra_chain=self.chain)
            self._signer = _fast(self._stack.enter_context(source.open()), self.chain)
            if self._bytes_reserved is None:
                self._bytes_reserved = signature_size(cert=cert, chain=self.chain)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Lock the key again (PKCS#11 logout, the decrypted key dropped) and release the loop and HTTP sessions."""
        self._stack.close()

    def _close_loop(self) -> None:
        assert self._loop is not None
        try:
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            if pending:
                self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.run_until_complete(self._loop.shutdown_default_executor())
        finally:
            self._loop.close()
            self._loop = None

    def _close(self) -> None:
        async def close() -> None:
            if self._session is not None:
                await self._session.close()
            await self.validation_context.aclose()  # type: ignore[no-untyped-call]

        self._run(close())

    async def _ts(self) -> TimeStamper:
        if self._timestamper is None:
            self._session = _client_session()
            self._timestamper = _pooled(self._session, self._given_timestamper)
        return self._timestamper

    async def _check_tsa(self) -> None:
        """The TSA's certificate must be trusted and usable for timestamping (checked once per session, on the
        first real token; pyHanko would check it before every signature, with a dummy timestamp request)."""
        if self._tsa_checked:
            return
        timestamper = await self._ts()
        token = getattr(timestamper, "last_token", None)
        try:
            if token is None:
                async for _path in timestamper.validation_paths(self.validation_context):  # type: ignore[no-untyped-call]
                    pass
            else:
                store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
                for cert in list(extract_ts_certs(token, store)):
                    validator = CertificateValidator(cert, intermediate_certs=store,
                                                     validation_context=self.validation_context)
                    await validator.async_validate_usage(set(), {"time_stamping"})  # type: ignore[no-untyped-call]
        except (cv_errors.PathValidationError, cv_errors.PathBuildingError, cv_errors.InvalidCertificateError,
                cv_errors.ValidationError) as exc:
            raise SigningFailedError({"reason": f"timestamp authority not usable: {exc}"}) from exc
        self._tsa_checked = True

    async def _sign(self, pdf: bytes, appearance: Appearance | None, field_name: str, reason: str | None,
                    bytes_reserved: int | None) -> bytes:
        assert self._signer is not None
        writer = _writer(pdf)
        pdf_signer = build_pdf_signer(
            pdf=pdf, signer=self._signer, appearance=appearance, field_name=field_name, timestamper=await self._ts(),
            validation_context=self.validation_context, level="B-T", md=self.md, reason=reason, writer=writer,
            presign_validation=False,
        )
        output = await pdf_signer.async_sign_pdf(writer, bytes_reserved=bytes_reserved)
        result: bytes = output.getvalue()
        return result

    def sign(self, *, pdf: bytes, appearance: Appearance | None, field_name: str, reason: str | None = None) -> bytes:
        """Sign ``pdf`` in an incremental update (PAdES, RFC 3161 signature timestamp); earlier signatures stay
        valid. At B-LT, validation data for every signature on the document follows in one DSS update."""

        async def operation() -> _Opaque:
            try:
                signed = await self._sign(pdf, appearance, field_name, reason, self._bytes_reserved)
            except SigningError as exc:
                if "larger than expected" not in str(exc):
                    raise
                # A timestamp token larger than the allowance: once more, sized by pyHanko's own trial signature
                # (and so are the rest of this session's signatures).
                self._bytes_reserved = None
                signed = await self._sign(pdf, appearance, field_name, reason, None)
            await self._check_tsa()
            if self.level == "B-LT":
                signed = await _add_validation_info(signed, self.validation_context)
            return _Opaque(signed)

        try:
            return self._run(operation()).value
        except ApplicationError:
            raise
        except (TimeoutError, TimestampRequestError, aiohttp.ClientError) as exc:
            raise ApplicationError("signing.tsa_unavailable",
                                   _("Không kết nối được dịch vụ cấp dấu thời gian (TSA)."),
                                   {"reason": str(exc)}) from exc
        except (SigningError, PdfError, ValueError, KeyError, OSError) as exc:
            raise SigningFailedError({"reason": str(exc)}) from exc
        except Exception as exc:  # PKCS#11 errors have no common base class
            logger.exception("signing failed")
            raise SigningFailedError({"reason": str(exc)}) from exc


def pdf_sign(
    *, pdf: bytes, key_source: KeySource, appearance: Appearance | None, field_name: str,
    validation_context: ValidationContext, timestamp_url: str | None = None,
    timestamper: TimeStamper | None = None, level: Level = "B-T", md: str = "sha256",
    reason: str | None = None, bytes_reserved: int | None = None,
) -> bytes:
    """Sign ``pdf`` in an incremental update; signatures already on it stay valid.

    The certificate is checked first (validity period, chain, revocation via OCSP/CRL) and refused with a
    specific error, so no signature is ever made with a certificate that is not usable now. ``bytes_reserved``
    (hex digits for /Contents) overrides the size computed from the certificate chain. For many signatures with
    one key use :class:`SigningSession`.
    """
    with SigningSession(key_source=key_source, validation_context=validation_context, timestamp_url=timestamp_url,
                        timestamper=timestamper, level=level, md=md, bytes_reserved=bytes_reserved) as session:
        return session.sign(pdf=pdf, appearance=appearance, field_name=field_name, reason=reason)


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

    async def operation() -> _Opaque:
        return _Opaque(await _add_validation_info(pdf, validation_context))

    return run_with_context(operation(), validation_context).value


class _Opaque:
    """A task result asyncio can repr cheaply (Python 3.11's asyncio.run reprs the finished task: the whole PDF)."""

    __slots__ = ("value",)

    def __init__(self, value: bytes) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<signed PDF>"

