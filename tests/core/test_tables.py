"""The titled-table model and its layout: columns sized to their content, text wrapped between words only."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from vanthu.core.fonts import SERIF, SERIF_BOLD, serif_fonts_register
from vanthu.core.tables import (
    Column,
    Footnote,
    Kind,
    Row,
    RowStyle,
    TitledTable,
    standard_titles,
    table_pdf,
    table_xlsx,
)
from vanthu.core.tables.layout import Fonts, Measure, table_layout, wrap

LONG = "Về việc triển khai thực hiện Kế hoạch chuyển đổi số trong cơ quan nhà nước giai đoạn 2026–2030"


def _table(*rows: Row, columns: tuple[Column, ...] | None = None) -> TitledTable:
    return TitledTable(name="Báo cáo thử", author="Sở Thử nghiệm",
                       title_lines=standard_titles(agency="Sở Thử nghiệm", title="Báo cáo thử", subtitle="Năm 2026"),
                       columns=columns or (Column("Ngày", Kind.DATE), Column("Trích yếu"), Column("Số lượng bản",
                                                                                                  Kind.INTEGER)),
                       rows=rows)


def _layout(table: TitledTable, width: float = 500.0) -> tuple[float, ...]:
    serif_fonts_register()
    return table_layout(table, fonts=Fonts(SERIF, SERIF_BOLD), available=width, sizes=(10.0,), padding=3.0).widths


def test_cells_read_in_vietnamese() -> None:
    rate, count, days = Column("", Kind.PERCENT), Column("", Kind.INTEGER), Column("", Kind.DAYS)
    assert (rate.text(Decimal("98.93")), count.text(40770), days.text(Decimal("2.5"))) == ("98,93 %", "40.770", "2,5")
    assert (rate.text(None), Column("", Kind.DATE).text(dt.date(2026, 8, 12))) == ("—", "12/08/2026")
    assert Column("", Kind.INTEGER, digits=2).text(7) == "07"


def test_a_date_column_is_never_narrower_than_its_dates() -> None:
    serif_fonts_register()
    widths = _layout(_table(Row((dt.date(2026, 8, 12), LONG, 3))), width=300)
    assert widths[0] >= Measure(SERIF, 10).width("12/08/2026") + 6
    assert abs(sum(widths) - 300) < 0.1  # the table fills the width it has


def test_the_long_text_column_takes_the_spare_width() -> None:
    widths = _layout(_table(Row((dt.date(2026, 8, 12), LONG, 3))))
    assert widths[1] > widths[0] + widths[2]


def test_text_wraps_between_words_only() -> None:
    serif_fonts_register()
    measure = Measure(SERIF, 10)
    lines = [text for text, _width in wrap(LONG, 120, measure)]
    assert len(lines) > 2 and " ".join(lines) == LONG
    assert all(measure.text_width(line) <= 120 for line in lines)


def test_a_word_wider_than_the_column_is_cut_after_a_slash() -> None:
    serif_fonts_register()
    measure = Measure(SERIF, 10)
    lines = [text for text, _width in wrap("1234/QĐ-UBND-VPUBND-KHTC-TCKT", 70, measure)]
    assert "".join(lines) == "1234/QĐ-UBND-VPUBND-KHTC-TCKT" and lines[0].endswith(("/", "-"))


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="a row of 2 cells in a table of 3 columns"):
        _table(Row((dt.date(2026, 8, 12), "một ô thiếu")))


def test_xlsx_totals_are_bold_and_rates_are_percentages() -> None:
    table = TitledTable(
        name="Báo cáo", author="Sở", title_lines=standard_titles(agency="Sở", title="Báo cáo"),
        columns=(Column("Đơn vị"), Column("Tỷ lệ", Kind.PERCENT), Column("Ngày xử lý", Kind.DAYS)),
        rows=(Row(("Văn phòng", Decimal("98.93"), Decimal("2.5"))),),
        totals=(Row(("Tổng cộng", Decimal("100.00"), None)),),
        footnotes=(Footnote("Ghi chú", ("Một dòng",)),))
    sheet = load_workbook(io.BytesIO(table_xlsx(table))).active
    assert sheet is not None
    assert sheet["B5"].value == 0.9893 and sheet["B5"].number_format == "0.00%"
    assert sheet["C5"].value == 2.5 and sheet["C5"].number_format == "0.0"
    assert sheet["A6"].font.b and sheet["B6"].value == 1.0
    assert sheet["A8"].value == "Ghi chú" and sheet["A9"].value == "– Một dòng"
    assert sheet.freeze_panes == "A5" and sheet.print_title_rows == "$4:$4"


def test_a_section_row_spans_the_table() -> None:
    table = _table(Row(("Chữ ký 1",), RowStyle.SECTION), Row((None, "Người ký", 1)))
    sheet = load_workbook(io.BytesIO(table_xlsx(table))).active
    assert sheet is not None
    assert "A6:C6" in {str(r) for r in sheet.merged_cells.ranges} and sheet["A6"].value == "Chữ ký 1"


@pytest.mark.tool
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="apt-get install poppler-utils")
def test_a_row_taller_than_a_page_continues_on_the_next_page_with_the_headings() -> None:
    words = [f"từ{n}" for n in range(1500)]
    table = _table(Row((dt.date(2026, 8, 12), " ".join(words), 3)), Row((dt.date(2026, 8, 13), "Dòng sau", 4)))
    text = subprocess.run(["pdftotext", "-", "-"], input=table_pdf(table), capture_output=True, check=True,
                          timeout=60).stdout.decode()
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) >= 2 and all("Trích yếu" in page for page in pages)
    printed = [w for w in text.split() if w.startswith("từ")]
    assert printed == words  # every word once, in order, across the pages
    assert "Dòng sau" in pages[-1]
