"""Where the number, the date and the signature go in an uploaded or converted draft (ND30 Phụ lục I layout).

A built-in template knows its boxes because it drew them; a PDF uploaded by the drafter (or converted from
DOCX/ODT) does not, so its boxes are found from the printed text with poppler's ``pdftotext -bbox-layout``:

- number: right after "Số:" in the left column near the top of page 1, wide enough for "05/QĐ-UBND"; a
  pre-printed "/QĐ-UBND" after a blank number is inside the box (the filled field holds the whole số/ký hiệu);
- date: the "…, ngày … tháng … năm …" line in the right column of page 1, from "ngày" to the end of the line (the
  place name printed before it stays, as in the templates). The blank date text printed in the draft is covered
  by the field's opaque appearance when the clerk fills it;
- personal signature: between the signer's title line and the line holding exactly the signer's full name, in
  the right half of the last page that has it (a draft may end with an appendix after the signature);
- seal: 36 mm, centred on the left third of the signature box, as in the templates.

Anything not found gets the ND30 default position (page 1 header for the number and date, the signer block at
the bottom right of the last page), ``"located": False`` on that box, and ``"located": False`` at the top level
so the UI can ask the drafter to check the positions. The result has the template's keys:
``{name: {"page": i, "box": [x1, y1, x2, y2], "located": bool}, "located": bool}``, PDF points from the
bottom-left corner of the page (pages with a /Rotate or an offset CropBox are not corrected for).
"""

from __future__ import annotations

import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from typing import Any

from lxml import etree

from vanthu.documents.outgoing.template import DATE_FIELD, NUMBER_FIELD, PERSONAL_SIG_FIELD, SEAL_BOX

MM = 72 / 25.4
A4 = (595.28, 841.89)
NUMBER_MIN_W = 50 * MM
DATE_MIN_W = 62 * MM
SIG_W = 50 * MM
SIG_DEFAULT_H = 26 * MM
SIG_MIN_H = 14 * MM
SEAL_D = 36 * MM
FIELD_H = 16.0
HEADER_ZONE = 0.4  # number and date are looked for in the top 40 % of page 1
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Word:
    text: str  # NFC, case-folded
    x1: float
    top: float  # distance from the top of the page (pdftotext's y axis)
    x2: float
    bottom: float

    @property
    def centre_y(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    rows: list[list[Word]]  # words sharing a baseline, left to right; rows top to bottom


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _rows(words: list[Word]) -> list[list[Word]]:
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.centre_y, w.x1)):
        if rows:
            last = rows[-1]
            height = min(word.bottom - word.top, last[0].bottom - last[0].top)
            if abs(word.centre_y - last[0].centre_y) <= max(height * 0.35, 1.0):
                last.append(word)
                continue
        rows.append([word])
    return [sorted(row, key=lambda w: w.x1) for row in rows]


