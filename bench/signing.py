"""Benchmark: Vanthu's signing path against bare pyHanko SimpleSigner, per signature, in the same run.

Vanthu's path per document (as the outgoing flow runs it): the leader's personal signature (PAdES B-T, RFC 3161
timestamp, ND30 appearance into ``vanthu_sig_personal``), then the clerk's number/date fill
(``vanthu.signing.formfill.pdf_fill_text_fields``, skipped with a note if that module is missing), then the
agency signature (B-T, red seal appearance). Keys are unlocked once per batch (``pades.SigningSession``, the
session ``outgoing_sign_personal``, ``outgoing_seal`` and batch sealing use: one for the leader's key, one for the
agency's), as a batch of documents is signed and sealed; a second Vanthu row
unlocks the PKCS#12 again for every signature (``pades.pdf_sign`` with a fresh ``Pkcs12KeySource``: one leader
signing one document).

The baseline is what a naive integration does for every signature: ``SimpleSigner.load_pkcs12`` from the files
on disk, a new ``HTTPTimeStamper``, ``signers.sign_pdf`` with default settings (size-estimating trial signature,
dummy timestamp request). Both sign the same 100 KB and 2 MB PDFs with RSA-2048 and ECDSA P-256 certificates of
the test PKI, whose TSA/OCSP/CRL service (``start_test_pki``) runs on loopback in a child process, so the figures
below are the signing process's own. "Per core" is signatures per CPU-second of that process
(``time.process_time``); wall time includes waiting for the TSA.

    .venv/bin/python bench/signing.py                 # 20 signatures per case
    .venv/bin/python bench/signing.py --runs 50 --sizes 2m --keys rsa
"""

from __future__ import annotations

import argparse
import io
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

PASSPHRASE = b"Bench-mat-khau-123"
KEYS = {"rsa": ("person-rsa", "agency-rsa", "RSA-2048"), "ec": ("person-ec", "agency-ec", "ECDSA P-256")}
SIZES = {"100k": 100 * 1024, "2m": 2 * 1024 * 1024}


def _django() -> None:
    os.environ.setdefault("VANTHU_VAR_DIR", tempfile.mkdtemp(prefix="vanthu-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings_test")
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)  # pyhanko-certvalidator logs every fetch at INFO


def _serve_pki(directory: str, queue: Any, stop: Any) -> None:
    """Child process: the test PKI (plus an ECDSA agency certificate) with its loopback service."""
    _django()
    from vanthu.signing.pki.spec import KeyKind, agency, test_leaves
    from vanthu.signing.pki.testing import start_test_pki

    pki = start_test_pki(Path(directory), leaves=[*test_leaves(), agency("agency-ec", "UBND tỉnh Demo", "H99",
                                                                         key=KeyKind.EC_P256)])
    try:
        ids = Path(directory) / "ids"
        ids.mkdir()
        for label in ("person-rsa", "person-ec", "agency-rsa", "agency-ec"):
            identity = pki.identity(label)
            (ids / f"{label}.p12").write_bytes(identity.pkcs12(PASSPHRASE))
            (ids / f"{label}.chain.pem").write_bytes(identity.chain_pem)
        queue.put({"tsa": pki.tsa_url, "root": pki.root_pem, "intermediate": pki.intermediate_pem})
        stop.wait()
    finally:
        pki.stop()


@dataclass
class Pki:
    directory: Path
    tsa_url: str
    root_pem: bytes
    intermediate_pem: bytes

    def p12(self, label: str) -> Path:
        return self.directory / "ids" / f"{label}.p12"

    def chain(self, label: str) -> bytes:
        return (self.directory / "ids" / f"{label}.chain.pem").read_bytes()

    def validation_context(self, **kw: Any) -> Any:
        from asn1crypto import pem
        from asn1crypto import x509 as asn1_x509
        from pyhanko_certvalidator import ValidationContext

        def load(data: bytes) -> Any:
            return asn1_x509.Certificate.load(pem.unarmor(data)[2])

        return ValidationContext(trust_roots=[load(self.root_pem)], other_certs=[load(self.intermediate_pem)],
                                 allow_fetching=True, revocation_mode="hard-fail", **kw)


