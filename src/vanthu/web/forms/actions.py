"""Small forms behind the action panels of the document page. Each maps to one service call."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vanthu.core.errors import ApplicationError
from vanthu.documents.handling import DirectionInput, Handler
from vanthu.web.forms.fields import VnDateField
from vanthu.workflows.enums import NoteKind

Choices = list[tuple[Any, str]]


def handler_parse(value: str) -> Handler:
    """``unit:12`` or ``user:34`` (the values of the handler selects) to a Handler."""
    kind, _sep, raw = value.partition(":")
    if kind not in ("unit", "user") or not raw.isdigit():
        raise ApplicationError("handler_invalid", _("Người xử lý không hợp lệ."))
    return Handler(unit_id=int(raw)) if kind == "unit" else Handler(user_id=int(raw))


class RegisterForm(forms.Form):
    register = forms.TypedChoiceField(label=_("Sổ văn bản"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, registers: Choices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["register"].choices = [("", _("Sổ mặc định")), *(registers or [])]  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    # Not required here: the service refuses a blank reason with its own message.
    reason = forms.CharField(label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PresentForm(forms.Form):
    leader = forms.TypedChoiceField(label=_("Lãnh đạo"), coerce=int)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, leaders: Choices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = list(leaders or [])  # type: ignore[attr-defined]


class DirectForm(forms.Form):
    """Lead (one unit or person), co-operating and for-information handlers, instruction, deadline."""

    lead = forms.ChoiceField(label=_("Chủ trì"))
    cooperating = forms.MultipleChoiceField(label=_("Phối hợp"), required=False)
    informed = forms.MultipleChoiceField(label=_("Để biết"), required=False)
    instruction = forms.CharField(
        label=_("Ý kiến chỉ đạo"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_mode = forms.ChoiceField(
        label=_("Hạn xử lý"), choices=[("none", _("Không đặt hạn")), ("date", _("Theo ngày")),
                                       ("days", _("Theo số ngày làm việc"))],
        initial="days", required=False,
    )
    due_date = VnDateField(label=_("Hạn xử lý (ngày)"), required=False)
    due_days = forms.IntegerField(label=_("Số ngày làm việc"), min_value=1, max_value=365, required=False)

    def __init__(self, *args: Any, handlers: Choices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead", "cooperating", "informed"):
            self.fields[name].choices = list(handlers or [])  # type: ignore[attr-defined]

    def to_input(self) -> DirectionInput:
        data = self.cleaned_data
        mode = data.get("due_mode") or ("date" if data.get("due_date") else "days" if data.get("due_days") else "none")
        return DirectionInput(
            lead=handler_parse(data["lead"]),
            cooperating=[handler_parse(v) for v in data["cooperating"]],
            informed=[handler_parse(v) for v in data["informed"]],
            instruction=data["instruction"],
            due_date=data.get("due_date") if mode == "date" else None,
            due_in_working_days=data.get("due_days") if mode == "days" else None,
        )


class InstructionForm(forms.Form):
    instruction = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DelegateForm(forms.Form):
    users = forms.TypedMultipleChoiceField(label=_("Chuyên viên"), coerce=int)
    instruction = forms.CharField(label=_("Nội dung giao"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_date = VnDateField(label=_("Hạn"), required=False)

    def __init__(self, *args: Any, specialists: Choices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"].choices = list(specialists or [])  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=[(NoteKind.PROGRESS, NoteKind.PROGRESS.label), (NoteKind.OPINION, NoteKind.OPINION.label)],
        initial=NoteKind.PROGRESS, required=False,
    )


class CompleteForm(forms.Form):
    result_note = forms.CharField(label=_("Kết quả xử lý"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reply_reference = forms.CharField(label=_("Số, ký hiệu văn bản trả lời"), max_length=100, required=False)


class ShareForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Chia sẻ với"), coerce=int)

    def __init__(self, *args: Any, people: Choices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = list(people or [])  # type: ignore[attr-defined]
