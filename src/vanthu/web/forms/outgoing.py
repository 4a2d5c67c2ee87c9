"""Forms of the outgoing screens (văn bản đi): the draft, its content, the review route and the small action forms.

They parse and validate what the person typed, then hand typed values to the outgoing services; the services
check everything again and refuse with their own Vietnamese messages.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from vanthu.core.files import UploadedContent, upload_content
from vanthu.documents.enums import Confidentiality, Priority
from vanthu.documents.models import DocumentType
from vanthu.documents.outgoing.enums import OutgoingState, ReviewKind, SigningCapacity, TemplateKind
from vanthu.documents.outgoing.inputs import CoSignerInput, OutgoingInput, Route, RouteStep, TemplateInput
from vanthu.documents.outgoing.signers import MAX_COSIGNERS
from vanthu.web.forms.fields import MultipleFileField

Choices = list[tuple[Any, Any]]

# The tabs of the list: a box is "what waits for me", not a state.
BOXES: Choices = [
    ("", _("Tất cả")),
    ("mine", _("Dự thảo của tôi")),
    ("to_review", _("Chờ tôi xem xét")),
    ("to_sign", _("Chờ tôi ký")),
    ("to_number", _("Chờ cấp số")),
    ("to_seal", _("Chờ ký số cơ quan")),
    ("issued", _("Đã ban hành")),
]

SOURCE_PDF = "pdf"
SOURCE_OFFICE = "office"
SOURCE_TEMPLATE = "template"
SOURCES: Choices = [
    (SOURCE_PDF, _("Tải lên tệp PDF")),
    (SOURCE_OFFICE, _("Tải lên tệp DOCX/ODT (máy chủ chuyển sang PDF)")),
    (SOURCE_TEMPLATE, _("Dùng mẫu dựng sẵn theo Nghị định 30")),
]
OFFICE_EXTENSIONS = (".docx", ".odt")


def _set_choices(form: forms.Form, name: str, choices: Choices) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class OutgoingFilterForm(forms.Form):
    box = forms.ChoiceField(label=_("Hộp"), choices=BOXES, required=False)
    state = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("Mọi trạng thái")), *OutgoingState.choices], required=False
    )
    document_type = forms.ModelChoiceField(
        label=_("Loại văn bản"), queryset=DocumentType.objects.filter(is_active=True), required=False,
        empty_label=_("Mọi loại"),
    )
    q = forms.CharField(label=_("Tìm theo trích yếu, ký hiệu"), max_length=200, required=False)

    def filters(self) -> dict[str, Any]:
        self.is_valid()  # a bad field is dropped, the valid ones still filter
        data = self.cleaned_data
        document_type = data.get("document_type")
        return {
            "box": data.get("box") or "", "state": data.get("state") or "",
            "document_type_id": document_type.pk if document_type else None, "q": (data.get("q") or "").strip(),
        }


class DraftContentForm(forms.Form):
    """Where the text of a version comes from: a PDF, a DOCX/ODT the server converts, or a built-in template."""

    source_kind = forms.ChoiceField(label=_("Nội dung dự thảo"), choices=SOURCES, initial=SOURCE_PDF,
                                    widget=forms.RadioSelect)
    main_file = forms.FileField(label=_("Tệp dự thảo"), required=False)
    body = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Các đoạn cách nhau bằng một dòng trống."))
    addressees = forms.CharField(label=_("Kính gửi"), max_length=500, required=False)
    authority = forms.CharField(label=_("Thẩm quyền (sau KT., TM.…)"), max_length=200, required=False,
                                help_text=_("Ví dụ: GIÁM ĐỐC, ỦY BAN NHÂN DÂN."))
    place_name = forms.CharField(label=_("Địa danh"), max_length=100, required=False,
                                 help_text=_("Để trống: địa danh của cơ quan."))
    note = forms.CharField(label=_("Ghi chú phiên bản"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    template_codes = frozenset(TemplateKind.values)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("source_kind")
        upload: UploadedFile[Any] | None = data.get("main_file")
        suffix = PurePath(upload.name or "").suffix.lower() if upload else ""
        if kind == SOURCE_PDF:
            if upload is None:
                self.add_error("main_file", _("Hãy chọn tệp PDF của dự thảo."))
            elif suffix != ".pdf":
                self.add_error("main_file", _("Tệp dự thảo phải là PDF."))
        elif kind == SOURCE_OFFICE:
            if upload is None:
                self.add_error("main_file", _("Hãy chọn tệp DOCX hoặc ODT của dự thảo."))
            elif suffix not in OFFICE_EXTENSIONS:
                self.add_error("main_file", _("Tệp nguồn phải là DOCX hoặc ODT."))
        elif kind == SOURCE_TEMPLATE:
            if not (data.get("body") or "").strip():
                self.add_error("body", _("Chưa nhập nội dung văn bản."))
            self.check_template_type(data)
        return data

    def check_template_type(self, data: dict[str, Any]) -> None:
        """The create form knows the chosen type; a new version takes the document's."""

    def content(self) -> dict[str, Any]:
        """The ``upload`` / ``source`` / ``template`` arguments of the drafting services."""
        data = self.cleaned_data
        kind = data["source_kind"]
        file: UploadedFile[Any] | None = data.get("main_file")
        upload: UploadedContent | None = upload_content(file) if file is not None and kind != SOURCE_TEMPLATE else None
        if kind == SOURCE_TEMPLATE:
            template = TemplateInput(body=data["body"], addressees=data["addressees"].strip(),
                                     authority=data["authority"].strip(), place_name=data["place_name"].strip())
            return {"upload": None, "source": None, "template": template}
        if kind == SOURCE_OFFICE:
            return {"upload": None, "source": upload, "template": None}
        return {"upload": upload, "source": None, "template": None}


