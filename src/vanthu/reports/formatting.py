"""Vietnamese number formatting for figures: 40.770 and 98,93 % (thousands with ".", decimals with ",")."""

from __future__ import annotations

from decimal import Decimal

DASH = "—"


def vn_int(value: int | None) -> str:
    if value is None:
        return DASH
    return f"{value:,}".replace(",", ".")


def vn_decimal(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return DASH
    text = f"{value:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(value: Decimal | None) -> str:
    """98,93 % — or "—" when there is no denominator (never 0 % or 100 % for an agency with no documents)."""
    return DASH if value is None else f"{vn_decimal(value)} %"
