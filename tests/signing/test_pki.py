from __future__ import annotations

import asyncio
import hashlib
import io
import json
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp, pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import ExpiredError, NotYetValidError, RevokedError

from tests.builders import pdf_bytes
from vanthu.demo.data import AGENCIES
from vanthu.demo.pki import init_demo_pki
from vanthu.signing.pki.builder import load_pki
from vanthu.signing.pki.service import PkiService
from vanthu.signing.pki.testing import TestPki


def _asn1(pem_bytes: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(pem.unarmor(pem_bytes)[2])


def _post(url: str, body: bytes, content_type: str) -> bytes:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback test service
        data: bytes = response.read()
    return data


def _ocsp_status(test_pki: TestPki, label: str) -> str:
    cert = _asn1(test_pki.identity(label).cert_pem)
    issuer = _asn1(test_pki.intermediate_pem)
    cert_id = ocsp.CertId({
        "hash_algorithm": {"algorithm": "sha1"},
        "issuer_name_hash": hashlib.sha1(issuer.subject.dump()).digest(),  # noqa: S324 - OCSP CertID uses SHA-1
        "issuer_key_hash": hashlib.sha1(issuer.public_key["public_key"].contents[1:]).digest(),  # noqa: S324
        "serial_number": cert.serial_number,
    })
    req = ocsp.OCSPRequest({"tbs_request": {"request_list": [{"req_cert": cert_id}]}})
    response = ocsp.OCSPResponse.load(_post(test_pki.ocsp_url, req.dump(), "application/ocsp-request"))
    assert response["response_status"].native == "successful"
    [single] = response.basic_ocsp_response["tbs_response_data"]["responses"]
    assert single["cert_id"]["serial_number"].native == cert.serial_number
    return str(single["cert_status"].name)


def _validate(test_pki: TestPki, label: str) -> None:
    identity = test_pki.identity(label)
    validator = CertificateValidator(_asn1(identity.cert_pem), validation_context=test_pki.validation_context())
    asyncio.run(validator.async_validate_usage({"digital_signature", "non_repudiation"}))  # type: ignore[no-untyped-call]


def test_tsa_answers_an_rfc3161_request_signed_by_the_tsa_certificate(test_pki: TestPki) -> None:
    digest = hashlib.sha256(b"Van ban di so 01/UBND-VP").digest()
    token = asyncio.run(HTTPTimeStamper(test_pki.tsa_url).async_timestamp(digest, "sha256"))
    signed_data = token["content"]
    tst_info = signed_data["encap_content_info"]["content"].parsed
    assert tst_info["message_imprint"]["hashed_message"].native == digest
    assert abs(tst_info["gen_time"].native - datetime.now(UTC)) < timedelta(minutes=5)
    tsa_cert = x509.load_pem_x509_certificate((test_pki.directory / "certs" / "tsa.pem").read_bytes())
    embedded = [c.chosen.dump() for c in signed_data["certificates"]]
    assert tsa_cert.public_bytes(Encoding.DER) in embedded
    [signer_info] = signed_data["signer_infos"]
    assert signer_info["sid"].chosen["serial_number"].native == tsa_cert.serial_number
    eku = tsa_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]


def test_ocsp_says_good_for_a_valid_person_and_revoked_for_the_revoked_certificate(test_pki: TestPki) -> None:
    assert _ocsp_status(test_pki, "person-rsa") == "good"
    assert _ocsp_status(test_pki, "person-ec") == "good"
    assert _ocsp_status(test_pki, "revoked") == "revoked"


def test_crl_lists_the_revoked_serial_and_only_it(test_pki: TestPki) -> None:
    with urllib.request.urlopen(test_pki.crl_url, timeout=10) as response:  # noqa: S310 - loopback
        crl = asn1_crl.CertificateList.load(response.read())
    revoked_serial = _asn1(test_pki.identity("revoked").cert_pem).serial_number
    listed = [entry["user_certificate"].native for entry in crl["tbs_cert_list"]["revoked_certificates"]]
    assert listed == [revoked_serial]
    assert crl.issuer.native["common_name"] == _asn1(test_pki.intermediate_pem).subject.native["common_name"]


def test_path_validation_with_live_revocation_accepts_good_and_refuses_bad_certificates(test_pki: TestPki) -> None:
    _validate(test_pki, "person-rsa")
    _validate(test_pki, "person-ec")
    _validate(test_pki, "agency-rsa")
    with pytest.raises(RevokedError):
        _validate(test_pki, "revoked")
    with pytest.raises(ExpiredError):
        _validate(test_pki, "expired")
    with pytest.raises(NotYetValidError):
        _validate(test_pki, "not-yet-valid")


