"""XML-DSig of edXML packages (docs/standards/edxml.md): a W3C enveloped signature in ``edXMLHeader``.

``Reference URI=""`` covers the whole file, attachments included; transforms ``enveloped-signature`` then
exclusive c14n; ``KeyInfo/X509Data{X509SubjectName, X509Certificate}``. We sign with RSA-SHA256; RSA-SHA1 only
for partners that need it. Received packages are verified and the result reported; the parser refuses a package
only when its signature does not match it (changed after signing): many gateways send no signature, or one that
cannot be checked, and the legal value rests on the PAdES signatures in the PDFs.
Trust in the certificate (chain, revocation) is decided by the caller from the reported certificate and the CA
certificates sent with it (``vanthu.exchange.trust`` in the connector); ours travel with every signature.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, load_pem_private_key, pkcs12
from django.utils.translation import gettext as _
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureConstructionMethod, SignatureMethod
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature, SignXMLException
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, XMLVerifier

from vanthu.edxml.errors import SignerError
from vanthu.edxml.model import SignatureCheck, SignatureProblem
from vanthu.edxml.values import DSIG_NAMESPACE
from vanthu.edxml.xmlsafe import local_name, namespace_of, signature_parser

DsigAlgorithm = Literal["rsa-sha256", "rsa-sha1", "none"]
_ALGORITHMS: dict[str, tuple[SignatureMethod, DigestAlgorithm]] = {
    "rsa-sha256": (SignatureMethod.RSA_SHA256, DigestAlgorithm.SHA256),
    "rsa-sha1": (SignatureMethod.RSA_SHA1, DigestAlgorithm.SHA1),
}
_EXC_C14N = CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0
PLACEHOLDER_ID = "placeholder"


@dataclass(frozen=True)
class PackageSigner:
    """An agency's exchange certificate and private key (RSA), the signature algorithm to use, and the CA
    certificates sent along in ``KeyInfo`` so that a receiver can build the path without fetching them."""

    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey = field(repr=False, compare=False)
    algorithm: DsigAlgorithm = "rsa-sha256"
    chain: tuple[x509.Certificate, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.algorithm not in (*_ALGORITHMS, "none"):
            raise SignerError(reason="algorithm", algorithm=self.algorithm)
        if not isinstance(self.private_key, rsa.RSAPrivateKey):
            raise SignerError(reason="not_rsa")
        public = self.certificate.public_key()
        if not isinstance(public, rsa.RSAPublicKey) or public.public_numbers() != self.private_key.public_key(
        ).public_numbers():
            raise SignerError(reason="key_mismatch")

    @classmethod
    def from_pem(cls, certificate_pem: bytes, key_pem: bytes, *, password: bytes | None = None,
                 algorithm: DsigAlgorithm = "rsa-sha256") -> PackageSigner:
        try:
            certificate = x509.load_pem_x509_certificate(certificate_pem)
            key = load_pem_private_key(key_pem, password=password)
        except (ValueError, TypeError) as exc:
            raise SignerError(reason="unreadable") from exc
        if not isinstance(key, rsa.RSAPrivateKey):
            raise SignerError(reason="not_rsa")
        return cls(certificate=certificate, private_key=key, algorithm=algorithm)

    @classmethod
    def from_pkcs12(cls, data: bytes, password: bytes | None, *,
                    algorithm: DsigAlgorithm = "rsa-sha256") -> PackageSigner:
        try:
            key, certificate, chain = pkcs12.load_key_and_certificates(data, password)
        except (ValueError, TypeError) as exc:
            raise SignerError(reason="unreadable") from exc
        if certificate is None or not isinstance(key, rsa.RSAPrivateKey):
            raise SignerError(reason="not_rsa" if certificate is not None else "no_certificate")
        return cls(certificate=certificate, private_key=key, algorithm=algorithm, chain=tuple(chain))


class _Signer(XMLSigner):
    """signxml's signer with our hardened parser (its own would refuse a text node over 10 MB, i.e. one large
    attachment), and SHA-1 allowed when the agency asks for it."""

    def __init__(self, algorithm: str) -> None:
        self._allow_sha1 = algorithm == "rsa-sha1"
        method, digest = _ALGORITHMS[algorithm]
        super().__init__(method=SignatureConstructionMethod.enveloped, signature_algorithm=method,
                         digest_algorithm=digest, c14n_algorithm=_EXC_C14N)
        self.namespaces = {None: DSIG_NAMESPACE}  # type: ignore[dict-item]  # the skeleton's default namespace
        self._parser = signature_parser()

    def check_deprecated_methods(self) -> None:
        if not self._allow_sha1:
            super().check_deprecated_methods()  # type: ignore[no-untyped-call]


def _ds(tag: str) -> str:
    return f"{{{DSIG_NAMESPACE}}}{tag}"


def signature_placeholder(parent: etree._Element) -> None:
    """Where the signature goes: the end of ``edXMLHeader``, as in the skeleton."""
    placeholder = etree.SubElement(parent, _ds("Signature"), nsmap={None: DSIG_NAMESPACE})
    placeholder.set("Id", PLACEHOLDER_ID)


def _key_info(certificate: x509.Certificate, chain: tuple[x509.Certificate, ...]) -> etree._Element:
    """The signer's certificate first (receivers take the first one), then its CA certificates."""
    key_info = etree.Element(_ds("KeyInfo"), nsmap={None: DSIG_NAMESPACE})
    data = etree.SubElement(key_info, _ds("X509Data"))
    etree.SubElement(data, _ds("X509SubjectName")).text = certificate.subject.rfc4514_string()
    for cert in (certificate, *(c for c in chain if c != certificate)):
        etree.SubElement(data, _ds("X509Certificate")).text = base64.b64encode(
            cert.public_bytes(Encoding.DER)).decode("ascii")
    return key_info


