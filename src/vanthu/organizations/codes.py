"""QCVN 102 agency identifier codes (mã định danh): ``V1V2V3.Z1Z2.Y1Y2.MX1X2``."""

from __future__ import annotations

import re

STRICT = re.compile(r"^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z]\d{2})$")
LENIENT = re.compile(r"^[0-9A-Za-z]{1,10}(?:\.[0-9A-Za-z]{1,10}){1,5}$")


def normalize_code(code: str) -> str:
    return code.strip().upper()


def is_strict_code(code: str) -> bool:
    return bool(STRICT.match(normalize_code(code)))


def is_acceptable_code(code: str) -> bool:
    """Codes received from partners: the lenient form, at most 50 characters."""
    code = code.strip()
    return len(code) <= 50 and bool(LENIENT.match(code))


def code_level(code: str) -> int:
    """1 for ``000.00.00.H49``, 2 for ``000.00.11.H53``, 3 and 4 below; the deepest non-zero group."""
    match = STRICT.match(normalize_code(code))
    if not match:
        raise ValueError(f"not a strict QCVN 102 code: {code!r}")
    v, z, y, _ = match.groups()
    if int(v):
        return 4
    if int(z):
        return 3
    if int(y):
        return 2
    return 1


def code_parent(code: str) -> str | None:
    """The code with its deepest non-zero group zeroed; ``None`` for a level-1 body."""
    match = STRICT.match(normalize_code(code))
    if not match:
        raise ValueError(f"not a strict QCVN 102 code: {code!r}")
    v, z, y, m = match.groups()
    if int(v):
        return f"000.{z}.{y}.{m}"
    if int(z):
        return f"000.00.{y}.{m}"
    if int(y):
        return f"000.00.00.{m}"
    return None


def code_has_gap(code: str) -> bool:
    """A non-zero group under a zero one (``000.12.00.H53``): never seen, so warned about but accepted."""
    match = STRICT.match(normalize_code(code))
    if not match:
        return False
    v, z, y, _ = match.groups()
    return (int(v) and (not int(z) or not int(y))) or (int(z) and not int(y))  # type: ignore[return-value]
