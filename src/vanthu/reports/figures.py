"""Figures from the rollups over a period of whole months: sums up the agency tree and by level, and the rates.

Rates are computed from summed counts, never by averaging rates (docs/domain/statistics.md): 100 × numerator /
denominator,
rounded half-up to 2 decimals, ``None`` (shown "—") when the denominator is 0. Snapshot figures (open at the end,
overdue at the end) of a period of several months are those of its last month; every other count is summed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.db.models import Q, Sum

from vanthu.core.periods import Month, Period
from vanthu.organizations.models import Agency
from vanthu.reports.models import COUNT_FIELDS, MonthlyStat

SNAPSHOT_FIELDS = ("overdue_open", "open_end")


def rate(numerator: int, denominator: int) -> Decimal | None:
    """``100 × numerator / denominator`` rounded half-up to 2 decimals; None when there is nothing to divide."""
    if denominator <= 0:
        return None
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """The counts of one scope (an agency, a subtree, a level, a unit) over one period, and what derives."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_FIELDS, 0))

    def __getattr__(self, name: str) -> int:
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return int(counts[name])
        raise AttributeError(name)

    def add(self, other: Figures) -> None:
        for name in COUNT_FIELDS:
            self.counts[name] += other.counts[name]

    @property
    def transactions(self) -> int:
        return self.counts["received"] + self.counts["sent"]

    @property
    def personal_signature_rate(self) -> Decimal | None:
        return rate(self.counts["sent_personal_signed"], self.counts["sent"])

    @property
    def org_signature_rate(self) -> Decimal | None:
        return rate(self.counts["sent_org_signed"], self.counts["sent"])

    @property
    def lowest_signature_rate(self) -> Decimal | None:
        """The lower of the personal and agency signature rates: what the province's threshold is held against."""
        rates = [r for r in (self.personal_signature_rate, self.org_signature_rate) if r is not None]
        return min(rates) if rates else None

    @property
    def full_marks(self) -> bool:
        return self.personal_signature_rate == 100 and self.org_signature_rate == 100

    @property
    def processed_on_time_rate(self) -> Decimal | None:
        return rate(self.counts["on_time"], self.counts["due"])

    @property
    def completed_on_time_rate(self) -> Decimal | None:
        """The alternative cohort (docs/domain/statistics.md): of the documents completed in the period with a
        deadline."""
        return rate(self.counts["completed_on_time"], self.counts["completed_due"])

    @property
    def late(self) -> int:
        """Due in the period and not completed by the end of their deadline day."""
        return self.counts["due"] - self.counts["on_time"]

    @property
    def average_processing_days(self) -> Decimal | None:
        if not self.counts["processing_count"]:
            return None
        days = Decimal(self.counts["processing_seconds"]) / Decimal(86400 * self.counts["processing_count"])
        return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _months_q(months: Iterable[Month]) -> Q:
    condition = Q()
    for year, month in months:
        condition |= Q(year=year, month=month)
    return condition


def _rows(period: Period, *, agency_ids: Iterable[int] | None,
          units: bool) -> Iterable[tuple[int, int | None, int, int, tuple[int, ...]]]:
    """(agency, unit, year, month, counts in COUNT_FIELDS order) — plain tuples: a province is thousands of rows."""
    rows = MonthlyStat.objects.filter(_months_q(period.months)).filter(unit__isnull=not units)
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=list(agency_ids))
    for agency_id, unit_id, year, month, *counts in rows.values_list("agency_id", "unit_id", "year", "month",
                                                                     *COUNT_FIELDS):
        yield agency_id, unit_id, year, month, tuple(counts)


_SNAPSHOT_INDEXES = frozenset(COUNT_FIELDS.index(name) for name in SNAPSHOT_FIELDS)


def _accumulate(into: Figures, row: tuple[int, int | None, int, int, tuple[int, ...]], last: Month) -> None:
    _agency, _unit, year, month, counts = row
    is_last = (year, month) == last
    target = into.counts
    for index, name in enumerate(COUNT_FIELDS):
        if index in _SNAPSHOT_INDEXES and not is_last:
            continue
        target[name] += counts[index]


