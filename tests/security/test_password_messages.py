"""The password rules speak Vietnamese (Django's own Vietnamese catalogue misses the too-short message)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError

from tests.builders import AgencyKit

pytestmark = pytest.mark.django_db


def _messages(password: str, kit: AgencyKit) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        validate_password(password, kit.clerk.user)
    return list(refused.value.messages)


def test_a_short_password_is_refused_in_vietnamese(kit: AgencyKit) -> None:
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in _messages("Ab-12", kit)


def test_a_numeric_password_is_refused_in_vietnamese(kit: AgencyKit) -> None:
    assert "Mật khẩu không được chỉ gồm chữ số." in _messages("20261107123459", kit)


def test_a_common_password_is_refused_in_vietnamese(kit: AgencyKit) -> None:
    assert _messages("qwertyuiop", kit) == ["Mật khẩu này quá phổ biến, dễ bị đoán."]


def test_a_password_like_the_full_name_is_refused_in_vietnamese(kit: AgencyKit) -> None:
    full_name = kit.clerk.user.full_name  # "Người vanthu <n>": Django's defaults look at first/last name only
    assert _messages(full_name.replace(" ", "") + "!", kit) == ["Mật khẩu quá giống họ và tên của tài khoản."]


def test_the_rules_are_explained_in_vietnamese() -> None:
    assert password_validators_help_texts() == [
        "Mật khẩu không được giống tên đăng nhập, họ tên hay thư điện tử.",
        "Mật khẩu phải có ít nhất 10 ký tự.",
        "Mật khẩu không được là mật khẩu phổ biến.",
        "Mật khẩu không được chỉ gồm chữ số.",
    ]
