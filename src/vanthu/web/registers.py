"""The register screen: browse a register book by period, 50 rows a page, and export the whole period (XLSX, PDF).

One view and one template serve the three books of ND30 Phụ lục IV: ``/so-van-ban/`` the incoming ones (Sổ đăng ký
văn bản đến, Sổ theo dõi giải quyết văn bản đến) and ``/so-van-ban/van-ban-di/`` the Sổ đăng ký văn bản đi. They are
for the agency's clerks and leaders; the selectors refuse everyone else (403) and another agency's register is not
among the choices (400) or not found (404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from vanthu.core.errors import NotFoundError, PermissionDeniedError
from vanthu.core.periods import Period
from vanthu.core.tables import PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE, table_pdf, table_xlsx
from vanthu.documents.models import Register
from vanthu.documents.registers import (
    INCOMING_BOOKS,
    BookKind,
    book_documents,
    book_of,
    book_register_get,
    register_book,
    registers_for_book,
)
from vanthu.organizations.actor import Actor
from vanthu.organizations.otp import verified_login_required

PAGE_SIZE = 50
INCOMING, OUTGOING = "incoming", "outgoing"
EXPORTS = {"xlsx": (XLSX_CONTENT_TYPE, table_xlsx), "pdf": (PDF_CONTENT_TYPE, table_pdf)}
DETAIL_URLS = {INCOMING: "web:incoming_detail", OUTGOING: "web:outgoing_detail"}


class RegisterFilterForm(forms.Form):
    register = forms.TypedChoiceField(label=gettext_lazy("Sổ văn bản"), coerce=int, required=False)
    book = forms.ChoiceField(label=gettext_lazy("Loại sổ"), choices=[(k.value, k.label) for k in INCOMING_BOOKS],
                             required=False)
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100, required=False)
    date_from = forms.DateField(label=gettext_lazy("Từ ngày"), required=False,
                                widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    date_to = forms.DateField(label=gettext_lazy("Đến ngày"), required=False,
                              widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))

    def __init__(self, *args: Any, registers: list[Register], direction: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["register"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(r.pk, r.name) for r in registers]
        if direction == OUTGOING:  # one book; its period is of issue dates
            del self.fields["book"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return data

    def period(self) -> Period:
        data = self.cleaned_data if self.is_bound else {}
        start, end = data.get("date_from"), data.get("date_to")
        if start or end:
            end = end or timezone.localdate()
            return Period(start or dt.date(end.year, 1, 1), end)
        year = data.get("year") or timezone.localdate().year
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def book_kind(self, direction: str) -> str:
        if direction == OUTGOING:
            return BookKind.OUTGOING
        return str((self.cleaned_data.get("book") if self.is_bound else None) or BookKind.ARRIVAL)


def _actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "actor", None)
    if actor is None or actor.membership is None:
        raise PermissionDenied(_("Tài khoản chưa thuộc cơ quan nào."))
    return actor  # type: ignore[no-any-return]


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@verified_login_required
def register_view(request: HttpRequest, direction: str) -> HttpResponse:
    """A register and a year (or a range of dates), 50 rows a page; ``?format=xlsx|pdf`` downloads the whole
    period with the same rows."""
    actor = _actor(request)
    template = "web/registers/register.html"
    context: dict[str, Any] = {"direction": direction}
    try:
        kind_for_choices = BookKind.OUTGOING if direction == OUTGOING else BookKind.ARRIVAL
        registers = registers_for_book(actor=actor, kind=kind_for_choices)
        form = RegisterFilterForm(request.GET or None, registers=registers, direction=direction)
        context.update(form=form, registers=registers)
        if form.is_bound and not form.is_valid():
            return render(request, template, context, status=400)
        register_id = (form.cleaned_data.get("register") if form.is_bound else None) or (
            registers[0].pk if registers else None)
        if register_id is None:
            return render(request, template, context)
        kind, period = form.book_kind(direction), form.period()
        export = request.GET.get("format", "")
        if export in EXPORTS:
            content_type, write = EXPORTS[export]
            book = register_book(actor=actor, register_id=register_id, kind=kind, period=period)
            return _download(write(book.table()), content_type, f"{book.file_stem}.{export}")
        register = book_register_get(actor=actor, kind=kind, register_id=register_id)
        documents = book_documents(actor=actor, kind=kind, register=register, period=period)
        page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
        book = book_of(kind=kind, register=register, period=period, documents=page.object_list)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context.update(register=register, book=book, table=book.table(), period=period, page=page,
                   query=query.urlencode(), detail_url=DETAIL_URLS[direction])
    return render(request, template, context)
