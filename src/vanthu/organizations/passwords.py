"""Django's password validators with their messages written in Vietnamese (ADR 0002).

Django's own Vietnamese catalogue lags its English: the too-short message of Django 5.2 has no Vietnamese entry at
all and reached officials in English. Each class keeps Django's check and error code and only says it in our words.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation as django_validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Our user model has one ``full_name`` instead of first and last names.
USER_ATTRIBUTES = ("username", "full_name", "email")


class MinimumLengthValidator(django_validators.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return _("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("Mật khẩu phải có ít nhất %(min_length)d ký tự.") % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(django_validators.UserAttributeSimilarityValidator):
    def __init__(self, user_attributes: tuple[str, ...] = USER_ATTRIBUTES, max_similarity: float = 0.7) -> None:
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def validate(self, password: str, user: Any = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError as exc:
            # The field's verbose name goes mid-sentence: "quá giống tên đăng nhập", not "quá giống Tên đăng nhập".
            params = {"verbose_name": str((exc.params or {}).get("verbose_name", "")).lower()}
            raise ValidationError(self.get_error_message(), code=exc.code, params=params) from exc

    def get_error_message(self) -> str:
        return _("Mật khẩu quá giống %(verbose_name)s của tài khoản.")

    def get_help_text(self) -> str:
        return _("Mật khẩu không được giống tên đăng nhập, họ tên hay thư điện tử.")


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return _("Mật khẩu này quá phổ biến, dễ bị đoán.")

    def get_help_text(self) -> str:
        return _("Mật khẩu không được là mật khẩu phổ biến.")


class NumericPasswordValidator(django_validators.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return _("Mật khẩu không được chỉ gồm chữ số.")

    def get_help_text(self) -> str:
        return _("Mật khẩu không được chỉ gồm chữ số.")