def _draft_pdf(target: int, seed: int = 7) -> bytes:
    """An ND30 quyết định with the number and date fields, padded to ``target`` bytes by a scanned appendix
    (an incompressible noise image)."""
    from PIL import Image
    from reportlab.lib.colors import Color
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from vanthu.core.fonts import SERIF, SERIF_BOLD, serif_fonts_register

    serif_fonts_register()

    def render(image_side: int) -> bytes:
        buffer = io.BytesIO()
        c = Canvas(buffer, pagesize=A4, pageCompression=1)
        c.setFont(SERIF, 13)
        c.drawCentredString(180, 780, "ỦY BAN NHÂN DÂN TỈNH DEMO")
        c.drawString(110, 740, "Số:")
        clear = Color(1, 1, 1, alpha=0)
        for name, x in (("vanthu_number", 132), ("vanthu_date", 350)):
            c.acroForm.textfield(name=name, value="", x=x, y=736, width=150, height=16, borderWidth=0,
                                 fillColor=clear, borderColor=clear, fontName="Times-Roman", fontSize=13)
        c.setFont(SERIF_BOLD, 14)
        c.drawCentredString(297, 690, "QUYẾT ĐỊNH")
        c.setFont(SERIF, 14)
        for line in range(20):
            c.drawString(85, 650 - line * 19, f"Điều {line + 1}. Phê duyệt Kế hoạch chuyển đổi số năm 2026.")
        c.setFont(SERIF_BOLD, 13)
        c.drawCentredString(420, 230, "KT. CHỦ TỊCH")
        c.drawCentredString(420, 214, "PHÓ CHỦ TỊCH")
        c.drawCentredString(420, 120, "Nguyễn Văn An")
        if image_side:
            c.showPage()
            rng = random.Random(seed)
            noise = Image.frombytes("RGB", (image_side, image_side), rng.randbytes(image_side * image_side * 3))
            c.drawImage(ImageReader(noise), 40, 100, 515, 515)
        c.showPage()
        c.save()
        return buffer.getvalue()

    base = len(render(0))
    if target <= base:
        return render(0)
    side = int(((target - base) / 3.75) ** 0.5)  # RGB, ASCII85-encoded by ReportLab (+25 %)
    pdf = render(side)
    side = int(side * ((target - base) / (len(pdf) - base)) ** 0.5)  # one correction for the encoding overhead
    return render(side)


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Result:
    label: str
    signatures_per_run: int
    wall: list[float]  # ms per run
    cpu: list[float]

    @property
    def wall_ms(self) -> float:
        return statistics.median(self.wall) / self.signatures_per_run

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.cpu) / self.signatures_per_run


def _measure(label: str, fn: Callable[[], object], runs: int, signatures: int, warmup: int = 2) -> Result:
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return Result(label, signatures, wall, cpu)


def _bare(pki: Pki, label: str, pdf: bytes) -> Callable[[], bytes]:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers, timestamps

    def run() -> bytes:
        signer = signers.SimpleSigner.load_pkcs12(str(pki.p12(label)), passphrase=PASSPHRASE)
        timestamper = timestamps.HTTPTimeStamper(pki.tsa_url)
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(field_name="Signature1")
        out: bytes = signers.sign_pdf(writer, meta, signer=signer, timestamper=timestamper).getvalue()
        return out

    return run


def _fill() -> Callable[[bytes], bytes] | None:
    try:
        from vanthu.signing.formfill import pdf_fill_text_fields
    except ImportError:
        return None

    def fill(pdf: bytes) -> bytes:
        out: bytes = pdf_fill_text_fields(pdf, {"vanthu_number": "05/QĐ-UBND",
                                                "vanthu_date": "Hà Nội, ngày 05 tháng 3 năm 2026"})
        return out

    return fill


def _images() -> tuple[bytes, bytes]:
    from PIL import Image, ImageDraw

    sig = Image.new("RGBA", (600, 240), (0, 0, 0, 0))
    ImageDraw.Draw(sig).line([(40 + x * 5, 120 + (x % 20 - 10) * 6) for x in range(104)], fill=(0, 40, 200, 255),
                             width=14)
    seal = Image.new("RGBA", (472, 472), (0, 0, 0, 0))
    ImageDraw.Draw(seal).ellipse((4, 4, 468, 468), outline=(220, 0, 0, 255), width=14)
    out = []
    for image in (sig, seal):
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        out.append(buffer.getvalue())
    return out[0], out[1]


class VanthuPath:
    """Personal signature → number/date fill → agency signature, keys unlocked once (batch) or per signature."""

    def __init__(self, pki: Pki, personal: str, agency: str, *, per_signature_unlock: bool) -> None:
        from vanthu.signing.appearance import personal_appearance, seal_appearance
        from vanthu.signing.keys import Pkcs12KeySource, certs_from_pem
        from vanthu.signing.pades import fetcher_backend

        self.pki, self.labels, self.per_signature_unlock = pki, (personal, agency), per_signature_unlock
        self.fill = _fill()
        self.backend = fetcher_backend

        def source(label: str) -> Pkcs12KeySource:
            return Pkcs12KeySource(pkcs12_bytes=pki.p12(label).read_bytes(), passphrase=PASSPHRASE,
                                   extra_chain=certs_from_pem(pki.chain(label)))

        self.source = source
        signature_png, seal_png = _images()
        self.personal_look = personal_appearance(capacity="KT. CHỦ TỊCH", title="PHÓ CHỦ TỊCH",
                                                 full_name="Nguyễn Văn An", signature_png=signature_png,
                                                 box=(345, 135, 495, 205))
        self.seal_look = seal_appearance(seal_png=seal_png, over=self.personal_look, diameter_mm=36)
        self.sessions: list[Any] = []

    def __enter__(self) -> VanthuPath:
        from vanthu.signing.pades import SigningSession

        if not self.per_signature_unlock:
            for label in self.labels:
                session = SigningSession(key_source=self.source(label), timestamp_url=self.pki.tsa_url,
                                         validation_context=self.pki.validation_context(
                                             fetcher_backend=self.backend()))
                self.sessions.append(session.open())
        return self

    def __exit__(self, *exc: object) -> None:
        for session in self.sessions:
            session.close()

    def _sign(self, index: int, pdf: bytes, appearance: Any, field: str) -> bytes:
        from vanthu.signing.pades import pdf_sign

        if self.sessions:
            out: bytes = self.sessions[index].sign(pdf=pdf, appearance=appearance, field_name=field)
            return out
        context = self.pki.validation_context(fetcher_backend=self.backend())
        return pdf_sign(pdf=pdf, key_source=self.source(self.labels[index]), appearance=appearance,
                        field_name=field, validation_context=context, timestamp_url=self.pki.tsa_url)

    def document(self, pdf: bytes) -> bytes:
        signed = self._sign(0, pdf, self.personal_look, "vanthu_sig_personal")
        if self.fill is not None:
            signed = self.fill(signed)
        return self._sign(1, signed, self.seal_look, "vanthu_sig_agency")


