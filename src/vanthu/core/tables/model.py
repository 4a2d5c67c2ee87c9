"""The titled table: what every export of the system is (register books, statistics reports, the signature
validation report), built once and handed to the XLSX writer, the PDF writer and the screen.

A table is data, not layout: title lines, typed columns, rows of typed values (a date is a ``date``, a count an
``int``, a rate a ``Decimal`` of percentage points), total rows and footnotes. Each writer decides how a kind looks
— a date is a real date cell with the dd/mm/yyyy format in XLSX and "12/08/2026" on paper, never split — so the
screen, the spreadsheet and the printed book cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

from vanthu.core.formatting import DASH, format_date, format_datetime, vn_decimal, vn_int, vn_percent

Cell = str | int | Decimal | dt.date | dt.datetime | None


class Kind(enum.StrEnum):
    """What a column holds. Every kind but TEXT is one token that never wraps."""

    TEXT = "text"
    INTEGER = "integer"  # a count: 40.770; "—" when missing
    DATE = "date"  # dd/mm/yyyy
    DATETIME = "datetime"  # dd/mm/yyyy HH:MM, Vietnam time
    PERCENT = "percent"  # percentage points with two decimals: 98,93 %; "—" when there is no denominator
    DAYS = "days"  # a duration in days with one decimal: 2,5


class Align(enum.StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


DEFAULT_ALIGN = {Kind.TEXT: Align.LEFT, Kind.DATE: Align.CENTER, Kind.DATETIME: Align.CENTER}
NUMERIC = frozenset({Kind.INTEGER, Kind.PERCENT, Kind.DAYS})


class RowStyle(enum.StrEnum):
    NORMAL = "normal"
    EMPHASIS = "emphasis"  # a subtotal inside the rows: bold
    SECTION = "section"  # a heading row: its first cell spans the table
    MUTED = "muted"  # still listed but no longer in force (a voided number): grey


class LineRole(enum.StrEnum):
    """Title lines above the table."""

    AGENCY = "agency"  # the issuing agency, bold
    TITLE = "title"  # the document's name, bold and larger
    SUBTITLE = "subtitle"  # the period, centred
    HEADLINE = "headline"  # a line that stands out (a verdict): bold, left-aligned
    TEXT = "text"  # a line of body text, left-aligned


class Tone(enum.StrEnum):
    NORMAL = "normal"
    GOOD = "good"
    BAD = "bad"
    WARNING = "warning"


@dataclass(frozen=True)
class Column:
    """A column: its heading, what it holds, how it aligns and how much of the spare width it takes.

    ``weight`` is a relative width hint: every column first gets what its longest unbreakable piece needs (a
    date, a number, a word); what the page has left goes to the columns with text to wrap, in proportion to their
    weight. ``digits`` pads an INTEGER with leading zeros (số đến "01") and drops the thousands separator: an
    ordinal number rather than a count. ``min_chars`` keeps room for that many digits whatever the content (the
    "Ký nhận" column is signed by hand).
    """

    heading: str
    kind: Kind = Kind.TEXT
    align: Align | None = None
    weight: float = 1.0
    digits: int = 0
    min_chars: int = 0

    @property
    def alignment(self) -> Align:
        if self.align is not None:
            return self.align
        return DEFAULT_ALIGN.get(self.kind, Align.RIGHT)

    def text(self, value: Cell) -> str:
        """The cell as people read it (screen and PDF)."""
        if value is None:
            return DASH if self.kind in NUMERIC else ""
        if isinstance(value, str):
            return value
        kind = self.kind
        if kind == Kind.INTEGER and isinstance(value, int):
            return f"{value:0{self.digits}d}" if self.digits else vn_int(value)
        if kind == Kind.PERCENT and isinstance(value, Decimal | int):
            return vn_percent(Decimal(value))
        if kind == Kind.DAYS and isinstance(value, Decimal | int):
            return vn_decimal(Decimal(value), 1)
        if kind == Kind.DATETIME and isinstance(value, dt.datetime):
            return format_datetime(value)
        if isinstance(value, dt.date):
            return format_date(value)
        return str(value)


@dataclass(frozen=True)
class Row:
    """One line of values, in column order. ``key`` identifies what the row stands for (a document's id: the
    screen links it); writers ignore it."""

    cells: tuple[Cell, ...]
    style: RowStyle = RowStyle.NORMAL
    key: int | None = None


@dataclass(frozen=True)
class TitleLine:
    text: str
    role: LineRole = LineRole.TEXT
    tone: Tone = Tone.NORMAL


@dataclass(frozen=True)
class Footnote:
    """A heading and its lines under the table ("Ghi chú", the agencies at 100 %…)."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class DisplayCell:
    text: str
    heading: str
    align: Align


@dataclass(frozen=True)
class DisplayRow:
    cells: tuple[DisplayCell, ...]
    style: RowStyle
    key: int | None


@dataclass(frozen=True)
class TitledTable:
    """``name`` is the document's name (PDF title, sheet name); ``author`` the agency it comes from."""

    name: str
    author: str
    title_lines: tuple[TitleLine, ...]
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    totals: tuple[Row, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    landscape: bool = True

    def __post_init__(self) -> None:
        width = len(self.columns)
        for row in (*self.rows, *self.totals):
            if row.style != RowStyle.SECTION and len(row.cells) != width:
                raise ValueError(f"a row of {len(row.cells)} cells in a table of {width} columns: {row.cells!r}")

    @property
    def subtitle(self) -> str:
        """The period line (what a screen shows under its own heading)."""
        return next((line.text for line in self.title_lines if line.role == LineRole.SUBTITLE), "")

    def texts(self, row: Row) -> tuple[str, ...]:
        if row.style == RowStyle.SECTION:
            return (str(row.cells[0]) if row.cells else "",)
        return tuple(column.text(value) for column, value in zip(self.columns, row.cells, strict=True))

    def display_rows(self) -> tuple[DisplayRow, ...]:
        """Rows, then totals (in bold), as text with their headings and alignment: what a template shows."""
        shown = [self._display(row, row.style) for row in self.rows]
        shown += [self._display(row, RowStyle.EMPHASIS if row.style == RowStyle.NORMAL else row.style)
                  for row in self.totals]
        return tuple(shown)

    def _display(self, row: Row, style: RowStyle) -> DisplayRow:
        cells = tuple(DisplayCell(text, column.heading, column.alignment)
                      for text, column in zip(self.texts(row), self.columns, strict=False))
        return DisplayRow(cells, style, row.key)


def standard_titles(*, agency: str, title: str, subtitle: str = "") -> tuple[TitleLine, ...]:
    """The heading every book and report prints: the agency and the title in capitals, then the period."""
    lines = [TitleLine(agency.upper(), LineRole.AGENCY), TitleLine(title.upper(), LineRole.TITLE)]
    if subtitle:
        lines.append(TitleLine(subtitle, LineRole.SUBTITLE))
    return tuple(lines)


