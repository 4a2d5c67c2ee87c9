"""Forms of the administration screens that live in web (register books). They only parse input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vanthu.documents.enums import RegisterKind
from vanthu.organizations.forms import BootstrapForm


class RegisterCreateForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Loại sổ"), choices=RegisterKind.choices)
    name = forms.CharField(label=_("Tên sổ"), max_length=200)


class RegisterRenameForm(BootstrapForm):
    name = forms.CharField(label=_("Tên sổ"), max_length=200)
