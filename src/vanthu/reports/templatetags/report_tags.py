"""Vietnamese number formatting in templates: ``{{ n|vn_int }}`` 40.770, ``{{ r|vn_percent }}`` 98,93 %."""

from __future__ import annotations

from decimal import Decimal

from django import template

from vanthu.core.formatting import vn_decimal, vn_int, vn_percent

register = template.Library()


@register.filter(name="vn_int")
def vn_int_filter(value: int | None) -> str:
    return vn_int(value)


@register.filter(name="vn_percent")
def vn_percent_filter(value: Decimal | None) -> str:
    return vn_percent(value)


@register.filter(name="vn_days")
def vn_days_filter(value: Decimal | None) -> str:
    return vn_decimal(value, 1)
