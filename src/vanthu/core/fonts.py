"""Serif fonts with Vietnamese glyphs for generated PDFs (docs/architecture.md, house rule 10).

Liberation Serif (metric-compatible with Times New Roman, the ND30 typeface) is preferred. Debian's
``fonts-liberation`` 1.07 however has no precomposed Vietnamese letters (ở, ệ, ữ…), so every candidate is checked
for coverage before use: Liberation Serif 2.x (``fonts-liberation2``), then Liberation Serif 1.x if it happens to
cover Vietnamese, then DejaVu Serif (``fonts-dejavu-core``). A font that would silently drop diacritics is never
embedded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

from vanthu.core.errors import ApplicationError

# Names the rest of the code uses, whichever family is behind them.
SERIF = "VanthuSerif"
SERIF_BOLD = "VanthuSerif-Bold"
SERIF_ITALIC = "VanthuSerif-Italic"

VIETNAMESE_SAMPLE = "ẠảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐđƠơƯư"
TRUETYPE = Path("/usr/share/fonts/truetype")


@dataclass(frozen=True)
class FontFamily:
    name: str
    package: str
    regular: Path
    bold: Path
    italic: Path

    def files(self) -> tuple[Path, Path, Path]:
        return (self.regular, self.bold, self.italic)


CANDIDATES: tuple[FontFamily, ...] = (
    FontFamily("LiberationSerif", "fonts-liberation2", TRUETYPE / "liberation2/LiberationSerif-Regular.ttf",
               TRUETYPE / "liberation2/LiberationSerif-Bold.ttf", TRUETYPE / "liberation2/LiberationSerif-Italic.ttf"),
    FontFamily("LiberationSerif", "fonts-liberation", TRUETYPE / "liberation/LiberationSerif-Regular.ttf",
               TRUETYPE / "liberation/LiberationSerif-Bold.ttf", TRUETYPE / "liberation/LiberationSerif-Italic.ttf"),
    FontFamily("DejaVuSerif", "fonts-dejavu-core", TRUETYPE / "dejavu/DejaVuSerif.ttf",
               TRUETYPE / "dejavu/DejaVuSerif-Bold.ttf", TRUETYPE / "dejavu/DejaVuSerif-Italic.ttf"),
)

_chosen: FontFamily | None = None


def _covers_vietnamese(path: Path) -> bool:
    glyphs = TTFontFile(str(path)).charToGlyph
    return all(ord(ch) in glyphs for ch in VIETNAMESE_SAMPLE)


def serif_font_choose(candidates: Sequence[FontFamily] = CANDIDATES) -> FontFamily:
    """The first installed family whose every style covers Vietnamese; a clear error naming the packages if none."""
    for family in candidates:
        if all(p.is_file() for p in family.files()) and all(_covers_vietnamese(p) for p in family.files()):
            return family
    packages = " ".join(dict.fromkeys(f.package for f in candidates))
    raise ApplicationError(
        "font_missing",
        _("Không tìm thấy phông chữ có đủ dấu tiếng Việt (Liberation Serif 2 hoặc DejaVu Serif). "
          "Hãy cài gói: apt-get install %(packages)s") % {"packages": packages},
        {"packages": packages, "searched": [str(f.regular) for f in candidates]},
    )


def serif_fonts_register() -> FontFamily:
    """Register the chosen serif family with reportlab once per process and return it."""
    global _chosen
    if _chosen is None or SERIF not in pdfmetrics.getRegisteredFontNames():
        family = serif_font_choose()
        for alias, path in zip((SERIF, SERIF_BOLD, SERIF_ITALIC), family.files(), strict=True):
            pdfmetrics.registerFont(TTFont(alias, str(path)))
        pdfmetrics.registerFontFamily(SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF_ITALIC,
                                      boldItalic=SERIF_BOLD)
        _chosen = family
    return _chosen
