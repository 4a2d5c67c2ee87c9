"""What a clerk saw in the printed and downloaded register books: dates, numbers and words broken in the middle of a
PDF line ("12/08/20|26", "Số l|ượn|g|bản"), dates that were text in Excel, English in file names."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.builders import AgencyKit, registered_document
from vanthu.core.periods import Period
from vanthu.core.tables import table_pdf, table_xlsx
from vanthu.documents.registers import ArrivalRow, BookKind, OutgoingRow, RegisterBook
from vanthu.organizations.actor import Actor

SUBJECTS = (
    "Về việc triển khai thực hiện Kế hoạch chuyển đổi số trong cơ quan nhà nước tỉnh Demo giai đoạn 2026–2030 và "
    "định hướng đến năm 2035, bảo đảm an toàn thông tin mạng theo cấp độ",
    "Về việc đề nghị cung cấp số liệu phục vụ xây dựng báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế - "
    "xã hội sáu tháng đầu năm",
    "Về việc tăng cường công tác phòng, chống thiên tai, tìm kiếm cứu nạn trong mùa mưa bão",
)
ORGANS = ("Ủy ban nhân dân tỉnh Demo", "Sở Kế hoạch và Đầu tư", "Văn phòng Ủy ban nhân dân huyện Thử Nghiệm Xa")


def _arrival_book(rows: int = 60) -> RegisterBook:
    book_rows = tuple(
        ArrivalRow(
            document_id=n, arrival_date=dt.date(2026, 8, 1) + dt.timedelta(days=n % 28), arrival_number=n,
            author=ORGANS[n % 3], reference=f"{1000 + n}/UBND-VP", issued_date=dt.date(2026, 7, 1 + n % 28),
            type_and_subject="Công văn: " + SUBJECTS[n % 3], recipient="Phòng Kế hoạch - Tài chính",
            forwarded_date=dt.date(2026, 8, 12), receipt_signature="", note="Đã xử lý" if n % 4 == 0 else "")
        for n in range(1, rows + 1))
    return RegisterBook(agency_name="Sở Thông tin và Truyền thông tỉnh Demo", title="Sổ đăng ký văn bản đến",
                        period=Period.year(2026), kind=BookKind.ARRIVAL, rows=book_rows)


def _outgoing_book(rows: int = 40) -> RegisterBook:
    book_rows = tuple(
        OutgoingRow(
            document_id=n, reference=f"{n:02d}/QĐ-STTTT", issued_date=dt.date(2026, 9, 1 + n % 28),
            type_and_subject="Quyết định: " + SUBJECTS[n % 3], signer="Nguyễn Văn An; Trần Thị Bích Ngọc",
            to_places="Như Điều 3; Ủy ban nhân dân các huyện, thành phố; Lưu: VT, KHTC", file_copy="Văn thư, Văn phòng",
            copy_count=n % 12 + 1, forwarded_date=dt.date(2026, 9, 2 + n % 27), receipt_signature="",
            note="Đã hủy số: Sai nơi nhận" if n == 3 else "", is_voided=n == 3)
        for n in range(1, rows + 1))
    return RegisterBook(agency_name="Sở Thông tin và Truyền thông tỉnh Demo", title="Sổ đăng ký văn bản đi",
                        period=Period.year(2026), kind=BookKind.OUTGOING, rows=book_rows)


def _pdf_words(pdf: bytes) -> list[tuple[str, float]]:
    """Every word pdftotext finds, with the top of its box."""
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True,
                         timeout=60).stdout.decode()
    return [(html.unescape(word), float(top))
            for top, word in re.findall(r'<word xMin="[^"]+" yMin="([^"]+)"[^>]*>([^<]*)</word>', out)]


def _vocabulary(book: RegisterBook) -> set[str]:
    """Every whole word the book prints: titles, headings, cell texts, the page footer."""
    table = book.table()
    texts = [line.text for line in table.title_lines] + [c.heading for c in table.columns]
    texts += [text for row in table.rows for text in table.texts(row)]
    words = {word for text in texts for word in text.split()}
    return words | {"Trang"} | {f"{n}/{m}" for m in range(1, 60) for n in range(1, m + 1)}


@pytest.mark.tool
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="apt-get install poppler-utils")
@pytest.mark.parametrize("build", [_arrival_book, _outgoing_book], ids=["arrival", "outgoing"])
def test_pdf_never_breaks_a_date_a_number_or_a_word(build: object) -> None:
    book = build()  # type: ignore[operator]
    words = _pdf_words(table_pdf(book.table()))
    printed = [word for word, _top in words]
    # A piece of a word ("12/08/20", "ượn") is no word of the book: every printed word is whole.
    assert set(printed) <= _vocabulary(book), sorted(set(printed) - _vocabulary(book))[:20]
    table = book.table()
    for row in table.rows:
        for column, text in zip(table.columns, table.texts(row), strict=True):
            if column.kind != "text" and text:
                assert text in printed, text  # a date or a number is one word, on one line


@pytest.mark.tool
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="apt-get install poppler-utils")
def test_pdf_heading_words_are_never_split() -> None:
    book = _outgoing_book(5)
    printed = {word for word, _top in _pdf_words(table_pdf(book.table()))}
    for column in book.columns:
        assert set(column.heading.split()) <= printed, column.heading  # "Số lượng bản", not "Số l|ượn|g|bản"


def test_xlsx_dates_are_date_cells_shown_dd_mm_yyyy() -> None:
    sheet = load_workbook(io.BytesIO(table_xlsx(_arrival_book(3).table()))).active
    assert sheet is not None
    arrival, issued = sheet["A6"], sheet["E6"]
    assert arrival.is_date and arrival.number_format == "dd/mm/yyyy"
    assert arrival.value.date() == dt.date(2026, 8, 2)
    assert issued.is_date and issued.value.date() == dt.date(2026, 7, 2)


def test_xlsx_numbers_are_numbers() -> None:
    sheet = load_workbook(io.BytesIO(table_xlsx(_outgoing_book(3).table()))).active
    assert sheet is not None
    copies = sheet["G6"]
    assert copies.data_type == "n" and copies.value == 2
    arrival = load_workbook(io.BytesIO(table_xlsx(_arrival_book(3).table()))).active
    assert arrival is not None
    number = arrival["B6"]
    assert number.data_type == "n" and number.value == 1 and number.number_format == "00"  # shown "01"


def test_a_voided_number_is_greyed_in_the_xlsx() -> None:
    sheet = load_workbook(io.BytesIO(table_xlsx(_outgoing_book(4).table()))).active
    assert sheet is not None
    voided, kept = sheet["J8"], sheet["J7"]
    assert voided.value == "Đã hủy số: Sai nơi nhận"
    assert voided.font.color.rgb.endswith("6C757D") and not kept.value


def _client(actor: Actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "params", "name"), [
    ("web:registers:register", {}, "so-van-ban-den-nam-{year}"),
    ("web:registers:register", {"book": "HANDLING"}, "so-theo-doi-giai-quyet-van-ban-den-nam-{year}"),
    ("web:registers:outgoing", {}, "so-van-ban-di-nam-{year}"),
    ("web:registers:register", {"date_from": "01/01/{year}", "date_to": "15/03/{year}"},
     "so-van-ban-den-{year}0101-{year}0315"),
])
def test_register_downloads_are_named_in_plain_vietnamese(kit: AgencyKit, url: str, params: dict[str, str],
                                                          name: str) -> None:
    year = timezone.localdate().year
    query = {k: v.format(year=year) for k, v in params.items()}
    for fmt in ("xlsx", "pdf"):
        response = _client(kit.clerk).get(reverse(url), {**query, "format": fmt})
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{name.format(year=year)}.{fmt}"'


@pytest.mark.django_db
def test_the_screen_pages_fifty_rows_and_the_export_holds_them_all(kit: AgencyKit) -> None:
    for _n in range(53):
        registered_document(kit)
    client = _client(kit.clerk)
    first = client.get(reverse("web:registers:register")).content.decode()
    assert first.count('<tr data-document="') == 50
    assert "Trang 1/2" in first and 'id="next-page"' in first
    second = client.get(reverse("web:registers:register"), {"page": "2"}).content.decode()
    assert second.count('<tr data-document="') == 3
    sheet = load_workbook(io.BytesIO(client.get(reverse("web:registers:register"), {"format": "xlsx"}).content)).active
    assert sheet is not None and sheet.max_row == 5 + 53


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["web:registers:register", "web:registers:outgoing"])
def test_the_exports_come_first_and_the_table_fits_a_phone(kit: AgencyKit, url: str) -> None:
    registered_document(kit)
    page = _client(kit.leader).get(reverse(url)).content.decode()
    assert page.index('id="export-pdf"') < page.index('id="register-filter"') < page.index('id="register-table"')
    table = page[page.index('id="register-table"') - 200:]
    assert "vt-stack" in table[:400]  # rows become cards below 768 px (vanthu.css)
    assert 'class="table-responsive vt-register"' in page  # and scroll inside their box above


@pytest.mark.django_db
def test_the_filter_form_has_bootstrap_controls(kit: AgencyKit) -> None:
    page = _client(kit.clerk).get(reverse("web:registers:register")).content.decode()
    form = page[page.index('id="register-filter"'):page.index("</form>", page.index('id="register-filter"'))]
    assert re.search(r'<select name="register" class="form-select"', form)
    assert re.search(r'<select name="book" class="form-select"', form)
    assert re.search(r'<input type="number" name="year"[^>]*class="form-control"', form)
    assert re.search(r'<input type="text" name="date_from"[^>]*class="form-control"', form)
