"""Forms for incoming documents: the ND30 Phụ lục VI fields, the list filters, adding files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vanthu.core.files import upload_content
from vanthu.documents.enums import Confidentiality, FileRole, IncomingState, Priority
from vanthu.documents.inputs import IncomingInput, incoming_input_from
from vanthu.documents.models import DocumentType, IncomingDocument, Register
from vanthu.documents.selectors import IncomingFilters
from vanthu.web.forms.fields import MultipleFileField, VnDateField

BOXES = [
    ("", _("Tất cả")),
    ("to_register", _("Chờ vào sổ")),
    ("to_handle", _("Chờ xử lý")),
    ("overdue", _("Quá hạn")),
    ("due_soon", _("Sắp đến hạn")),
]


class IncomingForm(forms.Form):
    """The metadata of an incoming document (ND30 Phụ lục VI), shared by the new and the edit forms."""

    document_type = forms.ModelChoiceField(
        label=_("Loại văn bản"), queryset=DocumentType.objects.filter(is_active=True), empty_label=None
    )
    code_number = forms.CharField(label=_("Số"), max_length=50, required=False)
    code_notation = forms.CharField(label=_("Ký hiệu"), max_length=50, required=False)
    issued_date = VnDateField(label=_("Ngày ban hành"))
    organ_name = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    subject = forms.CharField(label=_("Trích yếu"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    signer_full_name = forms.CharField(label=_("Người ký"), max_length=100, required=False)
    signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=100, required=False)
    priority = forms.TypedChoiceField(label=_("Độ khẩn"), choices=Priority.choices, coerce=int, initial=0)
    confidentiality = forms.TypedChoiceField(
        label=_("Độ mật"), choices=Confidentiality.choices, coerce=int, initial=0
    )
    to_places = forms.CharField(
        label=_("Nơi nhận"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    requested_due_date = VnDateField(label=_("Hạn trả lời"), required=False)
    page_amount = forms.IntegerField(label=_("Số trang"), min_value=1, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def to_input(self, **files: Any) -> IncomingInput:
        return IncomingInput(**self._edited_fields(), **files)

    def to_update_input(self, document: IncomingDocument) -> IncomingInput:
        """The document's metadata with this form's fields applied; fields the form does not show are kept."""
        return incoming_input_from(document, **self._edited_fields())

    def _edited_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return dict(
            document_type_id=data["document_type"].pk,
            code_number=data["code_number"],
            code_notation=data["code_notation"],
            issued_date=data["issued_date"],
            organ_name=data["organ_name"],
            subject=data["subject"],
            signer_full_name=data["signer_full_name"],
            signer_position=data["signer_position"],
            priority=data["priority"],
            confidentiality=data["confidentiality"],
            to_places=data["to_places"],
            requested_due_date=data["requested_due_date"],
            page_amount=data["page_amount"],
            note=data["note"],
        )

    @classmethod
    def initial_from(cls, document: IncomingDocument) -> dict[str, Any]:
        names = [n for n in cls.base_fields if n != "document_type"]
        initial = {name: getattr(document, name) for name in names}
        initial["document_type"] = document.document_type_id
        return initial


class IncomingCreateForm(IncomingForm):
    register = forms.ModelChoiceField(
        label=_("Sổ văn bản đến"), queryset=Register.objects.none(), required=False,
        empty_label=_("Sổ mặc định"),
    )
    main_file = forms.FileField(label=_("Tệp chính (bản quét, PDF)"), required=False)
    attachments = MultipleFileField(label=_("Tệp đính kèm"))

    def __init__(self, *args: Any, registers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if registers is not None:
            self.fields["register"].queryset = registers  # type: ignore[attr-defined]

    def to_create_input(self) -> IncomingInput:
        main = self.cleaned_data.get("main_file")
        return self.to_input(
            main_file=upload_content(main) if main else None,
            attachments=tuple(upload_content(f) for f in self.cleaned_data["attachments"]),
        )


class FileAddForm(forms.Form):
    file = forms.FileField(label=_("Tệp"))
    role = forms.ChoiceField(label=_("Loại tệp"), choices=FileRole.choices, initial=FileRole.ATTACHMENT)


class IncomingFilterForm(forms.Form):
    box = forms.ChoiceField(label=_("Hộp"), choices=BOXES, required=False)
    state = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("Mọi trạng thái")), *IncomingState.choices], required=False
    )
    document_type = forms.ModelChoiceField(
        label=_("Loại văn bản"), queryset=DocumentType.objects.filter(is_active=True), required=False,
        empty_label=_("Mọi loại"),
    )
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200, required=False)
    date_from = VnDateField(label=_("Đến từ ngày"), required=False)
    date_to = VnDateField(label=_("Đến ngày"), required=False)
    handler = forms.TypedChoiceField(label=_("Người xử lý"), coerce=int, required=False, empty_value=None)
    q = forms.CharField(label=_("Tìm kiếm"), max_length=200, required=False)

    def __init__(self, *args: Any, handlers: list[tuple[int | str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["handler"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Mọi người xử lý")), *(handlers or [])]

    def to_filters(self) -> IncomingFilters:
        self.is_valid()  # a bad field is dropped, the valid ones still filter
        data = self.cleaned_data
        document_type = data.get("document_type")
        return IncomingFilters(
            state=data.get("state") or "",
            box=data.get("box") or "",
            document_type_id=document_type.pk if document_type else None,
            issuer=(data.get("issuer") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            handler_id=data.get("handler"),
            query=(data.get("q") or "").strip(),
        )
