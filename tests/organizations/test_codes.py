"""QCVN 102 agency codes: the examples of docs/standards/agency-codes.md, table-driven."""

from __future__ import annotations

import pytest

from vanthu.organizations.codes import (
    code_has_gap,
    code_level,
    code_parent,
    is_acceptable_code,
    is_strict_code,
    normalize_code,
)

# code, strict, lenient-acceptable
STANDARD_EXAMPLES = [
    ("000.00.00.G22", True, True),
    ("000.00.00.H49", True, True),
    ("000.00.11.H53", True, True),
    ("002.00.20.H13", True, True),
    ("99.99.99.G21", False, True),
    ("999.010.01.H22", False, True),
    ("H37.DN.001", False, True),
    ("000.00.00.g22", True, True),
    ("ABC", False, False),
    ("000.00.00.H4", False, True),
    ("000-00-00-H49", False, False),
    ("1." + "2" * 49, False, False),
]


@pytest.mark.parametrize(("code", "strict", "acceptable"), STANDARD_EXAMPLES)
def test_strict_and_lenient_forms_follow_the_standard_examples(code: str, strict: bool, acceptable: bool) -> None:
    assert is_strict_code(code) is strict
    assert is_acceptable_code(code) is acceptable


def test_lower_case_code_is_emitted_upper_case_and_trimmed() -> None:
    assert normalize_code("  000.00.00.g22 ") == "000.00.00.G22"


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("000.00.00.G22", 1, None),
        ("000.00.00.H49", 1, None),
        ("000.00.11.H53", 2, "000.00.00.H53"),
        ("000.12.11.H53", 3, "000.00.11.H53"),
        ("002.00.20.H13", 4, "000.00.20.H13"),
        ("001.02.03.K54", 4, "000.02.03.K54"),
    ],
)
def test_level_is_the_deepest_non_zero_group_and_parent_zeroes_it(code: str, level: int, parent: str | None) -> None:
    assert code_level(code) == level
    assert code_parent(code) == parent


@pytest.mark.parametrize("code", ["99.99.99.G21", "H37.DN.001"])
def test_level_and_parent_refuse_a_non_strict_code(code: str) -> None:
    with pytest.raises(ValueError, match="not a strict"):
        code_level(code)
    with pytest.raises(ValueError, match="not a strict"):
        code_parent(code)


@pytest.mark.parametrize(
    ("code", "gap"),
    [
        ("000.12.00.H53", True),
        ("002.00.20.H13", True),
        ("005.01.00.H49", True),
        ("000.00.11.H53", False),
        ("001.02.03.K54", False),
        ("000.00.00.G22", False),
        ("H37.DN.001", False),
    ],
)
def test_a_non_zero_group_under_a_zero_one_is_flagged_as_a_gap(code: str, gap: bool) -> None:
    assert bool(code_has_gap(code)) is gap