def figures_by_agency(period: Period, *, agency_ids: Iterable[int] | None = None) -> dict[int, Figures]:
    """Each agency's own figures (not its subtree) over the whole months of ``period``: one query."""
    result: dict[int, Figures] = defaultdict(Figures)
    for row in _rows(period, agency_ids=agency_ids, units=False):
        _accumulate(result[row[0]], row, period.last_month)
    return dict(result)


def figures_by_unit(period: Period, *, agency_id: int) -> dict[int, Figures]:
    result: dict[int, Figures] = defaultdict(Figures)
    for row in _rows(period, agency_ids=[agency_id], units=True):
        assert row[1] is not None
        _accumulate(result[row[1]], row, period.last_month)
    return dict(result)


def trend(months: Sequence[Month], *, agency_ids: Iterable[int] | None = None) -> list[tuple[Month, Figures]]:
    """The figures of each month (summed over ``agency_ids`` by the database), oldest first: one query."""
    by_month: dict[Month, Figures] = {m: Figures() for m in months}
    rows = MonthlyStat.objects.filter(_months_q(months), unit__isnull=True)
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=list(agency_ids))
    sums = rows.values("year", "month").annotate(**{f"s_{name}": Sum(name) for name in COUNT_FIELDS})
    for row in cast(Iterable[dict[str, Any]], sums):
        figures = by_month[(row["year"], row["month"])]
        for name in COUNT_FIELDS:
            figures.counts[name] = int(row[f"s_{name}"] or 0)
    return list(by_month.items())


@dataclass(frozen=True)
class AgencyNode:
    id: int
    name: str
    parent_id: int | None
    level_code: str
    level_name: str
    level_rank: int


def agency_tree(root_ids: Iterable[int] | None = None) -> dict[int, AgencyNode]:
    """Active and past agencies with their parent and level (one query); restricted to the subtrees of
    ``root_ids`` when given."""
    rows = Agency.objects.values_list("pk", "name", "parent_id", "level__code", "level__name", "level__rank")
    nodes = {pk: AgencyNode(pk, name, parent, code or "", level or "", rank or 99)
             for pk, name, parent, code, level, rank in rows}
    if root_ids is None:
        return nodes
    keep = set()
    children = _children(nodes)
    stack = list(root_ids)
    while stack:
        pk = stack.pop()
        if pk in keep or pk not in nodes:
            continue
        keep.add(pk)
        stack.extend(children.get(pk, ()))
    return {pk: node for pk, node in nodes.items() if pk in keep}


def _children(nodes: dict[int, AgencyNode]) -> dict[int, list[int]]:
    children: dict[int, list[int]] = defaultdict(list)
    for node in nodes.values():
        if node.parent_id is not None:
            children[node.parent_id].append(node.id)
    return children


def subtree_totals(nodes: dict[int, AgencyNode], own: dict[int, Figures]) -> dict[int, Figures]:
    """Each agency's figures plus those of every agency under it (province → departments, districts →
    communes), by summing counts."""
    children = _children(nodes)
    totals: dict[int, Figures] = {}

    def visit(pk: int, trail: frozenset[int]) -> Figures:
        if pk in totals:
            return totals[pk]
        total = Figures()
        if pk in own:
            total.add(own[pk])
        for child in children.get(pk, ()):
            if child not in trail:  # a cycle in bad data must not loop forever
                total.add(visit(child, trail | {child}))
        totals[pk] = total
        return total

    for pk in nodes:
        visit(pk, frozenset({pk}))
    return totals


def by_level(nodes: dict[int, AgencyNode], own: dict[int, Figures]) -> list[tuple[str, str, Figures, int]]:
    """(level code, level name, summed figures, number of agencies) per level, highest level first."""
    sums: dict[str, Figures] = defaultdict(Figures)
    counts: dict[str, int] = defaultdict(int)
    meta: dict[str, tuple[str, int]] = {}
    for pk, node in nodes.items():
        counts[node.level_code] += 1
        meta[node.level_code] = (node.level_name, node.level_rank)
        if pk in own:
            sums[node.level_code].add(own[pk])
    order = sorted(meta, key=lambda code: (meta[code][1], code))
    return [(code, meta[code][0], sums[code], counts[code]) for code in order]
