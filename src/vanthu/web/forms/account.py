"""Login, second factor and TOTP set-up forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Mật khẩu"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Mã xác thực (6 chữ số)"), regex=r"^\d{6}$",
        error_messages={"invalid": _("Mã xác thực gồm 6 chữ số.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
