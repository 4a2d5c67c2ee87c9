"""Register screens: browse a register book by period and export it (XLSX, PDF).

``register_view`` shows the incoming books (Sổ đăng ký văn bản đến, Sổ theo dõi giải quyết văn bản đến),
``outgoing_register_view`` the Sổ đăng ký văn bản đi (ND30 Phụ lục IV, 10 columns). Both are for the agency's
clerks and leaders; the selectors refuse everyone else (403) and another agency's register is not found (404).
"""

from __future__ import annotations

import datetime as dt

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
from vanthu.documents.models import Register
from vanthu.documents.outgoing.book import (
    outgoing_book_columns,
    outgoing_book_pdf,
    outgoing_book_xlsx,
    outgoing_register_book,
    outgoing_register_documents,
    outgoing_register_get_for_user,
    outgoing_register_rows,
    outgoing_registers_for_user,
)
from vanthu.documents.registers import (
    BookKind,
    RegisterPeriod,
    incoming_registers_for_user,
    register_book,
    register_documents,
    register_get_for_user,
    register_pdf,
    register_rows,
    register_xlsx,
)
from vanthu.documents.registers.rows import book_columns, book_title
from vanthu.organizations.actor import Actor
from vanthu.organizations.otp import verified_login_required

PAGE_SIZE = 50
EXPORTS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", register_xlsx),
    "pdf": ("application/pdf", register_pdf),
}
OUTGOING_EXPORTS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", outgoing_book_xlsx),
    "pdf": ("application/pdf", outgoing_book_pdf),
}


class RegisterFilterForm(forms.Form):
    register = forms.TypedChoiceField(label=gettext_lazy("Sổ văn bản"), coerce=int, required=False)
    book = forms.ChoiceField(label=gettext_lazy("Loại sổ"), choices=BookKind.choices, required=False)
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100, required=False)
    date_from = forms.DateField(label=gettext_lazy("Từ ngày"), required=False)
    date_to = forms.DateField(label=gettext_lazy("Đến ngày"), required=False)

    def __init__(self, *args: object, registers: list[Register], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["register"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(r.pk, r.name) for r in registers]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return data

    def period(self) -> RegisterPeriod:
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start or end:
            end = end or timezone.localdate()
            return RegisterPeriod(start or dt.date(end.year, 1, 1), end)
        return RegisterPeriod.for_year(data.get("year") or timezone.localdate().year)


class OutgoingRegisterFilterForm(RegisterFilterForm):
    """The outgoing register has one book; the period is of issue dates."""

    def __init__(self, *args: object, registers: list[Register], **kwargs: object) -> None:
        super().__init__(*args, registers=registers, **kwargs)
        del self.fields["book"]


def _actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "actor", None)
    if actor is None or actor.membership is None:
        raise PermissionDenied(_("Tài khoản chưa thuộc cơ quan nào."))
    return actor  # type: ignore[no-any-return]


@require_GET
@verified_login_required
def register_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    try:
        registers = incoming_registers_for_user(actor=actor)
        form = RegisterFilterForm(request.GET or None, registers=registers)
        if request.GET and not form.is_valid():
            return render(request, "web/registers/register.html", {"form": form, "registers": registers},
                          status=400)
        data = form.cleaned_data if request.GET else {}
        register_id = data.get("register") or (registers[0].pk if registers else None)
        if register_id is None:
            return render(request, "web/registers/register.html", {"form": form, "registers": registers})
        kind = data.get("book") or BookKind.ARRIVAL
        period = form.period() if request.GET else RegisterPeriod.for_year(timezone.localdate().year)
        export = request.GET.get("format", "")
        if export in EXPORTS:
            content_type, render_export = EXPORTS[export]
            book = register_book(actor=actor, register_id=register_id, kind=kind, period=period)
            response = HttpResponse(render_export(book), content_type=content_type)
            filename = f"so-van-ban-den-{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}.{export}"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        register = register_get_for_user(actor=actor, register_id=register_id)
        page = Paginator(register_documents(actor=actor, register=register, period=period), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(request, "web/registers/register.html", {
        "form": form, "registers": registers, "register": register, "kind": kind, "period": period,
        "title": book_title(kind=kind, register=register), "columns": book_columns(kind),
        "rows": register_rows(kind=kind, documents=page.object_list), "page": page,
        "query": query.urlencode(),
    })


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@verified_login_required
def outgoing_register_view(request: HttpRequest) -> HttpResponse:
    """Sổ đăng ký văn bản đi: a register and a year (or a range of issue dates), 50 rows a page, voided numbers
    kept and marked; ``?format=xlsx|pdf`` downloads the whole period with the same rows."""
    actor = _actor(request)
    template = "web/registers/outgoing.html"
    try:
        registers = outgoing_registers_for_user(actor=actor)
        form = OutgoingRegisterFilterForm(request.GET or None, registers=registers)
        if request.GET and not form.is_valid():
            return render(request, template, {"form": form, "registers": registers}, status=400)
        data = form.cleaned_data if request.GET else {}
        register_id = data.get("register") or (registers[0].pk if registers else None)
        if register_id is None:
            return render(request, template, {"form": form, "registers": registers})
        period = form.period() if request.GET else RegisterPeriod.for_year(timezone.localdate().year)
        export = request.GET.get("format", "")
        if export in OUTGOING_EXPORTS:
            content_type, render_export = OUTGOING_EXPORTS[export]
            book = outgoing_register_book(actor=actor, register_id=register_id, period=period)
            filename = f"so-van-ban-di-{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}.{export}"
            return _download(render_export(book), content_type, filename)
        register = outgoing_register_get_for_user(actor=actor, register_id=register_id)
        documents = outgoing_register_documents(actor=actor, register=register, period=period)
        page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(request, template, {
        "form": form, "registers": registers, "register": register, "period": period, "title": register.name,
        "columns": outgoing_book_columns(), "rows": outgoing_register_rows(page.object_list), "page": page,
        "query": query.urlencode(),
    })
