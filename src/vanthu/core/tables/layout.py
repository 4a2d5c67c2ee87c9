"""Column widths and line breaks from the real width of the text (reportlab's ``stringWidth`` on the font that is
embedded), shared by the PDF writer (points) and the XLSX writer (column widths).

The rules a clerk expects of a printed book: a date, a number or a rate is one piece and never wraps; text wraps
between words only; a heading word is never split. So every column first gets the width of its widest
unbreakable piece (including each heading word); the width the page has left goes to the columns whose content
(then heading) still wants more, in proportion to what they lack times their weight — the long text columns get
most. Only when the narrowest layout does not fit at the smallest font size is a very long word (a 64-digit hash)
broken, and then preferably after "/", "-", "." or "_".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

from vanthu.core.tables.model import Kind, RowStyle, TitledTable

BREAK_AFTER = "/-._"
EPSILON = 0.01  # points: widths are sums of floats


class Measure:
    """Widths of text in one font and size, with the widths of words kept (a book repeats its words a lot)."""

    def __init__(self, font: str, size: float) -> None:
        self.font = font
        self.size = size
        self._widths: dict[str, float] = {}
        self.space = stringWidth(" ", font, size)

    def width(self, text: str) -> float:
        known = self._widths.get(text)
        if known is None:
            known = self._widths[text] = stringWidth(text, self.font, self.size)
        return known

    def text_width(self, text: str) -> float:
        """The width of ``text`` on one line (words and single spaces: the font has no kerning)."""
        words = text.split()
        if not words:
            return 0.0
        return sum(self.width(w) for w in words) + self.space * (len(words) - 1)

    def widest_word(self, text: str) -> float:
        return max((self.width(w) for w in text.split()), default=0.0)


def _split_word(word: str, width: float, measure: Measure) -> list[str]:
    """A word wider than ``width`` in pieces that fit, cut after a "/", "-", "." or "_" when one is close enough."""
    pieces: list[str] = []
    rest = word
    while rest and measure.width(rest) > width + EPSILON:
        cut = 1
        while cut < len(rest) and measure.width(rest[: cut + 1]) <= width:
            cut += 1
        soft = max(rest.rfind(ch, 0, cut) for ch in BREAK_AFTER) + 1
        if soft > cut // 2:
            cut = soft
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        pieces.append(rest)
    return pieces


def wrap(text: str, width: float, measure: Measure) -> list[tuple[str, float]]:
    """``text`` broken at spaces into lines no wider than ``width`` (a newline always breaks): (line, its width)."""
    lines: list[tuple[str, float]] = []
    space = measure.space
    for paragraph in text.split("\n"):
        words = paragraph.split()
        if not words:
            lines.append(("", 0.0))
            continue
        current: list[str] = []
        current_width = 0.0
        for word in words:
            word_width = measure.width(word)
            if word_width > width + EPSILON:
                pieces = _split_word(word, width, measure)
                if current:
                    lines.append((" ".join(current), current_width))
                lines.extend((p, measure.width(p)) for p in pieces[:-1])
                current, current_width = [pieces[-1]], measure.width(pieces[-1])
                continue
            if current and current_width + space + word_width > width + EPSILON:
                lines.append((" ".join(current), current_width))
                current, current_width = [word], word_width
            else:
                current_width += (space if current else 0.0) + word_width
                current.append(word)
        lines.append((" ".join(current), current_width))
    return lines


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str


@dataclass(frozen=True)
class Layout:
    size: float
    widths: tuple[float, ...]  # points, padding included
    body: Measure
    bold: Measure


@dataclass(frozen=True)
class _Needs:
    """Per column, padding included: the least width (its widest unbreakable piece), what its longest content wants
    on one line, the average width of its content over the rows (what it needs on the page, on average) and what
    its heading wants on one line."""

    least: list[float]
    content: list[float]
    typical: list[float]
    heading: list[float]


def _needs(table: TitledTable, body: Measure, bold: Measure, head: Measure, padding: float) -> _Needs:
    count = len(table.columns)
    needs = _Needs([0.0] * count, [0.0] * count, [0.0] * count, [0.0] * count)
    rows = [(r, bold if r.style == RowStyle.EMPHASIS else body) for r in table.rows if r.style != RowStyle.SECTION]
    rows += [(r, bold) for r in table.totals if r.style != RowStyle.SECTION]
    for index, column in enumerate(table.columns):
        low = head.widest_word(column.heading)
        if column.min_chars:
            low = max(low, body.width("0") * column.min_chars)
        high = total = 0.0
        is_text = column.kind == Kind.TEXT
        for row, measure in rows:
            text = column.text(row.cells[index])
            if not text:
                continue
            if is_text:
                widths = [measure.text_width(line) for line in text.split("\n")]
                high = max(high, *widths)
                total += sum(widths)
                low = max(low, measure.widest_word(text))
            else:
                whole = measure.width(text)  # one piece, and the same figures recur: measured once each
                low = max(low, whole)
                high = max(high, whole)
                total += whole
        needs.least[index] = low + 2 * padding
        needs.content[index] = max(high, low) + 2 * padding
        needs.typical[index] = total / max(len(rows), 1)
        needs.heading[index] = max(head.text_width(column.heading), low) + 2 * padding
    return needs


def _grow(widths: list[float], wanted: Sequence[float], shares: Sequence[float], spare: float) -> float:
    """Give ``spare`` to the columns narrower than they want, in proportion to their shares; a column that has
    what it wants stops growing and the others share the rest. Returns what is left."""
    gains = [0.0] * len(widths)
    lack = [max(w - have, 0.0) for w, have in zip(wanted, widths, strict=True)]
    active = {i for i, missing in enumerate(lack) if missing > 0 and shares[i] > 0}
    while spare > 0.01 and active:
        total = sum(shares[i] for i in active)
        steps = {i: spare * shares[i] / total for i in active}
        full = [i for i in active if gains[i] + steps[i] >= lack[i]]
        if not full:
            for i, step in steps.items():
                gains[i] += step
            spare = 0.0
            break
        for i in full:
            spare -= lack[i] - gains[i]
            gains[i] = lack[i]
            active.discard(i)
    for i, gain in enumerate(gains):
        widths[i] += gain
    return spare


def _spread(needs: _Needs, weights: Sequence[float], available: float) -> list[float]:
    """Least widths, then the spare width: first to the columns whose content wraps, in proportion to how much
    text they hold on average times their weight (so the wrapped columns need about as many lines each and a row
    is no taller than it must be); then to the headings that still wrap; then, when every column has all it
    wants, in proportion to weight × width so the table fills the page. Rows come first: they are many, the
    headings are printed once a page."""
    widths = list(needs.least)
    spare = available - sum(widths)
    spare = _grow(widths, needs.content, [w * t for w, t in zip(weights, needs.typical, strict=True)], spare)
    lack = [max(h - w, 0.0) * weight for h, w, weight in zip(needs.heading, widths, weights, strict=True)]
    spare = _grow(widths, needs.heading, lack, spare)
    if spare > 0.01:
        stretch = [w * weight for w, weight in zip(widths, weights, strict=True)]
        if not any(stretch):
            stretch = list(widths)
        total = sum(stretch)
        widths = [w + spare * s / total for w, s in zip(widths, stretch, strict=True)]
    return widths


def _squeeze(least: list[float], table: TitledTable, available: float) -> list[float]:
    """Least widths that fit ``available`` by narrowing the widest text columns (their long words will break);
    the other columns keep theirs, unless even they do not fit."""
    text_columns = [i for i, c in enumerate(table.columns) if c.kind == Kind.TEXT]
    fixed = sum(w for i, w in enumerate(least) if i not in text_columns)
    room = available - fixed
    if not text_columns or room <= 0:
        scale = available / sum(least)
        return [w * scale for w in least]
    # The cap level L such that sum(min(w, L)) over the text columns equals the room left.
    widths = sorted(least[i] for i in text_columns)
    level = room / len(widths)
    for taken, width in enumerate(widths):
        remaining = len(widths) - taken
        level = (room - sum(widths[:taken])) / remaining
        if width >= level:
            break
    return [min(w, level) if i in text_columns else w for i, w in enumerate(least)]


def table_layout(table: TitledTable, *, fonts: Fonts, available: float, sizes: Sequence[float],
                 padding: float) -> Layout:
    """Column widths filling ``available`` points at the largest of ``sizes`` whose least widths fit."""
    needs = _Needs([], [], [], [])
    for size in sizes:
        body, bold = Measure(fonts.regular, size), Measure(fonts.bold, size)
        needs = _needs(table, body, bold, bold, padding)
        if sum(needs.least) <= available:
            break
    else:
        needs = _Needs(_squeeze(needs.least, table, available), needs.content, needs.typical, needs.heading)
    weights = [c.weight for c in table.columns]
    return Layout(size, tuple(_spread(needs, weights, available)), body, bold)