def pdf_pages_words(pdf: bytes) -> list[Page]:
    """Every page's words with their boxes, grouped in rows, from ``pdftotext -bbox-layout``."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(pdf)
        tmp.flush()
        try:
            result = subprocess.run(["pdftotext", "-q", "-bbox-layout", "-enc", "UTF-8", tmp.name, "-"],
                                    capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return []
    if result.returncode != 0 or not result.stdout:
        return []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)
    try:
        root = etree.fromstring(result.stdout, parser=parser)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    pages = []
    for page in root.iter(f"{_XHTML}page", "page"):
        words = [
            Word(_norm(w.text or ""), float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")),
                 float(w.get("yMax")))
            for w in page.iter(f"{_XHTML}word", "word") if (w.text or "").strip()
        ]
        pages.append(Page(float(page.get("width") or A4[0]), float(page.get("height") or A4[1]), _rows(words)))
    return pages


def _box(x1: float, y1: float, x2: float, y2: float) -> list[float]:
    return [round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2)]


def _entry(page: int, box: list[float], located: bool) -> dict[str, Any]:
    return {"page": page, "box": box, "located": located}


def _line_box(page: Page, x1: float, x2: float, row: list[Word]) -> list[float]:
    """A field box over ``row`` from x1 to x2, placed on the row's baseline like the templates' fields (4 pt below
    it, FIELD_H high), so an opaque filled field does not cover the line above (e.g. the agency name's rule)."""
    top = min(w.top for w in row)
    bottom = max(w.bottom for w in row)
    baseline = bottom - 0.23 * (bottom - top)  # pdftotext boxes span the font bbox (~1.0 em up, ~0.3 down)
    y1 = page.height - baseline - 4
    return _box(x1, y1, x2, y1 + FIELD_H)


def _locate_number(page: Page) -> list[float] | None:
    half = page.width / 2
    for row in page.rows:
        if row[0].top > page.height * HEADER_ZONE:
            break
        left = [w for w in row if (w.x1 + w.x2) / 2 < half]
        for index, word in enumerate(left):
            if word.text.startswith("số:"):
                # "Số:" alone, or glued to what follows ("Số:05/QĐ"): the box starts after the colon.
                start = word.x2 if word.text == "số:" else word.x1 + (word.x2 - word.x1) * 3 / len(word.text)
            elif word.text == "số" and index + 1 < len(left) and left[index + 1].text.startswith(":"):
                start = left[index + 1].x1 + (left[index + 1].x2 - left[index + 1].x1) / len(left[index + 1].text)
            else:
                continue
            right = [w for w in row if (w.x1 + w.x2) / 2 >= half]
            limit = min([w.x1 for w in right] + [half + 20]) - 4
            end = min(max(start + NUMBER_MIN_W, left[-1].x2 + 2), max(limit, left[-1].x2 + 2))
            return _line_box(page, start + 2, end, row)
    return None


def _locate_date(page: Page, place: str) -> list[float] | None:
    half = page.width / 2
    candidates: list[tuple[int, list[float]]] = []
    for row in page.rows:
        if row[0].top > page.height * HEADER_ZONE:
            break
        right = [w for w in row if (w.x1 + w.x2) / 2 >= half * 0.9]
        texts = [w.text for w in right]
        starts = [i for i, text in enumerate(texts) if text.startswith("ngày")]
        if not starts or not any(t.startswith("tháng") for t in texts[starts[0]:]):
            continue
        first = right[starts[0]]
        start = first.x1
        end = min(max(start + DATE_MIN_W, right[-1].x2 + 2), max(page.width - 10 * MM, right[-1].x2 + 2))
        score = 1 if place and place in " ".join(texts[:starts[0]]) else 0
        candidates.append((score, _line_box(page, start - 1, end, right)))
    if not candidates:
        return None
    return max(candidates, key=lambda c: c[0])[1]


def _row_text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _locate_signature(pages: list[Page], name: str) -> tuple[int, list[float], bool] | None:
    """(page, box, sure): sure is False when the name was found but not the title line above it on its page
    (the signer block split over two pages, say): the box then sits above the name, inside the page."""
    wanted = " ".join(_norm(name).split())
    if not wanted:
        return None
    for index in range(len(pages) - 1, -1, -1):
        page = pages[index]
        half = page.width / 2
        for row_index in range(len(page.rows) - 1, -1, -1):
            right = [w for w in page.rows[row_index] if (w.x1 + w.x2) / 2 >= half]
            if not right or _row_text(right).strip(" .,;") != wanted:
                continue
            name_top = min(w.top for w in right)
            centre = (right[0].x1 + right[-1].x2) / 2
            title_bottom = None
            for above in reversed(page.rows[:row_index]):
                words = [w for w in above if (w.x1 + w.x2) / 2 >= half and w.x2 > centre - SIG_W and
                         w.x1 < centre + SIG_W]
                if words:
                    title_bottom = max(w.bottom for w in words)
                    break
            top = max(name_top - SIG_DEFAULT_H, 5 * MM) if title_bottom is None else title_bottom
            y1, y2 = page.height - name_top + 1, page.height - top - 1
            if y2 - y1 < SIG_MIN_H:  # hardly any room left between the lines: overlap them a little
                grow = (SIG_MIN_H - (y2 - y1)) / 2
                y1, y2 = y1 - grow, min(y2 + grow, page.height)
            x1 = min(max(centre - SIG_W / 2, half), page.width - SIG_W - 5 * MM)
            return index, _box(x1, y1, x1 + SIG_W, y2), title_bottom is not None
    return None


def _seal_for(signature: list[float]) -> list[float]:
    x1, y1, x2, y2 = signature
    cx, cy = x1 + (x2 - x1) / 6, (y1 + y2) / 2
    return _box(cx - SEAL_D / 2, cy - SEAL_D / 2, cx + SEAL_D / 2, cy + SEAL_D / 2)


def default_boxes(*, page_count: int, width: float = A4[0], height: float = A4[1]) -> dict[str, dict[str, Any]]:
    """ND30 positions when nothing is found: number under the agency name top left of page 1, the date under
    the Tiêu ngữ top right, the signer block at the bottom right of the last page (A4 margins 30/15/20/20 mm)."""
    left, right, bottom = 30 * MM, 15 * MM, 20 * MM
    row_y = height - 20 * MM - 53  # the templates' "Số:" row with a two-line agency name
    left_cx, right_cx = left + 33 * MM, width - right - 47 * MM
    number_x = left_cx - 30 * MM + 22
    date_x = right_cx - 25 * MM
    sig_x = right_cx - SIG_W / 2
    sig_y = bottom + 20 * MM
    signature = _box(sig_x, sig_y, sig_x + SIG_W, sig_y + SIG_DEFAULT_H)
    last = max(page_count - 1, 0)
    return {
        NUMBER_FIELD: _entry(0, _box(number_x, row_y - 4, number_x + NUMBER_MIN_W, row_y - 4 + FIELD_H), False),
        DATE_FIELD: _entry(0, _box(date_x, row_y - 4, min(date_x + DATE_MIN_W, width - 5 * MM),
                                   row_y - 4 + FIELD_H), False),
        PERSONAL_SIG_FIELD: _entry(last, signature, False),
        SEAL_BOX: _entry(last, _seal_for(signature), False),
    }


def locate_fields(pdf: bytes, *, signer_name: str, place_name: str = "") -> dict[str, Any]:
    """The number, date, personal-signature and seal boxes of a draft PDF (see the module docstring)."""
    pages = pdf_pages_words(pdf)
    first = pages[0] if pages else None
    last = pages[-1] if pages else None
    result: dict[str, Any] = dict(default_boxes(
        page_count=len(pages) or 1, width=first.width if first else A4[0], height=first.height if first else A4[1],
    ))
    if first is not None:
        number = _locate_number(first)
        if number is not None:
            result[NUMBER_FIELD] = _entry(0, number, True)
        date = _locate_date(first, _norm(place_name).strip())
        if date is not None:
            result[DATE_FIELD] = _entry(0, date, True)
    if first is not None and last is not None and (last.width, last.height) != (first.width, first.height):
        defaults = default_boxes(page_count=len(pages), width=last.width, height=last.height)
        result[PERSONAL_SIG_FIELD], result[SEAL_BOX] = defaults[PERSONAL_SIG_FIELD], defaults[SEAL_BOX]
    signature = _locate_signature(pages, signer_name)
    if signature is not None:
        page, box, sure = signature
        result[PERSONAL_SIG_FIELD] = _entry(page, box, sure)
        result[SEAL_BOX] = _entry(page, _seal_for(box), sure)
    result["located"] = all(result[key]["located"] for key in (NUMBER_FIELD, DATE_FIELD, PERSONAL_SIG_FIELD))
    return result
