"""Form fields shared by the web forms: dd/mm/yyyy dates and multiple file uploads."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from vanthu.documents.files import upload_read
from vanthu.documents.inputs import UploadedContent

# Vietnamese users type dd/mm/yyyy; ISO is accepted too because phone date pickers send it.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


class VnDateField(forms.DateField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format="%d/%m/%Y",
                attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                       "pattern": r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"},
            ),
        )
        kwargs.setdefault("error_messages", {"invalid": _("Ngày phải có dạng dd/mm/yyyy.")})
        super().__init__(**kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when nothing was chosen)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def upload_content(upload: UploadedFile[Any]) -> UploadedContent:
    name = upload.name or "tep"
    return UploadedContent(filename=name, content=upload_read(filename=name, size=upload.size, read=upload.read))