class OutgoingCreateForm(DraftContentForm):
    """A new draft: the ND30 fields of the document, then its content and attachments."""

    document_type = forms.ModelChoiceField(
        label=_("Loại văn bản"), queryset=DocumentType.objects.filter(is_active=True), empty_label=None
    )
    subject = forms.CharField(label=_("Trích yếu"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    summary = forms.CharField(label=_("Tóm tắt nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    priority = forms.TypedChoiceField(label=_("Độ khẩn"), choices=Priority.choices, coerce=int, initial=0)
    confidentiality = forms.TypedChoiceField(label=_("Độ mật"), choices=Confidentiality.choices, coerce=int,
                                             initial=0)
    signer = forms.TypedChoiceField(label=_("Người ký"), coerce=int, required=False, empty_value=None)
    signing_capacity = forms.ChoiceField(label=_("Thẩm quyền ký"), choices=SigningCapacity.choices, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=200, required=False)
    recipients = forms.TypedMultipleChoiceField(label=_("Cơ quan nhận"), coerce=int, required=False)
    to_places = forms.CharField(label=_("Nơi nhận (in trên văn bản)"), max_length=2000, required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    is_internal = forms.BooleanField(label=_("Văn bản nội bộ (chỉ gửi các đơn vị trong cơ quan)"), required=False)
    attachments = MultipleFileField(label=_("Phụ lục, tệp đính kèm (PDF)"))

    field_order = ["document_type", "subject", "summary", "priority", "confidentiality", "signer",
                   "signing_capacity", "signer_title", "recipients", "to_places", "is_internal"]

    def __init__(self, *args: Any, signers: Choices, agencies: Choices, cosigners: Choices | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "signer", [("", _("— Chọn người ký —")), *signers])
        _set_choices(self, "recipients", agencies)
        self.fields["recipients"].widget.attrs.update({"size": 8, "data-filterable": True})
        for n in range(1, MAX_COSIGNERS + 1):
            # "<agency id>:<user id>": a leader of this agency, or of another agency for a joint document.
            self.fields[f"cosigner_{n}"] = forms.ChoiceField(
                label=_("Người ký cùng %(n)d") % {"n": n}, required=False,
                choices=[("", _("— Không —")), *(cosigners or [])])
            self.fields[f"cosigner_{n}_capacity"] = forms.ChoiceField(
                label=_("Thẩm quyền ký"), choices=SigningCapacity.choices, required=False)
            self.fields[f"cosigner_{n}_title"] = forms.CharField(label=_("Chức vụ"), max_length=200,
                                                                 required=False)

    def cosigner_rows(self) -> list[tuple[Any, Any, Any]]:
        """The (person, capacity, title) fields of each co-signer slot, for the template."""
        return [(self[f"cosigner_{n}"], self[f"cosigner_{n}_capacity"], self[f"cosigner_{n}_title"])
                for n in range(1, MAX_COSIGNERS + 1)]

    def cosigner_inputs(self) -> tuple[CoSignerInput, ...]:
        """The chosen co-signers in signing order; empty slots are skipped."""
        data = self.cleaned_data
        entries = []
        self.cosigner_slots: list[int] = []  # the form slot of each entry, to put the service's errors back
        for n in range(1, MAX_COSIGNERS + 1):
            value = data.get(f"cosigner_{n}") or ""
            if not value:
                continue
            self.cosigner_slots.append(n)
            agency_id, _sep, user_id = value.partition(":")
            entries.append(CoSignerInput(signer_id=int(user_id), agency_id=int(agency_id),
                                         signing_capacity=data.get(f"cosigner_{n}_capacity") or "",
                                         signer_title=data.get(f"cosigner_{n}_title") or ""))
        return tuple(entries)

    def check_template_type(self, data: dict[str, Any]) -> None:
        document_type = data.get("document_type")
        if document_type is not None and document_type.code not in self.template_codes:
            self.add_error("source_kind", _("Chưa có mẫu dựng sẵn cho loại văn bản này; hãy tải tệp lên."))

    def to_input(self) -> OutgoingInput:
        data = self.cleaned_data
        return OutgoingInput(
            document_type_id=data["document_type"].pk, subject=data["subject"], summary=data["summary"],
            priority=data["priority"], confidentiality=data["confidentiality"], signer_id=data["signer"],
            signing_capacity=data["signing_capacity"] or "", signer_title=data["signer_title"],
            recipient_ids=tuple(data["recipients"]), to_places=data["to_places"], is_internal=data["is_internal"],
            cosigners=self.cosigner_inputs(),
        )

    def attachment_uploads(self) -> list[UploadedContent]:
        return [upload_content(f) for f in self.cleaned_data["attachments"]]


class VersionForm(DraftContentForm):
    """A new version of the draft (drafting, or after the reviewers sent it back)."""

    def __init__(self, *args: Any, type_code: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type_code = type_code

    def check_template_type(self, data: dict[str, Any]) -> None:
        if self.type_code not in self.template_codes:
            self.add_error("source_kind", _("Chưa có mẫu dựng sẵn cho loại văn bản này; hãy tải tệp lên."))


class RouteForm:
    """The review route as parallel lists ``route-reviewer`` / ``route-kind`` / ``route-group``, one entry per row.

    Blank rows are skipped. Consecutive rows with the same group number review at the same time (song song). The
    rules of the route itself (at least one step, the format check alone at the end) are the service's to enforce.
    """

    def __init__(self, data: QueryDict, *, reviewers: Choices) -> None:
        self.route: Route | None = None
        self.errors: list[str] = []
        allowed = {str(value) for value, _label in reviewers}
        reviewer_ids = data.getlist("route-reviewer")
        kinds = data.getlist("route-kind")
        groups = data.getlist("route-group")
        steps: list[RouteStep] = []
        for index, reviewer in enumerate(reviewer_ids):
            kind = kinds[index] if index < len(kinds) else ""
            group = (groups[index] if index < len(groups) else "").strip()
            number = {"n": index + 1}
            if not reviewer.strip():
                continue
            if reviewer not in allowed:
                self.errors.append(str(_("Người xem xét ở bước %(n)d không hợp lệ.") % number))
            elif kind not in ReviewKind.values:
                self.errors.append(str(_("Loại bước ở bước %(n)d không hợp lệ.") % number))
            elif group and not (group.isdigit() and 0 < int(group) < 1000):
                self.errors.append(str(_("Nhóm song song ở bước %(n)d phải là số từ 1 đến 999.") % number))
            else:
                steps.append(RouteStep(reviewer_id=int(reviewer), kind=kind,
                                       parallel_group=int(group) if group else None))
        if not steps and not self.errors:
            self.errors.append(str(_("Quy trình xem xét phải có ít nhất một bước.")))
        if not self.errors:
            self.route = Route(tuple(steps))

    def is_valid(self) -> bool:
        return self.route is not None


class CommentForm(forms.Form):
    # Not required here: returning needs a comment and the service says so in its own words.
    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class KeyDeviceForm(forms.Form):
    """A key device of the actor and its PIN or passphrase; the PIN is never stored nor shown again."""

    key_device = forms.TypedChoiceField(label=_("Thiết bị ký / chứng thư số"), coerce=int)
    pin = forms.CharField(label=_("Mã PIN / mật khẩu khóa"), strip=False, max_length=200,
                          widget=forms.PasswordInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args: Any, devices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "key_device", devices)


class ScanForm(forms.Form):
    scan = forms.FileField(label=_("Bản quét văn bản đã ký tay (PDF)"))


class IssueForm(forms.Form):
    units = forms.TypedMultipleChoiceField(label=_("Đơn vị trong cơ quan"), coerce=int, required=False)
    agencies = forms.TypedMultipleChoiceField(label=_("Cơ quan nhận trên hệ thống"), coerce=int, required=False)
    external = forms.MultipleChoiceField(label=_("Chọn nơi nhận liên thông"), required=False,
                                         help_text=_("Cơ quan ở hệ thống khác, gửi qua trục liên thông văn bản."))
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, units: Choices, agencies: Choices, external: Choices | None = None,
                 secret: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "units", units)
        _set_choices(self, "agencies", agencies)
        self.fields["units"].widget.attrs["size"] = 5
        self.fields["agencies"].widget.attrs.update({"size": 6, "data-filterable": True})
        if external is None:  # not connected to a hub
            del self.fields["external"]
        else:
            _set_choices(self, "external", external)
            self.fields["external"].widget.attrs.update({"size": 6, "data-filterable": True})
        if secret:
            # Secret documents never travel over the network; the service refuses them whatever is posted.
            for name in ("agencies", "external"):
                if name in self.fields:
                    self.fields[name].widget.attrs["disabled"] = True
                    self.fields[name].help_text = _("Văn bản mật không được gửi qua mạng.")


class AttachmentForm(forms.Form):
    uploads = MultipleFileField(label=_("Phụ lục, tệp đính kèm (PDF)"))

    def clean_uploads(self) -> list[Any]:
        files: list[Any] = self.cleaned_data["uploads"]
        if not files:
            raise forms.ValidationError(_("Hãy chọn ít nhất một tệp."))
        return files


class BatchSealForm(KeyDeviceForm):
    documents = forms.TypedMultipleChoiceField(label=_("Văn bản"), coerce=int,
                                               error_messages={"required": _("Hãy chọn ít nhất một văn bản.")})

    def __init__(self, *args: Any, documents: Choices, devices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, devices=devices, **kwargs)
        _set_choices(self, "documents", documents)
