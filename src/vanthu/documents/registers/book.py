"""The three register books of ND30 Phụ lục IV as titled tables: "Sổ đăng ký văn bản đến" (10 columns), "Sổ theo
dõi giải quyết văn bản đến" (7 columns) and "Sổ đăng ký văn bản đi" (10 columns, voided numbers kept and greyed).

A book is the register, the period and its rows (typed: dates are dates, numbers are numbers); ``table()`` turns
it into the ``TitledTable`` the screen, the XLSX and the PDF all show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanthu.core.errors import PermissionDeniedError
from vanthu.core.formatting import local_naive
from vanthu.core.periods import Period
from vanthu.core.tables import Align, Cell, Column, Kind, Row, RowStyle, TitledTable, standard_titles
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode


class BookKind(models.TextChoices):
    ARRIVAL = "ARRIVAL", gettext_lazy("Sổ đăng ký văn bản đến")
    HANDLING = "HANDLING", gettext_lazy("Sổ theo dõi giải quyết văn bản đến")
    OUTGOING = "OUTGOING", gettext_lazy("Sổ đăng ký văn bản đi")


INCOMING_BOOKS = (BookKind.ARRIVAL, BookKind.HANDLING)
# The book in a download's name, ASCII (the period follows): so-van-ban-den-nam-2026.pdf
FILE_STEMS = {BookKind.ARRIVAL: "so-van-ban-den", BookKind.HANDLING: "so-theo-doi-giai-quyet-van-ban-den",
              BookKind.OUTGOING: "so-van-ban-di"}


def _number(heading: str) -> Column:
    """Số đến: an ordinal with a leading zero below 10 (ND30 Phụ lục I), centred."""
    return Column(heading, Kind.INTEGER, Align.CENTER, digits=2)


def _signature(heading: str) -> Column:
    """Ký nhận: empty in the system, signed by hand on the printed book."""
    return Column(heading, min_chars=9)


def book_columns(kind: str) -> tuple[Column, ...]:
    """The columns of a book (translated when asked, so the language of the request applies)."""
    if kind == BookKind.ARRIVAL:
        return (
            Column(_("Ngày đến"), Kind.DATE), _number(_("Số đến")), Column(_("Tác giả")),
            Column(_("Số, ký hiệu")), Column(_("Ngày tháng văn bản"), Kind.DATE),
            Column(_("Tên loại và trích yếu nội dung")),
            Column(_("Đơn vị hoặc người nhận")), Column(_("Ngày chuyển"), Kind.DATE),
            _signature(_("Ký nhận")), Column(_("Ghi chú")),
        )
    if kind == BookKind.HANDLING:
        return (
            _number(_("Số đến")),
            Column(_("Tên loại, số, ký hiệu, ngày tháng văn bản, cơ quan ban hành")),
            Column(_("Đơn vị hoặc người nhận")), Column(_("Thời hạn giải quyết"), Kind.DATE),
            Column(_("Tiến độ giải quyết")), Column(_("Số, ký hiệu văn bản trả lời")),
            Column(_("Ghi chú")),
        )
    return (
        Column(_("Số, ký hiệu văn bản")), Column(_("Ngày tháng văn bản"), Kind.DATE),
        Column(_("Tên loại và trích yếu nội dung văn bản")), Column(_("Người ký")),
        Column(_("Nơi nhận văn bản")), Column(_("Đơn vị, người nhận bản lưu")),
        Column(_("Số lượng bản"), Kind.INTEGER, Align.CENTER), Column(_("Ngày chuyển"), Kind.DATE),
        _signature(_("Ký nhận")), Column(_("Ghi chú")),
    )


class BookRow(Protocol):
    """A line of a book: the document it is about and its cells in column order."""

    @property
    def document_id(self) -> int: ...

    def cells(self) -> tuple[Cell, ...]: ...

    @property
    def is_voided(self) -> bool: ...


@dataclass(frozen=True)
class RegisterBook:
    agency_name: str
    title: str
    period: Period
    kind: str
    rows: tuple[BookRow, ...]

    @property
    def columns(self) -> tuple[Column, ...]:
        return book_columns(self.kind)

    @property
    def period_label(self) -> str:
        return self.period.label

    @property
    def file_stem(self) -> str:
        return f"{FILE_STEMS[BookKind(self.kind)]}-{self.period.slug}"

    def table(self) -> TitledTable:
        return TitledTable(
            name=self.title, author=self.agency_name,
            title_lines=standard_titles(agency=self.agency_name, title=self.title, subtitle=self.period.label),
            columns=self.columns,
            rows=tuple(Row(row.cells(), RowStyle.MUTED if row.is_voided else RowStyle.NORMAL, row.document_id)
                       for row in self.rows),
        )


def local_date(value: dt.date | dt.datetime | None) -> dt.date | None:
    """The day of a moment in Vietnam (a date stays itself)."""
    if isinstance(value, dt.datetime):
        return local_naive(value).date()
    return value


def require_register_reader(actor: Actor) -> int:
    """Registers are printed by the clerk and read by the leaders of the agency (docs/domain/roles.md): their agency."""
    if actor.agency_id is None or not actor.has_role(RoleCode.CLERK, RoleCode.LEADER):
        raise PermissionDeniedError("forbidden", _("Chỉ văn thư và lãnh đạo cơ quan được xem sổ văn bản."))
    return actor.agency_id