def test_certificates_carry_the_names_keys_and_pointers_to_the_loopback_service(test_pki: TestPki) -> None:
    root = x509.load_pem_x509_certificate(test_pki.root_pem)
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Vanthu Demo Root CA — KHÔNG DÙNG THẬT"
    person = x509.load_pem_x509_certificate(test_pki.identity("person-rsa").cert_pem)
    assert person.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Nguyễn Văn An"
    person_key = person.public_key()
    assert isinstance(person_key, rsa.RSAPublicKey) and person_key.key_size == 2048
    usage = person.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    aia = person.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert test_pki.ocsp_url in [d.access_location.value for d in aia]
    cdp = person.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert [n.value for dp in cdp for n in dp.full_name or []] == [test_pki.crl_url]
    ec_person = x509.load_pem_x509_certificate(test_pki.identity("person-ec").cert_pem)
    ec_key = ec_person.public_key()
    assert isinstance(ec_key, ec.EllipticCurvePublicKey) and ec_key.curve.name == "secp256r1"
    agency = x509.load_pem_x509_certificate(test_pki.identity("agency-rsa").cert_pem)
    assert agency.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "UBND tỉnh Demo"
    assert "H99" in agency.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value


def test_identity_pkcs12_round_trips_key_certificate_and_chain(test_pki: TestPki) -> None:
    identity = test_pki.identity("person-rsa")
    key, cert, chain = pkcs12.load_key_and_certificates(identity.pkcs12(b"mat-khau"), b"mat-khau")
    assert cert is not None and key is not None
    assert cert == x509.load_pem_x509_certificate(identity.cert_pem)
    assert [c.subject for c in chain] == [x509.load_pem_x509_certificate(p).subject
                                          for p in (test_pki.intermediate_pem, test_pki.root_pem)]
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(identity.pkcs12(b"mat-khau"), b"sai")
    with pytest.raises(KeyError):
        test_pki.identity("khong-co")


@pytest.mark.tool
@pytest.mark.skipif(shutil.which("certutil") is None, reason="needs libnss3-tools")
def test_nss_database_for_pdfsig_trusts_the_demo_root(test_pki: TestPki) -> None:
    listing = subprocess.run(["certutil", "-L", "-d", f"sql:{test_pki.nss_dir}"], check=True, capture_output=True,
                             text=True).stdout
    [root_line] = [line for line in listing.splitlines() if line.startswith("Vanthu Demo Root CA")]
    assert root_line.split()[-1] == "CT,C,C"


# --- the demo PKI (`vanthu pki init` / `serve`) -------------------------------------------------------------------

DEMO_AGENCIES = AGENCIES[:2]  # the province and one department keep the test fast; the code path is the same


@pytest.fixture(scope="module")
def demo_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, PkiService]]:
    service = PkiService()  # bind first: the certificates must point at the port that will serve them
    directory = tmp_path_factory.mktemp("demo-pki")
    try:
        init_demo_pki(directory, port=service.port, agencies=DEMO_AGENCIES)
        service.mount(load_pki(directory))  # reloaded from disk, as `vanthu pki serve` does
        service.start()
        yield directory, service
    finally:
        service.stop()


def _pixels(path: Path) -> Image.Image:
    return Image.open(path).convert("RGBA")


def _opaque(image: Image.Image) -> list[tuple[int, int, int]]:
    data = image.tobytes()
    return [(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), 4) if data[i + 3] > 200]


def _alpha(image: Image.Image, xy: tuple[int, int]) -> int:
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple)
    return int(pixel[3])


def test_demo_init_writes_certificates_images_manifest_and_warning(demo_pki: tuple[Path, PkiService]) -> None:
    directory, _ = demo_pki
    assert "KHÔNG DÙNG CHO MỤC ĐÍCH THẬT" in (directory / "README.txt").read_text(encoding="utf-8")
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    assert [e["username"] for e in manifest["leaders"]] == ["chutich.ubnd", "phochutich.ubnd", "giamdoc.sonv",
                                                            "phogiamdoc.sonv"]
    head = x509.load_pem_x509_certificate((directory / manifest["leaders"][0]["cert"]).read_bytes())
    assert head.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Nguyễn Văn Minh"
    assert (directory / manifest["leaders"][0]["key"]).read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    [province, department] = manifest["agencies"]
    seal_cert = x509.load_pem_x509_certificate((directory / department["cert"]).read_bytes())
    assert seal_cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Sở Nội vụ"
    assert "000.00.01.H99" in seal_cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value
    assert province["seal_diameter_mm"] == 40.0 and province["dpi"] == 300


