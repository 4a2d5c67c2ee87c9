"""Thống kê screens: the dashboard of a subtree with drill-down (province → agency → unit → the documents behind a
number), the three reports as screens with XLSX/PDF downloads, the kept monthly reports, and the settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vanthu.core.blobs import blob_read
from vanthu.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from vanthu.core.formatting import vn_int, vn_percent
from vanthu.core.http.errors import forbidden
from vanthu.core.paging import capped_page
from vanthu.core.periods import Period
from vanthu.core.tables import PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE, table_pdf, table_xlsx
from vanthu.organizations.actor import Actor
from vanthu.organizations.guards import actor_required
from vanthu.organizations.models import Agency, Unit
from vanthu.reports.charts import rate_bars, trend_chart
from vanthu.reports.models import ReportKind, StatMonthClosing, StatReport
from vanthu.reports.selectors import (
    AgencyRow,
    dashboard_for,
    default_month,
    documents_behind,
    report_threshold,
    stats_agency_get,
    stats_scope_for,
)
from vanthu.reports.services import report_generate_for, report_threshold_set, stats_month_close
from vanthu.reports.tables import report_file_name, report_table

KINDS = ("thang", "quy", "nam")


def period_from(params: Any, today: dt.date | None = None) -> tuple[Period, dict[str, Any]]:
    """The period of the query string (``ky`` = thang | quy | nam, ``nam``, ``thang``, ``quy``); anything
    invalid falls back to the last month that ended."""
    today = today or timezone.localdate()
    year, month = default_month(today)
    kind = params.get("ky") if params.get("ky") in KINDS else "thang"
    try:
        year = int(params.get("nam", year))
        month = int(params.get("thang", month))
        quarter = int(params.get("quy", (month - 1) // 3 + 1))
    except (TypeError, ValueError):
        kind, quarter = "thang", (month - 1) // 3 + 1
    if not (2000 <= year <= today.year + 1 and 1 <= month <= 12 and 1 <= quarter <= 4):
        kind, (year, month) = "thang", default_month(today)
        quarter = (month - 1) // 3 + 1
    if kind == "quy":
        period = Period.quarter(year, quarter)
    elif kind == "nam":
        period = Period.year(year, up_to=today)
    else:
        period = Period.month(year, month)
    return period, {"ky": kind, "nam": year, "thang": month, "quy": quarter,
                  "years": list(range(today.year, today.year - 6, -1)), "months": list(range(1, 13))}


def _query(selection: dict[str, Any]) -> str:
    return f"ky={selection['ky']}&nam={selection['nam']}&thang={selection['thang']}&quy={selection['quy']}"


@actor_required
def dashboard_view(request: HttpRequest, actor: Actor, agency_id: int | None = None) -> HttpResponse:
    scope = stats_scope_for(actor)
    if scope is None:
        return forbidden(request, _("Bạn không có quyền xem thống kê."))
    period, selection = period_from(request.GET)
    try:
        board = dashboard_for(actor=actor, period=period, agency_id=agency_id)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc
    ranking = [(r.node.name, r.own.personal_signature_rate) for r in board.ranking[:20]]
    levels = [(name or code, figures.personal_signature_rate) for code, name, figures, _n in board.levels]
    parent = board.root.parent_id
    may_go_up = parent is not None and (scope.everything or board.root.id not in scope.root_ids)
    base = reverse("reports:agency", args=[0]).removesuffix("0/")

    def link(row: AgencyRow) -> str:
        return f"{base}{row.node.id}/?{_query(selection)}"

    def children(count: int) -> str:
        return ngettext("(%(n)d đơn vị trực thuộc)", "(%(n)d đơn vị trực thuộc)", count) % {"n": count}

    table = [{"id": r.node.id, "url": link(r), "name": r.node.name, "children": children(r.children) if r.children
              else "", "received": vn_int(r.total.received), "sent": vn_int(r.total.sent),
              "personal": vn_percent(r.total.personal_signature_rate), "org": vn_percent(r.total.org_signature_rate),
              "on_time": vn_percent(r.total.processed_on_time_rate), "overdue": vn_int(r.total.overdue_open)}
             for r in board.rows]
    return render(request, "reports/dashboard.html", {
        "agency_table": table, "full_marks": [{"url": link(r), "name": r.node.name} for r in board.full_marks],
        "lagging": [{"url": link(r), "name": r.node.name, "rate": vn_percent(r.own.lowest_signature_rate)}
                    for r in board.lagging],
        "board": board, "selection": selection, "query": _query(selection), "period_label": period.label,
        "trend": trend_chart(board.months), "ranking_bars": rate_bars(ranking, threshold=board.threshold),
        "level_bars": rate_bars(levels, threshold=board.threshold), "parent_id": parent if may_go_up else None,
        "may_list_documents": actor.agency_id == board.root.id, "kinds": ReportKind.choices,
    })


@actor_required
def documents_view(request: HttpRequest, actor: Actor, agency_id: int) -> HttpResponse:
    period, selection = period_from(request.GET)
    metric = request.GET.get("so-lieu", "")
    unit_id = request.GET.get("don-vi")
    try:
        unit = int(unit_id) if unit_id else None
        rows = documents_behind(actor=actor, metric=metric, agency_id=agency_id, period=period, unit_id=unit)
    except (ValueError, NotFoundError) as exc:
        raise Http404(str(getattr(exc, "message", exc))) from exc
    except PermissionDeniedError as exc:
        return forbidden(request, str(exc.message))
    page = capped_page(rows, 50, request.GET.get("page"))
    unit_name = Unit.objects.filter(pk=unit, agency_id=agency_id).values_list("name", flat=True).first() if unit \
        else None
    return render(request, "reports/documents.html", {
        "page": page, "metric": metric, "metric_label": METRIC_LABELS.get(metric, metric),
        "agency": Agency.objects.get(pk=agency_id), "unit_name": unit_name, "period_label": period.label,
        "outgoing": metric.startswith("sent") or metric == "recalled", "query": _query(selection),
        "page_query": f"{_query(selection)}&so-lieu={metric}" + (f"&don-vi={unit}" if unit else ""),
    })


@actor_required
def report_view(request: HttpRequest, actor: Actor, kind: str, agency_id: int) -> HttpResponse:
    if kind not in ReportKind.values:
        raise Http404(_("Không có loại báo cáo này."))
    try:
        stats_agency_get(actor=actor, agency_id=agency_id)
    except (NotFoundError, PermissionDeniedError) as exc:
        raise Http404(str(exc.message)) from exc
    period, selection = period_from(request.GET)
    table = report_table(kind, agency=Agency.objects.get(pk=agency_id), period=period)
    wanted = request.GET.get("format")
    if wanted in ("xlsx", "pdf"):
        data = table_xlsx(table) if wanted == "xlsx" else table_pdf(table)
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE if wanted == "xlsx" else PDF_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{report_file_name(kind, period, wanted)}"'
        return response
    return render(request, "reports/report.html", {
        "table": table, "selection": selection, "query": _query(selection), "kind": kind, "agency_id": agency_id,
    })


@actor_required
def kept_reports_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    scope = stats_scope_for(actor)
    if scope is None:
        return forbidden(request, _("Bạn không có quyền xem thống kê."))
    ids = [actor.agency_id] if actor.agency_id is not None else list(scope.root_ids)
    reports = StatReport.objects.filter(agency_id__in=ids).select_related("agency", "generated_by")
    page = capped_page(reports, 30, request.GET.get("page"))
    return render(request, "reports/kept.html", {"page": page, "kinds": ReportKind.choices,
                                                 "agency_id": ids[0] if ids else None})


@actor_required
def kept_report_file_view(request: HttpRequest, actor: Actor, pk: int, fmt: str) -> HttpResponse:
    report = StatReport.objects.filter(pk=pk).select_related("xlsx", "pdf").first()
    if report is None or fmt not in ("xlsx", "pdf"):
        raise Http404(_("Không tìm thấy báo cáo."))
    try:
        stats_agency_get(actor=actor, agency_id=report.agency_id)
    except (NotFoundError, PermissionDeniedError) as exc:
        raise Http404(str(exc.message)) from exc
    blob = report.xlsx if fmt == "xlsx" else report.pdf
    response = HttpResponse(blob_read(blob), content_type=blob.content_type)
    name = report_file_name(report.kind, Period.month(report.year, report.month), fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@actor_required
def report_generate_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    period, _selection = period_from(request.POST)
    try:
        report_generate_for(actor=actor, kind=request.POST.get("kind", ""),
                            agency_id=int(request.POST.get("agency", "0")), period=period)
        messages.success(request, _("Đã lập báo cáo."))
    except (ApplicationError, ValueError) as exc:
        messages.error(request, str(getattr(exc, "message", _("Yêu cầu không hợp lệ."))))
    return HttpResponseRedirect(reverse("reports:kept"))


@actor_required
def settings_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    scope = stats_scope_for(actor)
    if scope is None or scope.unit_id is not None:
        return forbidden(request, _("Bạn không có quyền thay đổi cấu hình thống kê."))
    if request.method == "POST":
        try:
            if "threshold" in request.POST:
                report_threshold_set(actor=actor, threshold=request.POST["threshold"])
                messages.success(request, _("Đã lưu ngưỡng tỷ lệ ký số."))
            elif "close_month" in request.POST:
                year, month = (int(part) for part in request.POST["close_month"].split("-"))
                stats_month_close(actor=actor, year=year, month=month)
                messages.success(request, _("Đã chốt số liệu tháng %(m)02d/%(y)d.") % {"m": month, "y": year})
        except (ApplicationError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "message", _("Yêu cầu không hợp lệ."))))
        return HttpResponseRedirect(reverse("reports:settings"))
    root = actor.agency_id or scope.root_ids[0]
    return render(request, "reports/settings.html", {
        "threshold": report_threshold(root), "closed": StatMonthClosing.objects.order_by("-year", "-month")[:24],
        "open_month": "{}-{:02d}".format(*default_month()),
    })


METRIC_LABELS: dict[str, Any] = {
    "received": _lazy("Văn bản đến điện tử"),
    "received_paper": _lazy("Văn bản đến giấy"),
    "received_secret": _lazy("Văn bản đến mật"),
    "returned": _lazy("Văn bản bị trả lại"),
    "due": _lazy("Đến hạn giải quyết"),
    "on_time": _lazy("Giải quyết đúng hạn"),
    "completed": _lazy("Đã hoàn thành"),
    "completed_due": _lazy("Hoàn thành có hạn"),
    "completed_on_time": _lazy("Hoàn thành đúng hạn"),
    "overdue_open": _lazy("Quá hạn chưa xử lý"),
    "open_end": _lazy("Còn đang xử lý"),
    "sent": _lazy("Văn bản đi điện tử"),
    "sent_internal": _lazy("Chỉ gửi nội bộ"),
    "sent_paper": _lazy("Chỉ bản giấy"),
    "sent_secret": _lazy("Văn bản đi mật"),
    "sent_personal_signed": _lazy("Ký số cá nhân"),
    "sent_org_signed": _lazy("Ký số cơ quan"),
    "recalled": _lazy("Đã thu hồi"),
}