def _check(pki: Pki, pdf: bytes, signatures: int, filled: bool) -> str:
    """The last document of a run, validated by pyHanko: every signature intact, valid, trusted, timestamped;
    the fill a form-filling revision."""
    import asyncio

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    context = pki.validation_context()

    async def validate() -> list[Any]:
        try:
            return [await async_validate_pdf_signature(s, signer_validation_context=context)
                    for s in reader.embedded_signatures]
        finally:
            await context.aclose()

    statuses = asyncio.run(validate())
    assert len(statuses) == signatures, f"{len(statuses)} signatures, expected {signatures}"
    for status in statuses:
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
        assert status.timestamp_validity is not None and status.timestamp_validity.valid
    levels = ", ".join(s.modification_level.name if s.modification_level else "?" for s in statuses)
    return f"{len(statuses)} valid, trusted, timestamped signature(s); modification levels: {levels}" + (
        "" if filled else " (no fill)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="documents (or bare signatures) per case")
    parser.add_argument("--sizes", nargs="+", choices=sorted(SIZES), default=["100k", "2m"])
    parser.add_argument("--keys", nargs="+", choices=sorted(KEYS), default=["rsa", "ec"])
    args = parser.parse_args()
    _django()
    context = mp.get_context("spawn")
    queue, stop = context.Queue(), context.Event()
    with tempfile.TemporaryDirectory(prefix="vanthu-bench-pki-") as directory:
        child = context.Process(target=_serve_pki, args=(directory, queue, stop), daemon=True)
        child.start()
        try:
            info = queue.get(timeout=120)
            pki = Pki(Path(directory), info["tsa"], info["root"], info["intermediate"])
            _run(args, pki)
        finally:
            stop.set()
            child.join(timeout=10)


def _run(args: argparse.Namespace, pki: Pki) -> None:
    print(f"CPUs: {os.cpu_count()}, load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if _fill() is None:
        print("note: vanthu.signing.formfill is not available — the number/date fill step is skipped")
    rows: list[tuple[str, str, Result, Result | None]] = []
    bare_rsa: dict[str, Result] = {}
    for size in args.sizes:
        pdf = _draft_pdf(SIZES[size])
        print(f"\n{size}: draft PDF {len(pdf) / 1024:.0f} KB, {args.runs} runs per case", flush=True)
        for key in ("rsa", *[k for k in args.keys if k != "rsa"]):
            personal, agency, key_name = KEYS[key]
            bare = _measure(f"bare SimpleSigner {key_name}", _bare(pki, personal, pdf), args.runs, 1)
            if key == "rsa":
                bare_rsa[size] = bare
            if key not in args.keys:
                continue
            rows.append((size, key_name, bare, None))
            for unlock, label in ((False, "Vanthu, keys unlocked once per batch"),
                                  (True, "Vanthu, PKCS#12 unlocked per signature")):
                with VanthuPath(pki, personal, agency, per_signature_unlock=unlock) as path:
                    last: list[bytes] = []
                    result = _measure(f"{label} ({key_name})",
                                      lambda p=path, d=pdf, out=last: out.append(p.document(d)), args.runs, 2)
                    print(f"  check {label} {key_name}: {_check(pki, last[-1], 2, path.fill is not None)}")
                rows.append((size, key_name, result, bare))
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\n| PDF | key | path | wall ms / signature (p50) | CPU ms / signature | signatures / CPU-second "
          "| × bare same key (CPU) | × bare RSA-2048 (CPU) | × bare RSA-2048 (wall) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size, key_name, result, bare_same in rows:
        rsa = bare_rsa[size]
        same = f"{bare_same.cpu_ms / result.cpu_ms:.1f}" if bare_same else "—"
        print(f"| {size} | {key_name} | {result.label} | {result.wall_ms:.1f} | {result.cpu_ms:.1f} "
              f"| {1000 / result.cpu_ms:.1f} | {same} | {rsa.cpu_ms / result.cpu_ms:.1f} "
              f"| {rsa.wall_ms / result.wall_ms:.1f} |")


if __name__ == "__main__":
    main()