def test_demo_signature_is_blue_and_seal_is_red_at_real_size_on_transparent_backgrounds(
        demo_pki: tuple[Path, PkiService]) -> None:
    directory, _ = demo_pki
    signature = _pixels(directory / "images" / "chutich.ubnd.signature.png")
    seal = _pixels(directory / "images" / "ubnd.seal.png")
    for image in (signature, seal):
        assert _alpha(image, (0, 0)) == 0  # transparent corner
    inked = _opaque(signature)
    assert len(inked) > 500 and all(b > r + 60 and b > g + 60 for r, g, b in inked)
    stamped = _opaque(seal)
    assert len(stamped) > 2000 and all(r > g + 100 and r > b + 100 for r, g, b in stamped)
    assert Image.open(directory / "images" / "ubnd.seal.png").info["dpi"] == pytest.approx((300, 300), abs=0.1)
    assert seal.size == (round(40 / 25.4 * 300),) * 2  # 40 mm at 300 dpi
    cx = seal.width // 2
    assert _alpha(seal, (cx, round(seal.height * 0.44))) > 200  # the star in the middle


def test_demo_pki_served_after_reload_answers_ocsp_for_a_leader(demo_pki: tuple[Path, PkiService]) -> None:
    directory, service = demo_pki
    reloaded = load_pki(directory)
    exported = (directory / "certs" / "chutich.ubnd.pem").read_bytes()
    assert reloaded.cert_der("chutich.ubnd") == x509.load_pem_x509_certificate(exported).public_bytes(Encoding.DER)
    root = _asn1((directory / "root.pem").read_bytes())
    context = ValidationContext(trust_roots=[root], allow_fetching=True, revocation_mode="hard-fail",
                                other_certs=[_asn1((directory / "intermediate.pem").read_bytes())])
    validator = CertificateValidator(_asn1(exported), validation_context=context)
    path = asyncio.run(validator.async_validate_usage({"non_repudiation"}))  # type: ignore[no-untyped-call]
    assert path.first.subject.native["common_name"] == root.subject.native["common_name"]
    assert service.ocsp_url.startswith(f"http://127.0.0.1:{service.port}/")


def test_demo_init_keeps_an_existing_pki_unless_forced(demo_pki: tuple[Path, PkiService], tmp_path: Path) -> None:
    directory, service = demo_pki
    root_before = (directory / "root.pem").read_bytes()
    out = io.StringIO()
    call_command("pki", "init", "--dir", str(directory), stdout=out)
    assert "giữ nguyên" in out.getvalue()
    assert (directory / "root.pem").read_bytes() == root_before
    _, created = init_demo_pki(tmp_path / "fresh", port=service.port, agencies=DEMO_AGENCIES[:1])
    root_first = (tmp_path / "fresh" / "root.pem").read_bytes()
    _, recreated = init_demo_pki(tmp_path / "fresh", port=service.port, agencies=DEMO_AGENCIES[:1], force=True)
    assert created and recreated and (tmp_path / "fresh" / "root.pem").read_bytes() != root_first


def test_pki_serve_refuses_a_missing_pki_and_a_port_the_certificates_do_not_name(
        demo_pki: tuple[Path, PkiService], tmp_path: Path) -> None:
    directory, service = demo_pki
    with pytest.raises(CommandError, match="pki init"):
        call_command("pki", "serve", "--dir", str(tmp_path / "none"))
    with pytest.raises(CommandError, match="không thể phục vụ"):
        call_command("pki", "serve", "--dir", str(directory), "--port", str(service.port + 1))


def _sign_with(test_pki: TestPki, label: str, tmp_path: Path) -> Path:
    identity = test_pki.identity(label)
    files = {"key.pem": identity.key_pem, "cert.pem": identity.cert_pem, "chain.pem": identity.chain_pem}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    signer = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
        str(tmp_path / "key.pem"), str(tmp_path / "cert.pem"), ca_chain_files=[str(tmp_path / "chain.pem")])
    assert signer is not None
    signed = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf_bytes())),
                              signers.PdfSignatureMetadata(field_name="KySo", subfilter=SigSeedSubFilter.PADES),
                              signer=signer, timestamper=HTTPTimeStamper(test_pki.tsa_url))
    path = tmp_path / f"{label}.pdf"
    path.write_bytes(signed.getvalue())
    return path


@pytest.mark.tool
@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="needs poppler-utils")
@pytest.mark.parametrize(("label", "verdict"), [("person-rsa", "Certificate is Trusted."),
                                                ("person-ec", "Certificate is Trusted."),
                                                ("revoked", "Certificate has been Revoked.")])
def test_pdfsig_with_the_nss_database_checks_chain_and_live_ocsp(test_pki: TestPki, tmp_path: Path, label: str,
                                                                 verdict: str) -> None:
    # Not `-no-ocsp`: poppler 22.12 then reports every certificate as "Unknown issue".
    result = subprocess.run(["pdfsig", "-nssdir", str(test_pki.nss_dir), str(_sign_with(test_pki, label, tmp_path))],
                            check=True, capture_output=True, text=True)
    assert "Signature Validation: Signature is Valid." in result.stdout
    assert f"Certificate Validation: {verdict}" in result.stdout
