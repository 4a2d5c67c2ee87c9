"""Statistics for a provincial dashboard or the national reporting system: the same figures as the screens, from
the rollups, within the caller's statistics scope (counts only, never document content)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from vanthu.api.auth import request_actor
from vanthu.api.schemas import ErrorOut, PathId
from vanthu.core.errors import ApplicationError
from vanthu.core.periods import Period
from vanthu.reports.figures import Figures
from vanthu.reports.models import COUNT_FIELDS
from vanthu.reports.selectors import dashboard_for, default_month

router = Router(tags=["Thống kê"])
ERRORS: dict[int, type[ErrorOut]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class PeriodQuery(Schema):
    kind: Literal["month", "quarter", "year"] = "month"
    year: Annotated[int | None, Field(None, ge=2000, le=2100)]
    month: Annotated[int | None, Field(None, ge=1, le=12)]
    quarter: Annotated[int | None, Field(None, ge=1, le=4)]


class FiguresOut(Schema):
    counts: dict[str, int]
    transactions: int
    personal_signature_rate: Decimal | None
    org_signature_rate: Decimal | None
    processed_on_time_rate: Decimal | None
    completed_on_time_rate: Decimal | None
    late: int
    average_processing_days: Decimal | None


class AgencyFiguresOut(Schema):
    id: int
    name: str
    level: str
    own: FiguresOut
    subtree: FiguresOut


class LevelOut(Schema):
    level: str
    name: str
    agencies: int
    figures: FiguresOut


class MonthOut(Schema):
    year: int
    month: int
    figures: FiguresOut


class StatsOut(Schema):
    agency: AgencyFiguresOut
    period: list[str] = Field(description="Các tháng của kỳ, YYYY-MM")
    children: list[AgencyFiguresOut]
    levels: list[LevelOut]
    trend: list[MonthOut]
    full_marks: list[int] = Field(description="Cơ quan đạt 100 % ký số cá nhân và ký số cơ quan")
    lagging: list[int] = Field(description="Cơ quan dưới ngưỡng tỷ lệ ký số")
    threshold: Decimal


def _figures(figures: Figures) -> FiguresOut:
    return FiguresOut(
        counts={name: figures.counts[name] for name in COUNT_FIELDS}, transactions=figures.transactions,
        personal_signature_rate=figures.personal_signature_rate, org_signature_rate=figures.org_signature_rate,
        processed_on_time_rate=figures.processed_on_time_rate, completed_on_time_rate=figures.completed_on_time_rate,
        late=figures.late, average_processing_days=figures.average_processing_days,
    )


def _period(query: PeriodQuery) -> Period:
    year, month = default_month()
    year = query.year or year
    if query.kind == "year":
        return Period.year(year, up_to=timezone.localdate())
    if query.kind == "quarter":
        if query.quarter is None:
            raise ApplicationError("invalid_input", _("Thiếu quý (quarter)."), {"fields": {"quarter": ""}})
        return Period.quarter(year, query.quarter)
    return Period.month(year, query.month or month)


def _stats(request: HttpRequest, query: PeriodQuery, agency_id: int | None) -> StatsOut:
    board = dashboard_for(actor=request_actor(request), period=_period(query), agency_id=agency_id)
    root = AgencyFiguresOut(id=board.root.id, name=board.root.name, level=board.root.level_code,
                            own=_figures(board.own), subtree=_figures(board.total))
    children = [AgencyFiguresOut(id=r.node.id, name=r.node.name, level=r.node.level_code, own=_figures(r.own),
                                 subtree=_figures(r.total)) for r in board.rows if r.node.id != board.root.id]
    return StatsOut(
        agency=root, period=[f"{y}-{m:02d}" for y, m in board.period.months], children=children,
        levels=[LevelOut(level=code, name=name, agencies=count, figures=_figures(figures))
                for code, name, figures, count in board.levels],
        trend=[MonthOut(year=y, month=m, figures=_figures(f)) for (y, m), f in board.months],
        full_marks=[r.node.id for r in board.full_marks], lagging=[r.node.id for r in board.lagging],
        threshold=board.threshold,
    )


@router.get("/stats", response={200: StatsOut, **ERRORS},
            summary="Số liệu thống kê của phạm vi được xem (mặc định: tháng vừa kết thúc)")
def stats_root(request: HttpRequest, query: Query[PeriodQuery]) -> StatsOut:
    return _stats(request, query, None)


@router.get("/stats/agencies/{agency_id}", response={200: StatsOut, **ERRORS},
            summary="Số liệu thống kê của một cơ quan và các cơ quan trực thuộc")
def stats_agency(request: HttpRequest, agency_id: PathId, query: Query[PeriodQuery]) -> StatsOut:
    return _stats(request, query, agency_id)
