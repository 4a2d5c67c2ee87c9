"""ND30 appearances rendered by poppler: blue signature between title and name, red seal over its left third,
text stamp at the top right of attachments."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image

from tests.builders import pdf_bytes
from tests.signing.signing_helpers import assert_pyhanko_valid, blue_signature_png, p12_source, red_seal_png
from vanthu.signing.appearance import (
    Appearance,
    Box,
    attachment_stamp_appearance,
    personal_appearance,
    seal_appearance,
)
from vanthu.signing.pades import pdf_sign
from vanthu.signing.pki.testing import TestPki

DPI = 100
PAGE_H = 842  # A4 in points (builders.pdf_bytes)


def _render(pdf: bytes, tmp: Path) -> Image.Image:
    src = tmp / "doc.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-f", "1", "-l", "1", str(src), str(tmp / "page")],
                   check=True, timeout=60)
    [png] = sorted(tmp.glob("page*.png"))
    return Image.open(png).convert("RGB")


def _text(pdf: bytes, tmp: Path) -> str:
    src = tmp / "doc.pdf"
    src.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(src), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


def _pixels(img: Image.Image, box: Box) -> list[tuple[int, int, int]]:
    scale = DPI / 72
    x1, y1, x2, y2 = box
    left, right = int(x1 * scale), int(x2 * scale)
    top, bottom = int((PAGE_H - y2) * scale), int((PAGE_H - y1) * scale)
    return [img.getpixel((x, y)) for x in range(left, right) for y in range(top, bottom)]  # type: ignore[misc]


def _blue(p: tuple[int, int, int]) -> bool:
    return p[2] > 150 and p[0] < 80 and p[1] < 110


def _red(p: tuple[int, int, int]) -> bool:
    return p[0] > 170 and p[1] < 80 and p[2] < 80


def _sign(pki: TestPki, label: str, pdf: bytes, field: str, appearance: Appearance) -> bytes:
    return pdf_sign(pdf=pdf, key_source=p12_source(pki, label), appearance=appearance, field_name=field,
                    validation_context=pki.validation_context(), timestamp_url=pki.tsa_url)


def test_personal_signature_and_seal_render_in_nd30_positions(test_pki: TestPki, tmp_path: Path) -> None:
    personal = personal_appearance(capacity="KT. CHỦ TỊCH", title="PHÓ CHỦ TỊCH", full_name="Nguyễn Văn An",
                                   signature_png=blue_signature_png(), box=(300, 120, 540, 290))
    seal = seal_appearance(seal_png=red_seal_png(), over=personal, diameter_mm=40)
    signed = _sign(test_pki, "person-rsa", pdf_bytes(), "ChuKyLanhDao", personal)
    sealed = _sign(test_pki, "agency-rsa", signed, "ChuKyCoQuan", seal)
    assert_pyhanko_valid(sealed, test_pki, count=2)

    assert personal.image_box is not None
    ix1, iy1, ix2, iy2 = personal.image_box
    # The seal is 40 mm wide and its right edge sits one third into the signature image.
    sx1, _sy1, sx2, _sy2 = seal.box
    assert abs((sx2 - sx1) - 40 * 72 / 25.4) <= 1
    assert abs(sx2 - (ix1 + (ix2 - ix1) / 3)) <= 1

    img = _render(sealed, tmp_path)
    right_of_seal: Box = (sx2 + 2, iy1, ix2, iy2)
    assert sum(map(_blue, _pixels(img, right_of_seal))) > 200, "blue signature strokes right of the seal"
    assert sum(map(_red, _pixels(img, seal.box))) > 500, "red seal inside its box"
    title_band: Box = (300, iy2, 540, 290)
    assert not any(map(_blue, _pixels(img, title_band))), "the image stays below the title lines"
    assert not any(map(_red, _pixels(img, (sx2 + 40, 120, 540, 290)))), "the seal stays left"

    text = _text(sealed, tmp_path)
    assert "KT. CHỦ TỊCH" in text
    assert "PHÓ CHỦ TỊCH" in text
    assert "Nguyễn Văn An" in text


def test_unsealed_personal_block_has_no_red(test_pki: TestPki, tmp_path: Path) -> None:
    personal = personal_appearance(capacity="TM. ỦY BAN NHÂN DÂN", title="CHỦ TỊCH", full_name="Trần Thị Bình",
                                   signature_png=blue_signature_png())
    signed = _sign(test_pki, "person-ec", pdf_bytes(), "Sig", personal)
    img = _render(signed, tmp_path)
    assert personal.image_box is not None
    assert sum(map(_blue, _pixels(img, personal.image_box))) > 200
    assert not any(map(_red, _pixels(img, personal.box)))
    assert "TM. ỦY BAN NHÂN DÂN" in _text(signed, tmp_path)


def test_attachment_stamp_is_black_text_at_the_top_right_of_page_one(test_pki: TestPki, tmp_path: Path) -> None:
    stamp = attachment_stamp_appearance(text="15/QĐ-UBND\n2026-03-05T09:30:00+07:00",
                                        page_width=595, page_height=PAGE_H)
    assert stamp.page == 0
    _x1, _y1, x2, y2 = stamp.box
    assert x2 > 595 - 40 and y2 > PAGE_H - 40, "top right corner"
    signed = _sign(test_pki, "agency-rsa", pdf_bytes(pages=2), "DauVanBanDinhKem", stamp)
    assert_pyhanko_valid(signed, test_pki, count=1)
    text = _text(signed, tmp_path)
    assert "15/QĐ-UBND" in text
    assert "2026-03-05T09:30:00+07:00" in text
    img = _render(signed, tmp_path)
    pixels = _pixels(img, stamp.box)
    dark = [p for p in pixels if max(p) < 100]
    assert len(dark) > 50
    assert not any(_red(p) or _blue(p) for p in pixels), "black only"
