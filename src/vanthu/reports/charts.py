"""Charts drawn on the server as inline SVG (no charting library to vendor; readable without JavaScript, printable,
and the numbers stay in the page's text for screen readers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from vanthu.core.formatting import vn_int, vn_percent
from vanthu.core.periods import Month
from vanthu.reports.figures import Figures


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    x: float
    y: float
    width: float
    height: float
    css: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    bars: list[Bar]
    line: list[Point]
    polyline: str
    top_label: str


def trend_chart(months: Sequence[tuple[Month, Figures]], *, width: int = 640, height: int = 220) -> TrendChart:
    """Documents sent electronically per month (bars) and the personal signature rate (line, 0–100 %)."""
    left, bottom, top = 8, 28, 16
    inner_h = height - bottom - top
    most = max([f.sent for _m, f in months] + [1])
    step = (width - 2 * left) / max(len(months), 1)
    bars, points = [], []
    for index, ((year, month), figures) in enumerate(months):
        bar_h = inner_h * figures.sent / most
        x = left + index * step + step * 0.15
        bars.append(Bar(label=f"{month:02d}/{str(year)[2:]}", value_text=vn_int(figures.sent), x=x,
                        y=top + inner_h - bar_h, width=step * 0.7, height=bar_h, css="vt-bar"))
        rate = figures.personal_signature_rate
        if rate is not None:
            points.append(Point(x=x + step * 0.35, y=top + inner_h * (1 - float(rate) / 100),
                                text=vn_percent(rate)))
    return TrendChart(width=width, height=height, bars=bars, line=points,
                      polyline=" ".join(f"{p.x:.1f},{p.y:.1f}" for p in points), top_label=vn_int(most))


@dataclass(frozen=True)
class RateBar:
    label: str
    rate_text: str
    percent: float  # 0–100, for the bar's width
    css: str


def rate_bars(rows: Sequence[tuple[str, Decimal | None]], *, threshold: Decimal) -> list[RateBar]:
    """Horizontal bars of a rate per agency or level: green at 100 %, amber above the threshold, red under it."""
    bars = []
    for label, rate in rows:
        if rate is None:
            bars.append(RateBar(label=label, rate_text=vn_percent(None), percent=0, css="vt-rate-none"))
            continue
        css = "vt-rate-full" if rate == 100 else ("vt-rate-ok" if rate >= threshold else "vt-rate-low")
        bars.append(RateBar(label=label, rate_text=vn_percent(rate), percent=float(rate), css=css))
    return bars
