"""Who sees which statistics, and the dashboard's data.

Scope (docs/domain/roles.md): a system administrator sees the whole deployment; a statistics viewer (``STATS_VIEWER``)
and a
leader see the subtree of their acting agency (a leader of UBND tỉnh: the province); a unit leader sees their unit.
Counts only: the documents behind a number are listed only to someone who may read them (``documents_behind``
intersects the metric with the actor's own document visibility), so a statistics viewer never sees content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.errors import NotFoundError, PermissionDeniedError
from vanthu.core.periods import Month, Period
from vanthu.documents.outgoing.selectors import outgoing_visibility_q
from vanthu.documents.permissions import incoming_visibility_q
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode
from vanthu.organizations.models import Agency, Unit
from vanthu.reports.figures import (
    AgencyNode,
    Figures,
    agency_tree,
    by_level,
    figures_by_agency,
    figures_by_unit,
    subtree_totals,
    trend,
)
from vanthu.reports.metrics import DRILLABLE, OUTGOING_METRICS, documents_for
from vanthu.reports.models import ReportSettings

VIEWER_ROLES = (RoleCode.STATS_VIEWER, RoleCode.LEADER)
DEFAULT_THRESHOLD = Decimal("95.00")


@dataclass(frozen=True)
class StatsScope:
    """The agencies (subtree roots) an actor may see the statistics of; ``unit_id`` for a unit leader."""

    root_ids: tuple[int, ...]
    unit_id: int | None = None
    everything: bool = False


def stats_scope_for(actor: Actor) -> StatsScope | None:
    if actor.is_sysadmin:
        roots = Agency.objects.filter(parent__isnull=True).order_by("id").values_list("pk", flat=True)
        return StatsScope(root_ids=tuple(roots), everything=True)
    if actor.agency_id is None:
        return None
    if actor.has_role(*VIEWER_ROLES):
        return StatsScope(root_ids=(actor.agency_id,))
    if actor.has_role(RoleCode.UNIT_LEADER) and actor.unit_id is not None:
        return StatsScope(root_ids=(actor.agency_id,), unit_id=actor.unit_id)
    return None


def stats_scope_require(actor: Actor) -> StatsScope:
    scope = stats_scope_for(actor)
    if scope is None:
        raise PermissionDeniedError("forbidden", _("Bạn không có quyền xem thống kê."))
    return scope


def stats_agency_get(*, actor: Actor, agency_id: int) -> tuple[StatsScope, dict[int, AgencyNode]]:
    """The scope and the visible tree, if ``agency_id`` is in it; the same not-found for "missing" and "not
    yours". A unit leader's scope is their agency only."""
    scope = stats_scope_require(actor)
    nodes = agency_tree(None if scope.everything else scope.root_ids)
    if agency_id not in nodes or (scope.unit_id is not None and agency_id != actor.agency_id):
        raise NotFoundError("not_found", _("Không tìm thấy cơ quan."))
    return scope, nodes


def report_threshold(agency_id: int) -> Decimal:
    """The rate under which an agency is listed as lagging, set per root agency (the province)."""
    value = ReportSettings.objects.filter(agency_id=agency_id).values_list("threshold", flat=True).first()
    return value if value is not None else DEFAULT_THRESHOLD


@dataclass(frozen=True)
class AgencyRow:
    node: AgencyNode
    own: Figures
    total: Figures  # own plus every agency under it
    children: int


@dataclass(frozen=True)
class Dashboard:
    root: AgencyNode
    period: Period
    own: Figures  # the root agency's own documents
    total: Figures  # the root and everything under it
    rows: list[AgencyRow]  # the root's direct children (or the root alone)
    ranking: list[AgencyRow]  # every agency of the subtree with something sent, best personal rate first
    full_marks: list[AgencyRow]  # 100 % personal and agency signature rates
    lagging: list[AgencyRow]  # either rate under the threshold
    levels: list[tuple[str, str, Figures, int]]
    months: list[tuple[Month, Figures]]
    units: list[tuple[Unit, Figures]]
    threshold: Decimal


