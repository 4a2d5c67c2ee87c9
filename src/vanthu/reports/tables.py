"""The three reports as titled tables (the same table feeds the screen, the XLSX and the PDF, so they show the same
numbers): the province's monthly report on electronic documents, ND30's "báo cáo tình hình giải quyết văn bản
đến" and the outgoing report."""

from __future__ import annotations

from django.utils.translation import gettext as _

from vanthu.core.formatting import vn_percent
from vanthu.core.periods import Period
from vanthu.core.tables import Cell, Column, Footnote, Kind, Row, RowStyle, TitledTable, standard_titles
from vanthu.organizations.models import Agency, Unit
from vanthu.reports.figures import Figures, agency_tree, by_level, figures_by_agency, figures_by_unit
from vanthu.reports.models import ReportKind
from vanthu.reports.selectors import report_threshold

# The report in a download's name, ASCII (the period follows): bao-cao-thang-tinh-2026-11.xlsx
FILE_STEMS = {ReportKind.PROVINCE_MONTHLY: "bao-cao-thang-tinh",
              ReportKind.INCOMING_HANDLING: "bao-cao-giai-quyet-van-ban-den",
              ReportKind.OUTGOING: "bao-cao-van-ban-di"}


def report_file_name(kind: str, period: Period, extension: str) -> str:
    return f"{FILE_STEMS[ReportKind(kind)]}-{period.slug}.{extension}"


def _report(*, title: str, agency: Agency, period: Period, columns: list[Column], rows: list[Row],
            totals: list[Row], footnotes: list[Footnote] | None = None) -> TitledTable:
    return TitledTable(name=title, author=agency.name,
                       title_lines=standard_titles(agency=agency.name, title=title, subtitle=period.label),
                       columns=tuple(columns), rows=tuple(rows), totals=tuple(totals),
                       footnotes=tuple(footnotes or ()))


def _signature_cells(figures: Figures) -> tuple[Cell, ...]:
    return (figures.received, figures.sent, figures.sent_personal_signed, figures.personal_signature_rate,
            figures.sent_org_signed, figures.org_signature_rate, figures.on_time, figures.due,
            figures.processed_on_time_rate)


def province_monthly(*, agency: Agency, period: Period) -> TitledTable:
    """Per agency of the subtree, by level with level totals and the province total; then the agencies at 100 %
    and those under the province's threshold."""
    nodes = agency_tree([agency.pk])
    own = figures_by_agency(period, agency_ids=list(nodes))
    columns = [Column(_("STT"), Kind.INTEGER, weight=0), Column(_("Cơ quan, đơn vị")),
               Column(_("Văn bản đến điện tử"), Kind.INTEGER), Column(_("Văn bản đi điện tử"), Kind.INTEGER),
               Column(_("Ký số cá nhân"), Kind.INTEGER), Column(_("Tỷ lệ ký số cá nhân"), Kind.PERCENT),
               Column(_("Ký số cơ quan"), Kind.INTEGER), Column(_("Tỷ lệ ký số cơ quan"), Kind.PERCENT),
               Column(_("Giải quyết đúng hạn"), Kind.INTEGER), Column(_("Đến hạn giải quyết"), Kind.INTEGER),
               Column(_("Tỷ lệ đúng hạn"), Kind.PERCENT)]
    rows: list[Row] = []
    grand = Figures()
    for code, name, total, _count in by_level(nodes, own):
        members = sorted((n for n in nodes.values() if n.level_code == code), key=lambda n: n.name)
        rows.append(Row(("", name or _("Chưa phân cấp"), *_signature_cells(total)), RowStyle.EMPHASIS))
        rows += [Row((number, node.name, *_signature_cells(own.get(node.id, Figures()))), key=node.id)
                 for number, node in enumerate(members, start=1)]
        grand.add(total)
    threshold = report_threshold(agency.pk)
    active = [(nodes[pk], f) for pk, f in own.items() if f.sent > 0]
    full = sorted(n.name for n, f in active if f.full_marks)
    lagging = sorted((n.name, f.lowest_signature_rate) for n, f in active
                     if (f.lowest_signature_rate or 0) < threshold)
    notes = [
        Footnote(_("Cơ quan đạt 100 % văn bản đi được ký số cá nhân và ký số cơ quan"), tuple(full or [_("Không có")])),
        Footnote(_("Cơ quan có tỷ lệ ký số dưới %(t)s") % {"t": vn_percent(threshold)},
                 tuple(f"{name} ({vn_percent(value)})" for name, value in lagging) or (_("Không có"),)),
    ]
    return _report(title=_("Báo cáo tình hình gửi, nhận văn bản điện tử"), agency=agency, period=period,
                   columns=columns, rows=rows, totals=[Row(("", _("Tổng cộng"), *_signature_cells(grand)))],
                   footnotes=notes)


