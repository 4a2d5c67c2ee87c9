"""Demo/test PKI: a root and issuing CA, TSA and OCSP certificates and signer certificates, generated with
certomancer and served (TSA, OCSP, CRL) on loopback. NOT FOR PRODUCTION — KHÔNG DÙNG CHO MỤC ĐÍCH THẬT."""

from .builder import BuiltPki, build_pki, load_pki
from .service import PkiService
from .spec import KeyKind, LeafSpec, Validity

__all__ = ["BuiltPki", "KeyKind", "LeafSpec", "PkiService", "Validity", "build_pki", "load_pki"]