def last_months(last: Month, count: int = 12) -> list[Month]:
    year, month = last
    months = []
    for _index in range(count):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def _row(pk: int, nodes: dict[int, AgencyNode], own: dict[int, Figures], totals: dict[int, Figures],
         children: dict[int, list[int]]) -> AgencyRow:
    return AgencyRow(node=nodes[pk], own=own.get(pk, Figures()), total=totals[pk], children=len(children.get(pk, [])))


def dashboard_for(*, actor: Actor, period: Period, agency_id: int | None = None) -> Dashboard:
    """The figures of one agency's subtree for the period: its children, ranking, 100 % and lagging lists,
    levels, the trend of the twelve months up to the period's last, its units. A fixed number of queries."""
    scope = stats_scope_require(actor)
    root_id = agency_id or scope.root_ids[0]
    scope, nodes = stats_agency_get(actor=actor, agency_id=root_id)
    subtree = agency_tree([root_id]) if scope.everything or root_id != scope.root_ids[0] else nodes
    ids = list(subtree)
    own = figures_by_agency(period, agency_ids=ids)
    totals = subtree_totals(subtree, own)
    children: dict[int, list[int]] = {}
    for node in subtree.values():
        if node.parent_id is not None:
            children.setdefault(node.parent_id, []).append(node.id)
    direct = sorted(children.get(root_id, []), key=lambda pk: (subtree[pk].level_rank, subtree[pk].name))
    rows = [_row(pk, subtree, own, totals, children) for pk in direct] or [
        _row(root_id, subtree, own, totals, children)]
    everyone = [_row(pk, subtree, own, totals, children) for pk in ids]
    active = [r for r in everyone if r.own.sent > 0]
    threshold = report_threshold(scope.root_ids[0] if not scope.everything else root_id)
    ranking = sorted(active, key=lambda r: (-(r.own.personal_signature_rate or 0),
                                            -(r.own.org_signature_rate or 0), r.node.name))
    full = [r for r in active if r.own.full_marks]
    lagging = [r for r in active if (r.own.lowest_signature_rate or 0) < threshold]
    unit_rows: list[tuple[Unit, Figures]] = []
    if scope.unit_id is None or root_id == actor.agency_id:
        per_unit = figures_by_unit(period, agency_id=root_id)
        units = Unit.objects.filter(pk__in=list(per_unit)).order_by("name")
        if scope.unit_id is not None:
            units = units.filter(pk=scope.unit_id)
        unit_rows = [(unit, per_unit[unit.pk]) for unit in units]
    return Dashboard(
        root=subtree[root_id], period=period, own=own.get(root_id, Figures()), total=totals[root_id], rows=rows,
        ranking=ranking, full_marks=full,
        lagging=sorted(lagging, key=lambda r: (r.own.personal_signature_rate or 0, r.node.name)),
        levels=by_level(subtree, own), months=trend(last_months(period.last_month), agency_ids=ids), units=unit_rows,
        threshold=threshold,
    )


def documents_behind(*, actor: Actor, metric: str, agency_id: int, period: Period,
                     unit_id: int | None = None) -> QuerySet:  # type: ignore[type-arg]
    """The documents behind one number, as far as the actor may read them; not-found for anyone else."""
    stats_agency_get(actor=actor, agency_id=agency_id)
    if metric not in DRILLABLE:
        raise NotFoundError("not_found", _("Không có danh sách văn bản cho số liệu này."))
    if actor.agency_id != agency_id:
        raise NotFoundError("not_found", _("Chỉ xem được văn bản của cơ quan mình."))
    rows = documents_for(metric, agency_id=agency_id, period=period, unit_id=unit_id)
    visible = outgoing_visibility_q(actor) if metric in OUTGOING_METRICS else incoming_visibility_q(actor)
    return rows.filter(visible).select_related("document_type").order_by("-pk")


def default_month(today: dt.date | None = None) -> Month:
    """The last month that has ended: what the province reports on."""
    today = today or timezone.localdate()
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