def _unit_rows(agency: Agency, period: Period) -> tuple[list[tuple[str, Figures]], Figures]:
    per_unit = figures_by_unit(period, agency_id=agency.pk)
    total = figures_by_agency(period, agency_ids=[agency.pk]).get(agency.pk, Figures())
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


def incoming_handling(*, agency: Agency, period: Period) -> TitledTable:
    """ND30's report on the handling of incoming documents, per handling unit."""
    columns = [Column(_("Đơn vị xử lý")), Column(_("Văn bản đến điện tử"), Kind.INTEGER),
               Column(_("Văn bản đến giấy"), Kind.INTEGER), Column(_("Văn bản mật"), Kind.INTEGER),
               Column(_("Đến hạn giải quyết"), Kind.INTEGER), Column(_("Đúng hạn"), Kind.INTEGER),
               Column(_("Trễ hạn"), Kind.INTEGER), Column(_("Tỷ lệ đúng hạn"), Kind.PERCENT),
               Column(_("Còn đang xử lý"), Kind.INTEGER), Column(_("Quá hạn chưa xử lý"), Kind.INTEGER),
               Column(_("Thời gian xử lý trung bình (ngày)"), Kind.DAYS)]

    def cells(name: str, f: Figures) -> tuple[Cell, ...]:
        return (name, f.received, f.received_paper, f.received_secret, f.due, f.on_time, f.late,
                f.processed_on_time_rate, f.open_end, f.overdue_open, f.average_processing_days)

    units, total = _unit_rows(agency, period)
    notes = [Footnote(_("Ghi chú"), (
        _("Đến hạn giải quyết: văn bản có hạn xử lý trong kỳ; trễ hạn gồm cả văn bản chưa hoàn thành khi hết hạn."),
        _("Còn đang xử lý, quá hạn chưa xử lý: tại thời điểm cuối kỳ."),
    ))]
    return _report(title=_("Báo cáo tình hình giải quyết văn bản đến"), agency=agency, period=period,
                   columns=columns, rows=[Row(cells(name, f)) for name, f in units],
                   totals=[Row(cells(_("Tổng cộng"), total))], footnotes=notes)


def outgoing_report(*, agency: Agency, period: Period) -> TitledTable:
    columns = [Column(_("Đơn vị soạn thảo")), Column(_("Ban hành điện tử"), Kind.INTEGER),
               Column(_("Chỉ gửi nội bộ"), Kind.INTEGER), Column(_("Chỉ bản giấy"), Kind.INTEGER),
               Column(_("Văn bản mật"), Kind.INTEGER), Column(_("Lượt gửi cơ quan nhận"), Kind.INTEGER),
               Column(_("Ký số cá nhân"), Kind.INTEGER), Column(_("Tỷ lệ ký số cá nhân"), Kind.PERCENT),
               Column(_("Ký số cơ quan"), Kind.INTEGER), Column(_("Tỷ lệ ký số cơ quan"), Kind.PERCENT),
               Column(_("Đã thu hồi"), Kind.INTEGER), Column(_("Gửi liên thông ngoài hệ thống"), Kind.INTEGER)]

    def cells(name: str, f: Figures) -> tuple[Cell, ...]:
        return (name, f.sent, f.sent_internal, f.sent_paper, f.sent_secret, f.deliveries, f.sent_personal_signed,
                f.personal_signature_rate, f.sent_org_signed, f.org_signature_rate, f.recalled, f.exchange_sent)

    units, total = _unit_rows(agency, period)
    return _report(title=_("Báo cáo văn bản đi"), agency=agency, period=period, columns=columns,
                   rows=[Row(cells(name, f)) for name, f in units], totals=[Row(cells(_("Tổng cộng"), total))])


BUILDERS = {
    ReportKind.PROVINCE_MONTHLY: province_monthly,
    ReportKind.INCOMING_HANDLING: incoming_handling,
    ReportKind.OUTGOING: outgoing_report,
}


def report_table(kind: str, *, agency: Agency, period: Period) -> TitledTable:
    return BUILDERS[ReportKind(kind)](agency=agency, period=period)
