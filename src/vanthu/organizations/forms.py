"""Forms of the agency-administration screens. They only parse input; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode
from vanthu.organizations.models import Position, Unit, User

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class BootstrapForm(forms.Form):
    """Adds the Bootstrap 5 classes so templates can render fields in a loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


def role_choices(actor: Actor) -> list[tuple[str, str]]:
    """Only a system administrator may grant SYSADMIN."""
    return [(code, str(label)) for code, label in RoleCode.choices if code != RoleCode.SYSADMIN or actor.is_sysadmin]


class UnitForm(BootstrapForm):
    name = forms.CharField(label=_("Tên đơn vị"), max_length=200)
    abbreviation = forms.CharField(label=_("Viết tắt"), max_length=20,
                                   help_text=_("Dùng trong ký hiệu văn bản, ví dụ VP, KHTC"))


class PositionForm(BootstrapForm):
    name = forms.CharField(label=_("Tên chức vụ"), max_length=100)
    is_head = forms.BooleanField(label=_("Thủ trưởng"), required=False)
    is_deputy = forms.BooleanField(label=_("Cấp phó"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_head") and data.get("is_deputy"):
            raise forms.ValidationError(_("Một chức vụ không thể vừa là thủ trưởng vừa là cấp phó."))
        return data


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False, widget=forms.PasswordInput)

    def _check_passwords(self, user: User | None) -> None:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        elif first:
            try:
                validate_password(first, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)


class MemberCreateForm(PasswordPairMixin, BootstrapForm):
    username = forms.RegexField(label=_("Tên đăng nhập"), max_length=150, regex=r"^[A-Za-z0-9_.@+-]+$",
                                error_messages={"invalid": _("Chỉ dùng chữ không dấu, số và các ký tự . _ @ + -")})
    full_name = forms.CharField(label=_("Họ và tên"), max_length=100)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(), required=False)
    position = forms.ModelChoiceField(label=_("Chức vụ"), queryset=Position.objects.none(), required=False)
    roles = forms.MultipleChoiceField(label=_("Vai trò"), widget=forms.CheckboxSelectMultiple, required=False)
    can_handle_secret = forms.BooleanField(label=_("Được xử lý văn bản mật"), required=False)

    field_order = ["username", "full_name", "email", "unit", "position", "roles", "can_handle_secret",
                   "password1", "password2"]

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        agency_id = actor.agency_id or 0
        fields["unit"].queryset = Unit.objects.filter(agency_id=agency_id, is_active=True)
        fields["position"].queryset = Position.objects.filter(agency_id=agency_id)
        fields["roles"].choices = role_choices(actor)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        probe = User(username=data.get("username", ""), full_name=data.get("full_name", ""),
                     email=data.get("email", ""))
        self._check_passwords(probe)
        return data


class MemberRolesForm(BootstrapForm):
    roles = forms.MultipleChoiceField(label=_("Vai trò"), widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["roles"]
        field.choices = role_choices(actor)


class PasswordResetForm(PasswordPairMixin, BootstrapForm):
    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_passwords(self.user)
        return data


class CalendarDayForm(BootstrapForm):
    date = forms.DateField(label=_("Ngày"), input_formats=DATE_INPUT_FORMATS,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    name = forms.CharField(label=_("Tên, lý do"), max_length=200)


class SeedYearForm(BootstrapForm):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)


def year_from(raw: str | None, default: int) -> int:
    """The year shown by the calendar screen; anything unparsable falls back to the current year."""
    try:
        year = int(raw or default)
    except ValueError:
        return default
    return year if dt.MINYEAR < year < dt.MAXYEAR else default
