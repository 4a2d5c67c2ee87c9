"""Demo signature and seal images (transparent PNG): a blue handwritten-looking signature per leader and a red
round seal per agency, drawn with Pillow. Demo artwork only — KHÔNG DÙNG CHO MỤC ĐÍCH THẬT."""

from __future__ import annotations

import io
import math
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
SCRIPT_FONT = FONT_DIR / "LiberationSerif-Italic.ttf"
SEAL_FONT = FONT_DIR / "LiberationSerif-Bold.ttf"
INK_BLUE = (20, 45, 170, 255)
SEAL_RED = (215, 25, 32, 255)
DPI = 300
SEAL_DIAMETER_MM = 40.0


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:  # a machine without Liberation fonts still gets an image (without diacritics)
        return ImageFont.load_default(size)


def _png(image: Image.Image, dpi: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def _signature_text(full_name: str) -> str:
    """What a Vietnamese official typically writes: the given name, with the surname initial in front."""
    parts = full_name.split()
    if len(parts) < 2:
        return full_name
    return f"{parts[0][0]}.{parts[-1]}"


def signature_png(full_name: str, *, width: int = 600, height: int = 240, dpi: int = DPI) -> bytes:
    """A blue, slanted, handwritten-looking signature on a transparent background."""
    text = unicodedata.normalize("NFC", _signature_text(full_name))
    canvas = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    font = _font(SCRIPT_FONT, int(height * 0.42))
    left, top, right, _bottom = draw.textbbox((0, 0), text, font=font)
    x = (width - (right - left)) // 2 - left
    y = int(height * 0.18) - top
    draw.text((x, y), text, font=font, fill=INK_BLUE)
    # A flourish: a sweeping stroke under the name, starting low on the left and ending in an upward hook.
    points = []
    for step in range(61):
        t = step / 60
        px = width * (0.08 + 0.84 * t)
        py = height * (0.78 - 0.18 * t + 0.10 * math.sin(t * math.pi * 2.2))
        points.append((px, py))
    draw.line(points, fill=INK_BLUE, width=max(3, height // 45), joint="curve")
    # Slant the whole signature like fast handwriting.
    slanted = canvas.transform(canvas.size, Image.Transform.AFFINE, (1, 0.28, -height * 0.14, 0, 1, 0),
                               resample=Image.Resampling.BICUBIC)
    return _png(slanted, dpi)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


def _text_on_arc(canvas: Image.Image, text: str, *, radius: float, font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
                 span_degrees: float) -> None:
    """Write ``text`` clockwise along a circle centred on the canvas, centred on the top."""
    centre = canvas.width / 2
    probe = ImageDraw.Draw(canvas)
    widths = [probe.textlength(ch, font=font) for ch in text]
    total = sum(widths)
    span = math.radians(span_degrees)
    scale = min(1.5, (radius * span) / total) if total else 1.0  # spread short names a little
    angle = -math.pi / 2 - (total * scale / radius) / 2  # start left of the top, go clockwise
    size = int(font.size * 1.6) if isinstance(font, ImageFont.FreeTypeFont) else 40
    for ch, w in zip(text, widths, strict=True):
        advance = w * scale / radius
        mid = angle + advance / 2
        glyph = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size / 2, size / 2), ch, font=font, fill=SEAL_RED, anchor="mm")
        rotated = glyph.rotate(-math.degrees(mid + math.pi / 2), resample=Image.Resampling.BICUBIC)
        gx = centre + radius * math.cos(mid) - size / 2
        gy = centre + radius * math.sin(mid) - size / 2
        canvas.alpha_composite(rotated, (round(gx), round(gy)))
        angle += advance


def seal_png(agency_name: str, *, diameter_mm: float = SEAL_DIAMETER_MM, dpi: int = DPI,
             place: str = "") -> bytes:
    """A red round seal at its real size (``diameter_mm`` at ``dpi``) on a transparent background: two concentric
    circles, the agency name around between them, a star in the middle."""
    side = round(diameter_mm / 25.4 * dpi)
    canvas = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    c = side / 2
    outer_w = max(4, side // 40)
    outer_r = c - outer_w / 2 - 1
    inner_r = c * 0.64
    draw.ellipse((c - outer_r, c - outer_r, c + outer_r, c + outer_r), outline=SEAL_RED, width=outer_w)
    draw.ellipse((c - inner_r, c - inner_r, c + inner_r, c + inner_r), outline=SEAL_RED, width=max(2, side // 90))
    band = outer_r - inner_r
    name = unicodedata.normalize("NFC", agency_name.upper())
    _text_on_arc(canvas, name, radius=inner_r + band * 0.5, font=_font(SEAL_FONT, int(band * 0.48)),
                 span_degrees=300)
    _star(draw, c, c - inner_r * 0.12, inner_r * 0.38)
    if place:
        label = unicodedata.normalize("NFC", place.upper())
        draw.text((c, c + inner_r * 0.55), label, font=_font(SEAL_FONT, int(inner_r * 0.2)), fill=SEAL_RED,
                  anchor="mm")
    return _png(canvas, dpi)
