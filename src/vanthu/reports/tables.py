"""The three reports as tables (the same object feeds the screen, the XLSX and the PDF, so they show the same
numbers): the province's monthly report on electronic documents, ND30's "báo cáo tình hình giải quyết văn bản
đến" and the outgoing report."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from vanthu.organizations.models import Agency, Unit
from vanthu.reports.figures import Figures, PeriodSpec, agency_tree, by_level, figures_by_agency, figures_by_unit
from vanthu.core.formatting import vn_decimal, vn_int, vn_percent
from vanthu.reports.models import ReportKind
from vanthu.reports.selectors import report_threshold

Cell = str | int | Decimal | None
INT, RATE, TEXT, DAYS = "int", "rate", "text", "days"


@dataclass
class ReportTable:
    kind: str
    title: str
    agency_name: str
    period_label: str
    columns: list[tuple[str, str]]  # (heading, INT | RATE | TEXT | DAYS)
    rows: list[list[Cell]] = field(default_factory=list)
    emphasis: set[int] = field(default_factory=set)  # row indexes that are totals
    notes: list[tuple[str, list[str]]] = field(default_factory=list)  # (heading, lines) under the table

    def text(self, row: list[Cell], index: int) -> str:
        kind = self.columns[index][1]
        value = row[index]
        if kind == INT:
            return vn_int(value if isinstance(value, int) else None)
        if kind == RATE:
            return vn_percent(value if isinstance(value, Decimal) else None)
        if kind == DAYS:
            return vn_decimal(value if isinstance(value, Decimal) else None, 1)
        return "" if value is None else str(value)

    def texts(self) -> list[list[str]]:
        return [[self.text(row, i) for i in range(len(self.columns))] for row in self.rows]


def period_label(spec: PeriodSpec) -> str:
    if len(spec.months) == 1:
        year, month = spec.months[0]
        return _("Tháng %(month)02d/%(year)d") % {"month": month, "year": year}
    first, last = spec.months[0], spec.months[-1]
    return _("Từ tháng %(m1)02d/%(y1)d đến tháng %(m2)02d/%(y2)d") % {"m1": first[1], "y1": first[0],
                                                                      "m2": last[1], "y2": last[0]}


def _signature_cells(figures: Figures) -> list[Cell]:
    return [figures.received, figures.sent, figures.sent_personal_signed, figures.personal_signature_rate,
            figures.sent_org_signed, figures.org_signature_rate, figures.on_time, figures.due,
            figures.processed_on_time_rate]


def province_monthly(*, agency: Agency, spec: PeriodSpec) -> ReportTable:
    """Per agency of the subtree, by level with level totals and the province total; then the agencies at 100 %
    and those under the province's threshold."""
    nodes = agency_tree([agency.pk])
    own = figures_by_agency(spec, agency_ids=list(nodes))
    table = ReportTable(
        kind=ReportKind.PROVINCE_MONTHLY, title=_("Báo cáo tình hình gửi, nhận văn bản điện tử"),
        agency_name=agency.name, period_label=period_label(spec),
        columns=[(_("STT"), TEXT), (_("Cơ quan, đơn vị"), TEXT), (_("Văn bản đến điện tử"), INT),
                 (_("Văn bản đi điện tử"), INT), (_("Ký số cá nhân"), INT), (_("Tỷ lệ ký số cá nhân"), RATE),
                 (_("Ký số cơ quan"), INT), (_("Tỷ lệ ký số cơ quan"), RATE), (_("Giải quyết đúng hạn"), INT),
                 (_("Đến hạn giải quyết"), INT), (_("Tỷ lệ đúng hạn"), RATE)],
    )
    grand = Figures()
    for code, name, total, _count in by_level(nodes, own):
        members = sorted((n for n in nodes.values() if n.level_code == code), key=lambda n: n.name)
        table.emphasis.add(len(table.rows))
        table.rows.append(["", name or _("Chưa phân cấp"), *_signature_cells(total)])
        for number, node in enumerate(members, start=1):
            table.rows.append([str(number), node.name, *_signature_cells(own.get(node.id, Figures()))])
        grand.add(total)
    table.emphasis.add(len(table.rows))
    table.rows.append(["", _("Tổng cộng"), *_signature_cells(grand)])
    threshold = report_threshold(agency.pk)
    active = [(nodes[pk], f) for pk, f in own.items() if f.sent > 0]
    full = sorted(n.name for n, f in active if f.full_marks)
    lagging = sorted((n.name, f.lowest_signature_rate) for n, f in active
                     if (f.lowest_signature_rate or 0) < threshold)
    table.notes.append((_("Cơ quan đạt 100 % văn bản đi được ký số cá nhân và ký số cơ quan"), full or [_("Không có")]))
    table.notes.append((_("Cơ quan có tỷ lệ ký số dưới %(t)s") % {"t": vn_percent(threshold)},
                        [f"{name} ({vn_percent(value)})" for name, value in lagging] or [_("Không có")]))
    return table