def package_sign(root: etree._Element, signer: PackageSigner) -> etree._Element:
    """Sign the package whose ``edXMLHeader`` holds the placeholder; returns the signed tree."""
    # No reference_uri: signxml then references the root, which has no Id, as URI="" (the whole document).
    try:
        signed: etree._Element = _Signer(signer.algorithm).sign(
            root, key=signer.private_key, key_info=_key_info(signer.certificate, signer.chain),
        )
    except (SignXMLException, ValueError) as exc:
        raise SignerError(reason="signing_failed", detail=str(exc)) from exc
    return signed


def _signatures(root: etree._Element) -> list[etree._Element]:
    return [
        element for element in root.iter()
        if local_name(element) == "Signature" and namespace_of(element) == DSIG_NAMESPACE
    ]


def _first_certificate(signature: etree._Element) -> x509.Certificate | None:
    for element in signature.iter(_ds("X509Certificate")):
        text = "".join((element.text or "").split())
        try:
            return x509.load_der_x509_certificate(base64.b64decode(text, validate=True))
        except ValueError:
            return None
    return None


def _other_certificates(signature: etree._Element, limit: int = 8) -> tuple[bytes, ...]:
    """The further certificates of ``KeyInfo`` (the signer's CAs, as DER), the unreadable ones left out."""
    found: list[bytes] = []
    for element in list(signature.iter(_ds("X509Certificate")))[1:limit + 1]:
        try:
            cert = x509.load_der_x509_certificate(base64.b64decode("".join((element.text or "").split()),
                                                                   validate=True))
        except ValueError:
            continue
        found.append(cert.public_bytes(Encoding.DER))
    return tuple(found)


def _algorithm(signature: etree._Element) -> str:
    for element in signature.iter(_ds("SignatureMethod")):
        return (element.get("Algorithm") or "").rsplit("#", 1)[-1]
    return ""


def _covers_whole_package(signature: etree._Element) -> bool:
    references = list(signature.iter(_ds("Reference")))
    return len(references) == 1 and references[0].get("URI") == ""


def _invalid(problem: SignatureProblem, reason: str, detail: str = "", **known: Any) -> SignatureCheck:
    return SignatureCheck(state="invalid", problem=problem, reason=reason, detail=detail, **known)


def _foreign_signature(root: etree._Element) -> bool:
    """A ``Signature`` outside the XML-DSig namespace (some libraries write it in the package's own, or in none),
    or an SDK ``DigitalSignature`` that is not empty: a signature that cannot be checked."""
    for element in root.iter():
        name = local_name(element)
        if name == "Signature" and namespace_of(element) != DSIG_NAMESPACE:
            return True
        if name == "DigitalSignature" and ("".join(element.itertext()).strip() or len(element)):
            return True
    return False


def signature_check(data: bytes, root: etree._Element) -> SignatureCheck:
    """Verify the package's signature, if it has one. SHA-1 is accepted here (received packages only).

    ``problem`` says why a signature is not valid; ``namespace`` (state ``absent``) is a signature element outside
    the XML-DSig namespace, which nothing can check."""
    signatures = _signatures(root)
    if not signatures:
        return SignatureCheck(state="absent", problem="namespace" if _foreign_signature(root) else "")
    signature = signatures[0]
    algorithm = _algorithm(signature)
    if len(signatures) > 1:
        return _invalid("multiple", _("Gói tin có nhiều hơn một chữ ký số"), algorithm=algorithm)
    certificate = _first_certificate(signature)
    if certificate is None:
        return _invalid("no_certificate", _("Chữ ký số không kèm chứng thư số đọc được"), algorithm=algorithm)
    known: dict[str, Any] = {
        "algorithm": algorithm,
        "subject": certificate.subject.rfc4514_string(),
        "fingerprint": hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest(),
        "not_before": certificate.not_valid_before_utc,
        "not_after": certificate.not_valid_after_utc,
        "certificate": certificate.public_bytes(Encoding.DER),
        "chain": _other_certificates(signature),
    }
    if not _covers_whole_package(signature):
        return _invalid("partial", _("Chữ ký số không bao trùm toàn bộ gói tin"), **known)
    config = SignatureConfiguration(
        signature_methods=frozenset(SignatureMethod), digest_algorithms=frozenset(DigestAlgorithm),
        # Validity in time and trust are judged by the caller, with the reported certificate.
        verification_time=certificate.not_valid_before_utc,
        ignore_ambiguous_key_info=True,
    )
    try:
        XMLVerifier().verify(data, x509_cert=certificate, expect_config=config, parser=signature_parser())
    except InvalidDigest as exc:
        return _invalid("digest", _("Nội dung gói tin đã bị thay đổi sau khi ký"), str(exc), **known)
    except InvalidSignature as exc:
        return _invalid("value", _("Giá trị chữ ký số không khớp với chứng thư số"), str(exc), **known)
    except (InvalidCertificate, InvalidInput, SignXMLException) as exc:
        return _invalid("format", _("Chữ ký số không đúng định dạng XML-DSig"), str(exc), **known)
    except Exception as exc:
        # Whatever else a hostile signature makes the verifier trip on, it is a bad signature, not a crash.
        return _invalid("format", _("Chữ ký số không đúng định dạng XML-DSig"), f"{type(exc).__name__}: {exc}",
                        **known)
    return SignatureCheck(state="valid", **known)


def signer_for_algorithm(signer: PackageSigner | None) -> PackageSigner | None:
    """``None`` when nothing is to be signed (no signer, or the agency's algorithm is ``none``)."""
    if signer is None or signer.algorithm == "none":
        return None
    return signer
