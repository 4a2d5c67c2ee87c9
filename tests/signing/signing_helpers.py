"""Shared helpers for the signing tests: images, PDFs, signature checks with pyHanko and poppler."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from vanthu.signing.keys import Pkcs12KeySource, certs_from_pem
from vanthu.signing.pki.testing import TestPki

PASSPHRASE = b"Mat-khau-ky-so-123"


def blue_signature_png() -> bytes:
    """A blue, transparent 'handwritten' stroke, 600x240 px."""
    img = Image.new("RGBA", (600, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    points = [(40 + x * 5, 120 + int(60 * ((x % 20) - 10) / 10)) for x in range(104)]
    draw.line(points, fill=(0, 40, 200, 255), width=14)
    draw.line([(60, 200), (560, 60)], fill=(0, 40, 200, 255), width=12)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def red_seal_png(px: int = 472) -> bytes:
    """A red round seal, transparent background (472 px = 40 mm at 300 dpi)."""
    img = Image.new("RGBA", (px, px), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    red = (220, 0, 0, 255)
    draw.ellipse((4, 4, px - 4, px - 4), outline=red, width=14)
    draw.ellipse((60, 60, px - 60, px - 60), outline=red, width=8)
    c = px // 2
    draw.regular_polygon((c, c, 60), n_sides=5, fill=red)
    out = io.BytesIO()
    img.save(out, "PNG", dpi=(300, 300))
    return out.getvalue()


def p12_source(pki: TestPki, label: str) -> Pkcs12KeySource:
    ident = pki.identity(label)
    return Pkcs12KeySource(
        pkcs12_bytes=ident.pkcs12(PASSPHRASE), passphrase=PASSPHRASE,
        extra_chain=certs_from_pem(ident.chain_pem),
    )


def pyhanko_status(pdf: bytes, pki: TestPki) -> list[Any]:
    """Validate every signature with pyHanko; return the status objects."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return [
        validate_pdf_signature(sig, signer_validation_context=pki.validation_context())
        for sig in reader.embedded_signatures
    ]


def assert_pyhanko_valid(pdf: bytes, pki: TestPki, *, count: int) -> list[Any]:
    statuses = pyhanko_status(pdf, pki)
    assert len(statuses) == count
    for status in statuses:
        assert status.intact, status.pretty_print_details()
        assert status.valid, status.pretty_print_details()
        assert status.trusted, status.pretty_print_details()
        assert status.timestamp_validity is not None, "no signature timestamp"
        assert status.timestamp_validity.intact and status.timestamp_validity.valid
        assert status.timestamp_validity.trusted
        assert status.modification_level is not None
        assert status.docmdp_ok in (True, None), status.pretty_print_details()
    return statuses


def pdfsig_output(pdf: bytes, pki: TestPki, tmp: Path) -> str:
    path = tmp / "signed.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{pki.nss_dir}", str(path)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    return result.stdout + result.stderr


def assert_pdfsig_valid(pdf: bytes, pki: TestPki, tmp: Path, *, count: int) -> str:
    out = pdfsig_output(pdf, pki, tmp)
    assert out.count("Signature is Valid") == count, out
    assert out.count("Certificate is Trusted") == count, out
    return out