def _unit_rows(agency: Agency, spec: PeriodSpec) -> tuple[list[tuple[str, Figures]], Figures]:
    per_unit = figures_by_unit(spec, agency_id=agency.pk)
    total = figures_by_agency(spec, agency_ids=[agency.pk]).get(agency.pk, Figures())
    names = dict(Unit.objects.filter(pk__in=list(per_unit)).values_list("pk", "name"))
    rows = [(names.get(pk, str(pk)), figures) for pk, figures in sorted(per_unit.items(),
                                                                       key=lambda item: names.get(item[0], ""))]
    assigned = Figures()
    for _name, figures in rows:
        assigned.add(figures)
    rest = Figures()
    rest.add(total)
    for name in rest.counts:
        rest.counts[name] -= assigned.counts[name]
    if any(rest.counts.values()):
        rows.append((_("Chưa giao đơn vị xử lý"), rest))
    return rows, total


def incoming_handling(*, agency: Agency, spec: PeriodSpec) -> ReportTable:
    """ND30's report on the handling of incoming documents, per handling unit."""
    table = ReportTable(
        kind=ReportKind.INCOMING_HANDLING, title=_("Báo cáo tình hình giải quyết văn bản đến"),
        agency_name=agency.name, period_label=period_label(spec),
        columns=[(_("Đơn vị xử lý"), TEXT), (_("Văn bản đến điện tử"), INT), (_("Văn bản đến giấy"), INT),
                 (_("Văn bản mật"), INT), (_("Đến hạn giải quyết"), INT), (_("Đúng hạn"), INT), (_("Trễ hạn"), INT),
                 (_("Tỷ lệ đúng hạn"), RATE), (_("Còn đang xử lý"), INT), (_("Quá hạn chưa xử lý"), INT),
                 (_("Thời gian xử lý trung bình (ngày)"), DAYS)],
    )
    rows, total = _unit_rows(agency, spec)
    for name, f in [*rows, (_("Tổng cộng"), total)]:
        table.rows.append([name, f.received, f.received_paper, f.received_secret, f.due, f.on_time, f.late,
                           f.processed_on_time_rate, f.open_end, f.overdue_open, f.average_processing_days])
    table.emphasis.add(len(table.rows) - 1)
    table.notes.append((_("Ghi chú"), [
        _("Đến hạn giải quyết: văn bản có hạn xử lý trong kỳ; trễ hạn gồm cả văn bản chưa hoàn thành khi hết hạn."),
        _("Còn đang xử lý, quá hạn chưa xử lý: tại thời điểm cuối kỳ."),
    ]))
    return table


def outgoing_report(*, agency: Agency, spec: PeriodSpec) -> ReportTable:
    table = ReportTable(
        kind=ReportKind.OUTGOING, title=_("Báo cáo văn bản đi"), agency_name=agency.name,
        period_label=period_label(spec),
        columns=[(_("Đơn vị soạn thảo"), TEXT), (_("Ban hành điện tử"), INT), (_("Chỉ gửi nội bộ"), INT),
                 (_("Chỉ bản giấy"), INT), (_("Văn bản mật"), INT), (_("Lượt gửi cơ quan nhận"), INT),
                 (_("Ký số cá nhân"), INT), (_("Tỷ lệ ký số cá nhân"), RATE), (_("Ký số cơ quan"), INT),
                 (_("Tỷ lệ ký số cơ quan"), RATE), (_("Đã thu hồi"), INT), (_("Gửi liên thông ngoài hệ thống"), INT)],
    )
    rows, total = _unit_rows(agency, spec)
    for name, f in [*rows, (_("Tổng cộng"), total)]:
        table.rows.append([name, f.sent, f.sent_internal, f.sent_paper, f.sent_secret, f.deliveries,
                           f.sent_personal_signed, f.personal_signature_rate, f.sent_org_signed, f.org_signature_rate,
                           f.recalled, f.exchange_sent])
    table.emphasis.add(len(table.rows) - 1)
    return table


BUILDERS = {
    ReportKind.PROVINCE_MONTHLY: province_monthly,
    ReportKind.INCOMING_HANDLING: incoming_handling,
    ReportKind.OUTGOING: outgoing_report,
}


def report_table(kind: str, *, agency: Agency, spec: PeriodSpec) -> ReportTable:
    return BUILDERS[ReportKind(kind)](agency=agency, spec=spec)
